"""Tiny timing helper shared by the benchmark scripts: best-of-N rounds of a tight loop."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_second(fn: Callable[[], object], *, min_time: float = 0.4, rounds: int = 5) -> float:
    """Operations per second: the best of ``rounds`` loops of at least ``min_time`` seconds.

    CPU time of this process (``process_time``), so other load on a shared machine skews the
    ratios less than wall-clock time would.
    """
    n = 1
    while True:  # calibrate the loop length
        start = time.process_time()
        for _ in range(n):
            fn()
        elapsed = time.process_time() - start
        if elapsed >= min_time / 4:
            break
        n *= 2
    loops = max(1, int(n * min_time / max(elapsed, 1e-9)))
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(loops):
            fn()
        best = min(best, (time.process_time() - start) / loops)
    return 1.0 / best


def table(rows: list[tuple[str, float]], *, baseline: str) -> str:
    base = dict(rows)[baseline]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'':{width}}  {'ops/s':>10}  {'µs/op':>9}  {'time vs ' + baseline:>16}"]
    for name, ops in rows:
        lines.append(f"{name:{width}}  {ops:10.0f}  {1e6 / ops:9.1f}  {base / ops:15.2f}×")
    return "\n".join(lines)
