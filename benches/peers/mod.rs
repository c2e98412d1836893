//! The peer crates' counts, shared by the `tally_peers` bench and the
//! `peer_instructions` example so that both run the peers the same way.

use andel::tally::Profile;

pub(crate) fn tallystick_plurality(rankings: &[Vec<u16>]) -> u16 {
    let mut tally = tallystick::plurality::DefaultPluralityTally::new(1);
    for r in rankings {
        tally.add(r[0]);
    }
    tally.winners().all()[0]
}

pub(crate) fn tallystick_approval(rankings: &[Vec<u16>]) -> u16 {
    let mut tally = tallystick::approval::DefaultApprovalTally::new(1);
    for r in rankings {
        tally.add_ref(r);
    }
    tally.winners().all()[0]
}

pub(crate) fn tallystick_condorcet(rankings: &[Vec<u16>], n: usize) -> Vec<u16> {
    let mut tally =
        tallystick::condorcet::DefaultCondorcetTally::with_candidates(1, (0..n as u16).collect());
    for r in rankings {
        tally.add(r).unwrap();
    }
    tally.winners().all()
}

pub(crate) fn stv_rs_election(grouped: &Profile, seats: usize) -> stv_rs::types::Election {
    use stv_rs::types::{Ballot, Candidate, Election};
    let candidates: Vec<Candidate> = (0..grouped.candidates().len())
        .map(|i| Candidate::new(format!("c{i}"), false))
        .collect();
    let ballots: Vec<Ballot> = grouped
        .ballots()
        .iter()
        .map(|(ranking, weight)| {
            let count = usize::try_from(weight.mantissa()).unwrap();
            Ballot::new(
                count,
                ranking
                    .ranks()
                    .iter()
                    .map(|g| g.iter().map(|c| c.index()).collect::<Vec<_>>()),
            )
        })
        .collect();
    let total: usize = ballots.iter().map(Ballot::count).sum();
    Election::builder()
        .title("bench")
        .num_seats(seats)
        .num_ballots(total)
        .candidates(candidates)
        .ballots(ballots)
        .build()
}

pub(crate) fn stv_rs_meek(election: &stv_rs::types::Election) -> Vec<usize> {
    use stv_rs::arithmetic::{FixedDecimal9, Integer64};
    let result = stv_rs::meek::stv_droop::<Integer64, FixedDecimal9>(
        &mut std::io::sink(),
        election,
        "stv-rs",
        6,
        stv_rs::cli::Parallel::No,
        None,
        false,
        false,
        false,
    )
    .unwrap();
    result.elected
}
