"""Issuer commands for the ``civicred`` CLI (registered through the ``civicred.cli`` entry point).

``civicred demo`` is the main job of the README: dev keys, sample credentials, verification.
``civicred samples --out DIR`` regenerates the committed ``sample_credentials/``.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from issuer.samples import generate_samples, verify_samples

DEFAULT_WORKDIR = Path("var")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo", help="generate dev keys, issue sample credentials, verify them"
    )
    demo.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default: var)"
    )
    demo.set_defaults(handler=_demo)
    samples = commands.add_parser("samples", help="(re)generate sample credentials into a folder")
    samples.add_argument("--out", type=Path, required=True)
    samples.add_argument("--keys", type=Path, default=DEFAULT_WORKDIR / "dev-keys")
    samples.set_defaults(handler=_samples)


def _run(out: Path, keys: Path) -> int:
    now = datetime.now(UTC).replace(microsecond=0)
    generate_samples(out, keys_dir=keys, now=now)
    failures = 0
    for sample, report in verify_samples(out, now=now):
        print(f"{report.outcome.value.upper():8} {sample.file:40} {sample.description}")
        failures += not report.valid
    print(f"samples in {out}; keys in {keys} (DEV ONLY)")
    return 1 if failures else 0


def _demo(args: argparse.Namespace) -> int:
    return _run(args.workdir / "samples", args.workdir / "dev-keys")


def _samples(args: argparse.Namespace) -> int:
    return _run(args.out, args.keys)
