#!/usr/bin/env python3
"""Writes source texts for a synthetic corpus, for timing `check --sources`.

    scripts/quote-sources.py CORPUS MEGABYTES

Reads every case under CORPUS/cases, gathers each source's quotations, and writes
CORPUS/sources/<key>.txt of about MEGABYTES megabytes: filler prose with every quotation
of that source placed at random among it (so that every quotation is verbatim, and the
check must search the whole text). Deterministic (seeded).
"""
import os
import random
import sys
import tomllib

WORDS = ("the talks were held in a climate of mistrust while both sides sought "
         "guarantees from their allies and the mediators proposed an agenda").split()


def main():
    corpus, megabytes = sys.argv[1], float(sys.argv[2])
    quotes = {}
    cases = os.path.join(corpus, "cases")
    for name in sorted(os.listdir(cases)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(cases, name), "rb") as f:
            case = tomllib.load(f)
        for e in case.get("evidence", []):
            if "quote" in e:
                quotes.setdefault(e["source"], []).append(e["quote"])
    out = os.path.join(corpus, "sources")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1)
    size = int(megabytes * 1024 * 1024)
    for key, qs in sorted(quotes.items()):
        parts, length = [], 0
        filler = max(1, (size - sum(len(q) + 2 for q in qs)) // max(1, len(qs)))
        for q in qs:
            words = []
            while sum(len(w) + 1 for w in words) < filler:
                words.append(rng.choice(WORDS))
            parts.append(" ".join(words))
            parts.append(q)
        with open(os.path.join(out, key + ".txt"), "w") as f:
            f.write("\n".join(parts) + "\n")
    total = sum(len(q) for q in quotes.values())
    print(f"{len(quotes)} source texts, {sum(len(q) for q in quotes.values())} quotations")


if __name__ == "__main__":
    main()
