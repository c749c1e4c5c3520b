"""``civicred verify FILE|TEXT`` — detects the input kind and verifies it offline.

Trust comes from ``--bundle`` (the registry's signed offline bundle; root pin from ``--root`` or
``$CIVICRED_REGISTRY_ROOT``) or, for ad-hoc checks, ``--issuer-jwks`` (SD-JWT) and ``--trust-cert``
(signed QR documents). QR text, images and PDFs are added behind the same command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from verifier._errors import VerificationError
from verifier._offline import OfflineVerifier
from verifier.cli._bundle import load_root
from verifier.cli._common import CliError, parse_now, print_report, read_input
from verifier.cli._sdjwt import add_sdjwt_verify_arguments, jwks_resolver, sdjwt_policy
from verifier.sdjwt import verify_sd_jwt


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ver = commands.add_parser("verify", help="verify a credential or document offline")
    ver.add_argument("input", metavar="FILE|TEXT", help="a file, - for stdin, or the token itself")
    ver.add_argument(
        "--bundle", metavar="FILE", help="the registry's offline bundle (no network needed)"
    )
    ver.add_argument(
        "--root", metavar="PEM", help="pinned registry root (default: $CIVICRED_REGISTRY_ROOT)"
    )
    add_sdjwt_verify_arguments(ver)
    ver.set_defaults(handler=_verify)


def _read(value: str) -> str:
    if value == "-" or Path(value).is_file():
        return read_input(value)
    return value


def offline_verifier(args: argparse.Namespace) -> OfflineVerifier:
    try:
        token = Path(args.bundle).read_text().strip()
    except OSError as exc:
        raise CliError(f"cannot read the bundle {args.bundle}: {exc.strerror}") from None
    try:
        return OfflineVerifier.from_bundle(
            token, root=load_root(args.root), now=parse_now(args.now)
        )
    except VerificationError as exc:
        raise CliError(f"the bundle is not usable: {exc.message} [{exc.code}]") from None


def _verify(args: argparse.Namespace) -> int:
    text = _read(args.input).strip()
    if "~" in text or text.startswith("{"):
        if args.bundle:
            report = offline_verifier(args).verify_sd_jwt(text, sdjwt_policy(args))
        elif args.issuer_jwks:
            report = verify_sd_jwt(
                text, policy=sdjwt_policy(args), resolver=jwks_resolver(args.issuer_jwks)
            )
        else:
            raise CliError("an SD-JWT needs trust: pass --bundle (or --issuer-jwks)")
        return print_report(report, as_json=args.json)
    raise CliError("unrecognised input: expected an SD-JWT (compact or JSON serialization)")
