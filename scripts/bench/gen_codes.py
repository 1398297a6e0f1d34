#!/usr/bin/env python3
"""Writes a code batch for the import benchmark: N serialised units as canonical ids.

Serials are random (as real per-item codes are), so keys arrive in random order, the hard
case for a B-tree. Deterministic for a given seed.

usage: gen_codes.py N OUT.csv [--seed S]
"""
import random
import sys


def gtin_with_check(body13: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body13)))
    return body13 + str((10 - total % 10) % 10)


def main() -> None:
    count = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    rng = random.Random(seed)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    gtins = [gtin_with_check(f"0695{p:09d}") for p in range(20)]
    with open(out, "w", buffering=1 << 20) as f:
        f.write("code,product,lot,expiry\n")
        for i in range(count):
            gtin = gtins[i % len(gtins)]
            serial = "".join(rng.choices(alphabet, k=12))
            f.write(f"01/{gtin}/21/{serial},P{i % 20:03d},L{i // 100000:05d},2027-12-31\n")


if __name__ == "__main__":
    main()
