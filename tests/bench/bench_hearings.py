"""Benchmark: the hearing draw (selection.select) against a baseline measured in the same run.

Baseline: ordering the same entrants by HMAC-SHA256(seed, public_id) alone - the least any
verifiable draw must do. The ratio shows what the composition rules, minimums, opponents-first
ordering, reasons and waiting lists cost on top of it.

Run: .venv/bin/python tests/bench/bench_hearings.py
"""
from __future__ import annotations

import random
import time

from consult.hearings.selection import Category, Entrant, Rule, draw_hash, select

RULES = [Rule("利益群体代表不少于40%", ("affected",), min_share=40),
         Rule("部门（单位）负责人和社会贤达不超过40%", ("heads", "figures"), max_share=40)]
CODES = ["affected", "heads", "figures", "experts", "deputies", "media", "observers"]


def world(n: int, seats: int):
    rnd = random.Random(n)
    entrants = [Entrant(f"P{i:07d}", rnd.choice(CODES), rnd.random() < 0.2) for i in range(n)]
    shares = [50, 10, 10, 10, 10, 5, 5]
    categories = [Category(code, code, seats * s // 100, 1, code != "observers") for code, s in zip(CODES, shares)]
    return entrants, categories


def best_of(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(f"{'entrants':>9} {'seats':>6} {'baseline ms':>12} {'select ms':>10} {'ratio':>6}")
    for n, seats in ((500, 100), (5_000, 200), (50_000, 500)):
        entrants, categories = world(n, seats)
        base = best_of(lambda: sorted(entrants, key=lambda e: draw_hash("seed", e.public_id)))
        full = best_of(lambda: select(entrants, categories, RULES, "seed", 50, sensitive=True))
        out = select(entrants, categories, RULES, "seed", 50, sensitive=True)
        chosen = sum(o.status == "selected" for o in out)
        assert chosen <= seats and len(out) == n
        print(f"{n:>9} {seats:>6} {base * 1000:>12.1f} {full * 1000:>10.1f} {full / base:>6.2f}   selected {chosen}")


if __name__ == "__main__":
    main()
