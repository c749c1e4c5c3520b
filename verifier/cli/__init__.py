"""The ``civicred`` command line.

Subcommands that only need the verifier live here; the issuer and the trust registry add theirs
through the ``civicred.cli`` entry-point group (so ``verifier`` never imports them, and a light
install still has a working CLI). Exit codes (a public contract): 0 valid, 1 invalid, 2 usage
error, 3 undetermined.

Start-up is part of the contract too (a verifier may run once per scanned document): the built-in
commands are registered without importing their implementations, and the entry points are only
looked up for a command that is not built in (or for help). Whatever happens, no traceback: an
unexpected exception is one ``civicred: internal error`` line and exit 2.

Public for programs that build on the command line's trust handling (the verifier desk): the
names below, and the modules :mod:`verifier.cli.pins` (the pin store), :mod:`verifier.cli.roots`
(which root a bundle is verified against, the rollback memory) and :mod:`verifier.cli.download`
(bounded downloads). Every other ``verifier.cli._x`` module is private.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from verifier.cli._args import BUILT_IN, Commands, register_built_in
from verifier.cli._common import (
    EXIT_INVALID,
    EXIT_UNDETERMINED,
    EXIT_USAGE,
    EXIT_VALID,
    CliError,
    parse_now,
    read_file,
    write_atomically,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "EXIT_INVALID",
    "EXIT_UNDETERMINED",
    "EXIT_USAGE",
    "EXIT_VALID",
    "PLUGIN_GROUP",
    "CliError",
    "build_parser",
    "main",
    "parse_now",
    "read_file",
    "write_atomically",
]

PLUGIN_GROUP = "civicred.cli"
_MAX_MESSAGE = 300


def entry_points(group: str) -> Iterable[EntryPoint]:
    """The installed plugins (``importlib.metadata`` is imported only when they are needed)."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


def build_parser(*, plugins: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (``only``) the one built-in command being run, without plugins."""
    parser = argparse.ArgumentParser(
        prog="civicred",
        description="Issue and verify social-status attestations and health-insurance cards.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_built_in(commands, only=only)
    if plugins and only is None:
        _register_plugins(commands)
    return parser


def _register_plugins(commands: Commands) -> None:
    for plugin in entry_points(group=PLUGIN_GROUP):
        try:
            register = plugin.load()
        except ImportError as exc:  # an optional part is not installed
            _unavailable(commands, plugin.name, exc)
            continue
        register(commands)


def _unavailable(commands: Commands, name: str, exc: ImportError) -> None:
    stub = commands.add_parser(name, help=f"(unavailable: install civicred[server]) {exc.name}")
    stub.set_defaults(handler=lambda _args: _missing(name, exc))


def _missing(name: str, exc: ImportError) -> int:
    print(
        f"civicred {name}: needs the server extra (pip install 'civicred[server]'): {exc}",
        file=sys.stderr,
    )
    return EXIT_USAGE


def _built_in_command(argv: Sequence[str]) -> str | None:
    """The command (the first word that is no option) if it is a built-in one: then neither the
    other commands nor the plugins are needed."""
    command = next((word for word in argv if not word.startswith("-")), None)
    return command if command in BUILT_IN else None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser(only=_built_in_command(arguments)).parse_args(arguments)
        return int(args.handler(args))
    except CliError as exc:
        print(f"civicred: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's final flush
        return 0
    except Exception as exc:  # the last resort: every known cause has its own answer
        print(f"civicred: internal error ({type(exc).__name__}): {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "no message"
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"
