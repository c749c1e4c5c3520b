"""The ``civicred`` process: start-up and many inputs.

Run: ``.venv/bin/python bench/cli.py [--rounds N] [--inputs N]``. Two figures, each against a
baseline measured here, on this machine, in the same run:

1. one whole-process ``civicred verify <QR text> --bundle … --root …`` vs ``python -c pass``
   (goal: ≤ 3×);
2. per-input time of ``civicred verify`` over N inputs in one process vs N separate processes.

Time is the CPU time (user + system) of the child process, best of ``--rounds``, as in the other
benchmarks: on a shared machine it varies less than wall-clock time does.

Subprocesses run in the checkout (so ``python -m`` and ``-c`` import this tree, not another one on
the way), with bytecode caching on (an installed package has its ``.pyc``; a cache folder of its
own keeps the checkout clean) and a pin store of their own. Absolute numbers vary with the
machine; the ratios are the point.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_credentials"
NOW = "2026-11-23T22:07:00+00:00"  # the samples' generated_at (their bundle is fresh then)
QR_FILES = sorted(SAMPLES.glob("*.qr.txt"))


def _environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONPYCACHEPREFIX=str(cache / "pycache"),
        CIVICRED_CONFIG_DIR=str(cache / "config"),
    )
    env.pop("CIVICRED_REGISTRY_ROOT", None)
    return env


def _civicred() -> list[str]:
    script = Path(sys.executable).parent / "civicred"
    return [str(script)] if script.exists() else [sys.executable, "-m", "verifier.cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _best(command: list[str], env: dict[str, str], rounds: int, stdin: bytes = b"") -> float:
    best = float("inf")
    for _ in range(rounds):
        start = _children_cpu()
        result = subprocess.run(
            command, input=stdin, capture_output=True, env=env, cwd=ROOT, check=False
        )
        best = min(best, _children_cpu() - start)
        if result.returncode not in (0, 1, 3):
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()[-400:]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--inputs", type=int, default=50, help="N, at least 2")
    options = parser.parse_args()
    if options.inputs < 2:
        parser.error("--inputs must be at least 2")
    trust = ["--bundle", str(SAMPLES / "bundle.jwt"), "--root", str(SAMPLES / "registry-root.pem")]
    verify = [*_civicred(), "verify", *trust, "--now", NOW]
    text = (SAMPLES / "eprc.qr.txt").read_text().strip()
    with tempfile.TemporaryDirectory(prefix="civicred-bench-") as folder:
        env = _environment(Path(folder))
        _best([*verify, text], env, 2)  # warm the bytecode cache and the pin store
        floor = _best([sys.executable, "-c", "pass"], env, options.rounds)
        one = _best([*verify, text], env, options.rounds)
        print(f"whole process, one QR text (CPU time, best of {options.rounds}):")
        print(f"  python -c pass        {floor * 1e3:8.1f} ms")
        print(f"  civicred verify       {one * 1e3:8.1f} ms   {one / floor:5.2f}× python -c pass"
              "   (goal ≤ 3×)")  # fmt: skip

        n = options.inputs
        lines = "\n".join(QR_FILES[i % len(QR_FILES)].read_text().strip() for i in range(n))
        many = _best([*verify, "--jsonl", "-"], env, max(3, options.rounds // 3), lines.encode())
        marginal = max(many - one, 0.0) / (n - 1)
        print(f"\n{n} QR texts, per input:")
        print(f"  one process (stdin)   {many / n * 1e3:8.2f} ms   (start-up shared; "
              f"{marginal * 1e3:.2f} ms per extra input)")  # fmt: skip
        print(
            f"  {n} processes {'':8}{one * 1e3:8.2f} ms   {one / (many / n):5.1f}× the one process"
        )


if __name__ == "__main__":
    main()
