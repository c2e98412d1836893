#!/usr/bin/env python3
"""Writes the ballots of tally_vs_stv_rs.sh as two BLT files in DIR.

The ballots come from the benches' seeded generator (`andel_benches::ballots`, ported
here so the script needs no extra build): the same ballots on every run, one line per
ballot. `ballots.blt` names candidates by number, as Andel reads BLT;
`ballots-nick.blt` holds the same ballots with the `[nick ...]` line and nicknames the
stv-rs command requires.

    write_blt.py DIR [BALLOTS] [CANDIDATES] [SEATS]
"""
import os
import sys

MASK = (1 << 64) - 1


def ballots(voters, candidates, seed):
    state = seed

    def below(n):
        nonlocal state
        state ^= state >> 12
        state ^= (state << 25) & MASK
        state ^= state >> 27
        return ((state * 0x2545F4914F6CDD1D) & MASK) % n

    for _ in range(voters):
        longest = min(max(below(candidates), 1), 5)
        length = 1 + below(longest)
        order = []
        while len(order) < length:
            # Popularity: low-numbered candidates are drawn more often.
            c = below(candidates) * below(candidates) // candidates
            if c not in order:
                order.append(c)
        yield order


def main():
    out = sys.argv[1]
    voters = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    candidates = int(sys.argv[3]) if len(sys.argv) > 3 else 12
    seats = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    lines = [" ".join(str(c + 1) for c in order) for order in ballots(voters, candidates, 0xB17)]
    names = "".join(f'"Candidate {c}"\n' for c in range(1, candidates + 1))
    title = f'"Bench, {voters} ballots"\n'
    with open(os.path.join(out, "ballots.blt"), "w") as f:
        f.write(f"{candidates} {seats}\n")
        f.write("".join(f"1 {line} 0\n" for line in lines))
        f.write("0\n" + names + title)
    with open(os.path.join(out, "ballots-nick.blt"), "w") as f:
        f.write(f"{candidates} {seats}\n")
        f.write("[nick " + " ".join(f"c{c}" for c in range(1, candidates + 1)) + "]\n")
        f.write("".join("1 " + " ".join("c" + t for t in line.split()) + " 0\n" for line in lines))
        f.write("0\n" + names + title)


main()
