//! One side of a peer comparison, for counting instructions under callgrind, which is
//! steadier than wall-clock time on a shared machine. Each side's count runs inside a
//! function of its own, so callgrind can collect only there:
//!
//! ```text
//! cargo build --release -p andel-benches --example peer_instructions
//! valgrind --tool=callgrind --toggle-collect='*count_once*' \
//!     target/release/examples/peer_instructions andel-meek
//! ```
//!
//! Sides: `andel-meek` and `stv-rs-meek` (100k ballots, 30 candidates, 5 seats, on the
//! same grouped ballots); `andel-condorcet` (grouping included) and
//! `tallystick-condorcet`, `andel-plurality` and `tallystick-plurality`, `andel-approval`
//! and `tallystick-approval` (1M ballots, 10 candidates; Andel's side includes grouping).

// A broken comparison setup should stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use andel::tally::{Method, Options, Pairwise, count};
use andel_benches::{ballots, ranked_profile};

#[path = "../peers/mod.rs"]
mod peers;

#[inline(never)]
fn count_once<T>(run: impl FnOnce() -> T) -> T {
    black_box(run())
}

fn main() {
    let side = std::env::args().nth(1).unwrap_or_default();
    match side.as_str() {
        "andel-meek" | "stv-rs-meek" => {
            let grouped = ranked_profile(&ballots(100_000, 30, 0xBA11075), 30);
            let options = Options {
                seats: 5,
                ..Options::default()
            };
            let elected = if side == "andel-meek" {
                let outcome = count_once(|| count(&grouped, Method::StvMeek, options).unwrap());
                outcome.elected.iter().map(|c| c.index()).collect()
            } else {
                let election = peers::stv_rs_election(&grouped, 5);
                count_once(|| peers::stv_rs_meek(&election))
            };
            let mut elected: Vec<usize> = elected;
            elected.sort();
            println!("{side}: elected {elected:?}");
        }
        "andel-condorcet" | "tallystick-condorcet" => {
            let rankings = ballots(1_000_000, 10, 0x5EED);
            let winner = if side == "andel-condorcet" {
                count_once(|| Pairwise::of(&ranked_profile(&rankings, 10)))
                    .condorcet_winner
                    .map(|c| c.0)
            } else {
                count_once(|| peers::tallystick_condorcet(&rankings, 10))
                    .first()
                    .copied()
            };
            println!("{side}: Condorcet winner {winner:?}");
        }
        "andel-plurality" | "tallystick-plurality" | "andel-approval" | "tallystick-approval" => {
            let rankings = ballots(1_000_000, 10, 0x5EED);
            let winner = match side.as_str() {
                "andel-plurality" | "andel-approval" => {
                    let method = if side == "andel-plurality" {
                        Method::Plurality
                    } else {
                        Method::Approval
                    };
                    count_once(|| {
                        count(&ranked_profile(&rankings, 10), method, Options::default()).unwrap()
                    })
                    .elected[0]
                        .0
                }
                "tallystick-plurality" => count_once(|| peers::tallystick_plurality(&rankings)),
                _ => count_once(|| peers::tallystick_approval(&rankings)),
            };
            println!("{side}: winner {winner}");
        }
        other => {
            eprintln!("unknown side `{other}`: see the file's first lines");
            std::process::exit(2);
        }
    }
}
