"""The ``civicred`` command line.

Subcommands that only need the verifier live here; the issuer and the trust registry add theirs
through the ``civicred.cli`` entry-point group (so ``verifier`` never imports them, and a light
install still has a working CLI). Exit codes (a public contract): 0 valid, 1 invalid, 2 usage
error, 3 undetermined.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from verifier.cli import _bundle, _keys, _sdjwt, _verify
from verifier.cli._common import EXIT_USAGE, CliError

PLUGIN_GROUP = "civicred.cli"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civicred",
        description="Issue and verify social-status attestations and health-insurance cards.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _keys.register(commands)
    _sdjwt.register(commands)
    _verify.register(commands)
    _bundle.register(commands)
    for plugin in entry_points(group=PLUGIN_GROUP):
        try:
            register = plugin.load()
        except ImportError as exc:  # an optional part is not installed
            _unavailable(commands, plugin.name, exc)
            continue
        register(commands)
    return parser


def _unavailable(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, exc: ImportError
) -> None:
    stub = commands.add_parser(name, help=f"(unavailable: install civicred[server]) {exc.name}")
    stub.set_defaults(handler=lambda _args: _missing(name, exc))


def _missing(name: str, exc: ImportError) -> int:
    print(
        f"civicred {name}: needs the server extra (pip install 'civicred[server]'): {exc}",
        file=sys.stderr,
    )
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except CliError as exc:
        print(f"civicred: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's final flush
        return 0
