"""Issuer commands for the ``civicred`` CLI (registered through the ``civicred.cli`` entry point).

``civicred demo`` is the main job of the README: the trust registry and the issuer on SQLite with
DEV-ONLY keys generated on first run, sample credentials issued, published and verified offline
through the registry's bundle; then both keep serving until Ctrl-C (``--once`` stops at once).
``civicred samples --out DIR`` does the same once and writes the samples into ``DIR``.
``civicred pdf render|batch`` renders signed PDF documents (issuer/documents, docs/documents.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from issuer.documents._cli import register as register_pdf

DEFAULT_WORKDIR = Path("var")
DEFAULT_REGISTRY_PORT = 8700
DEFAULT_ISSUER_PORT = 8701


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="run registry + issuer, issue and verify samples")
    demo.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default: var)"
    )
    demo.add_argument("--registry-port", type=int, default=DEFAULT_REGISTRY_PORT)
    demo.add_argument("--issuer-port", type=int, default=DEFAULT_ISSUER_PORT)
    demo.add_argument("--once", action="store_true", help="stop after verifying the samples")
    demo.set_defaults(handler=_demo)
    samples = commands.add_parser("samples", help="(re)generate sample credentials into a folder")
    samples.add_argument("--out", type=Path, required=True)
    samples.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default: var)"
    )
    samples.add_argument("--registry-port", type=int, default=DEFAULT_REGISTRY_PORT)
    samples.add_argument("--issuer-port", type=int, default=DEFAULT_ISSUER_PORT)
    samples.set_defaults(handler=_samples)
    register_pdf(commands)


def _demo(args: argparse.Namespace) -> int:
    from issuer.samples import run

    return run(
        args.workdir / "samples",
        args.workdir,
        registry_port=args.registry_port,
        issuer_port=args.issuer_port,
        serve=not args.once,
    )


def _samples(args: argparse.Namespace) -> int:
    from issuer.samples import run

    return run(
        args.out,
        args.workdir,
        registry_port=args.registry_port,
        issuer_port=args.issuer_port,
        serve=False,
    )
