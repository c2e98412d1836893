//! Groups the peer bench's 1M ballots once, for instruction counts under callgrind.
fn main() {
    let r = andel_benches::ballots(1_000_000, 10, 0x5EED);
    let p = andel_benches::ranked_profile(&r, 10);
    println!("{} distinct of {}", p.ballots().len(), r.len());
}
