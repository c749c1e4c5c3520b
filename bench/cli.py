"""The ``civicred`` process: start-up and many inputs.

Run: ``.venv/bin/python bench/cli.py [--rounds N] [--inputs N]``. Two figures, each against a
baseline measured here, on this machine, in the same run:

1. one whole-process ``civicred verify <QR text> --bundle … --root …`` vs ``python -c pass``
   (goal: ≤ 3×), with where the time goes: ``python -c "import cryptography.x509"`` (the floor of
   any X.509 verification in Python: the trust chain needs it) and the imports alone (``python
   -c "import verifier.cli._verify"``, what a QR-text verification loads before it runs), and
   what those imports cost without the X.509 stack (``cryptography.x509`` replaced by an empty
   stand-in before they run: the best case of any design that keeps X.509 out of a QR-text run,
   e.g. a cache of verified trust) next to the cryptography primitives the crypto policy imports;
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
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_credentials"
#: The samples' generated_at: their bundle is fresh then, so the QR text verifies as valid.
NOW = json.loads((SAMPLES / "manifest.json").read_text())["generated_at"]
QR_FILES = sorted(SAMPLES.glob("*.qr.txt"))
#: Stands in for the X.509 stack: every name of ``cryptography.x509`` (and its submodules) is an
#: inert object, so the verifier's modules import without it. Measures imports only: nothing
#: verifies with it.
_WITHOUT_X509 = """
import sys, types
import cryptography
class _Inert:
    def __init__(self, *args, **kwargs): pass
    def __call__(self, *args, **kwargs): return _Inert()
    def __getattr__(self, name): return _Inert()
    def __or__(self, other): return self
    __ror__ = __or__
    def __mro_entries__(self, bases): return (object,)
for name in ("cryptography.x509", "cryptography.x509.oid", "cryptography.x509.verification"):
    module = types.ModuleType(name)
    module.__getattr__ = lambda attribute: _Inert()
    module.__path__ = []
    sys.modules[name] = module
cryptography.x509 = sys.modules["cryptography.x509"]
import verifier.cli._verify
assert "__file__" not in vars(sys.modules["cryptography.x509"])  # the real one never loaded
"""
_PRIMITIVES = "import " + ", ".join(
    f"cryptography.hazmat.primitives.{name}"
    for name in ("asymmetric.ec", "asymmetric.rsa", "asymmetric.ed25519", "asymmetric.mldsa",
                 "asymmetric.padding", "serialization", "ciphers.aead", "kdf.concatkdf", "hashes")
)  # fmt: skip


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


def _run(
    command: list[str], env: dict[str, str], stdin: bytes = b"", ok: tuple[int, ...] = (0,)
) -> float:
    """The child's CPU time; an exit code not in ``ok`` stops the benchmark (a refusal would
    time a shorter path than a verification)."""
    start = _children_cpu()
    result = subprocess.run(
        command, input=stdin, capture_output=True, env=env, cwd=ROOT, check=False
    )
    elapsed = _children_cpu() - start
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)[:200]} exited {result.returncode}: "
                         f"{result.stdout.decode()[:300]}{result.stderr.decode()[-300:]}")  # fmt: skip
    return elapsed


def _best_interleaved(
    commands: dict[str, list[str]], env: dict[str, str], rounds: int
) -> dict[str, float]:
    """Best of ``rounds`` for each command, the commands taking turns (a burst of load from
    elsewhere then costs every figure alike, not just one)."""
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(rounds):
        for name, command in commands.items():
            best[name] = min(best[name], _run(command, env))
    return best


def _best(
    command: list[str],
    env: dict[str, str],
    rounds: int,
    stdin: bytes = b"",
    ok: tuple[int, ...] = (0,),
) -> float:
    return min(_run(command, env, stdin, ok) for _ in range(rounds))


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
        python = [sys.executable, "-c"]
        times = _best_interleaved(
            {
                "python -c pass": [*python, "pass"],
                "import cryptography.x509": [*python, "import cryptography.x509"],
                "imports of a QR verify": [*python, "import verifier.cli._verify"],
                "… without X.509": [*python, _WITHOUT_X509],
                "primitives, no X.509": [*python, _PRIMITIVES],
                "civicred verify": [*verify, text],
            },
            env,
            options.rounds,
        )
        floor, one = times["python -c pass"], times["civicred verify"]
        print(f"whole process, one QR text (CPU time, best of {options.rounds}):")
        for name, seconds in times.items():
            goal = "   (goal ≤ 3×)" if name == "civicred verify" else ""
            print(
                f"  {name:24}{seconds * 1e3:8.1f} ms   {seconds / floor:5.2f}× python -c pass{goal}"
            )

        n = options.inputs
        lines = "\n".join(QR_FILES[i % len(QR_FILES)].read_text().strip() for i in range(n))
        # the samples include an expired and a revoked document: the summary exit code is 1
        many = _best(
            [*verify, "--jsonl", "-"], env, max(3, options.rounds // 3), lines.encode(), (1,)
        )
        marginal = max(many - one, 0.0) / (n - 1)
        print(f"\n{n} QR texts, per input:")
        print(f"  one process (stdin)   {many / n * 1e3:8.2f} ms   (start-up shared; "
              f"{marginal * 1e3:.2f} ms per extra input)")  # fmt: skip
        print(
            f"  {n} processes {'':8}{one * 1e3:8.2f} ms   {one / (many / n):5.1f}× the one process"
        )


if __name__ == "__main__":
    main()
