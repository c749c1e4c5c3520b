"""``civicred verify FILE|TEXT`` — detects the input kind and verifies it offline.

Kinds recognised today: SD-JWT / SD-JWT+KB (compact or JSON). The trust registry bundle, QR text,
images and PDFs are added by later steps behind the same command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from verifier.cli._common import CliError, print_report, read_input
from verifier.cli._sdjwt import add_sdjwt_verify_arguments, jwks_resolver, sdjwt_policy
from verifier.sdjwt import verify_sd_jwt


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ver = commands.add_parser("verify", help="verify a credential or document offline")
    ver.add_argument("input", metavar="FILE|TEXT", help="a file, - for stdin, or the token itself")
    add_sdjwt_verify_arguments(ver)
    ver.set_defaults(handler=_verify)


def _read(value: str) -> str:
    if value == "-" or Path(value).is_file():
        return read_input(value)
    return value


def _verify(args: argparse.Namespace) -> int:
    text = _read(args.input).strip()
    if "~" in text or text.startswith("{"):
        if not args.issuer_jwks:
            raise CliError("an SD-JWT needs trust: pass --issuer-jwks")
        report = verify_sd_jwt(
            text, policy=sdjwt_policy(args), resolver=jwks_resolver(args.issuer_jwks)
        )
        return print_report(report, as_json=args.json)
    raise CliError("unrecognised input: expected an SD-JWT (compact or JSON serialization)")
