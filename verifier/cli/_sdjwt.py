"""``civicred sdjwt issue | present | verify`` — a public contract (docs/cli.md; arguments in
``_args``)."""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from verifier._errors import IssuanceError, KeyStoreError
from verifier.cli._common import CliError, parse_now, print_report, read_input, read_json_file
from verifier.cli._trust_sources import jwks_resolver
from verifier.sdjwt import (
    PresentationError,
    VerificationPolicy,
    issue_sd_jwt_vc,
    present,
    verify_sd_jwt,
)
from verifier.signing import LocalSigner, load_public_jwk, load_signer


def _signer(path: str) -> LocalSigner:
    try:
        return load_signer(Path(path))
    except KeyStoreError as exc:
        raise CliError(str(exc)) from None


def issue(args: argparse.Namespace) -> int:
    claims = read_json_file(args.claims)
    if not isinstance(claims, dict):
        raise CliError(f"{args.claims} must hold a JSON object")
    holder: dict[str, Any] | None = None
    if args.holder_jwk:
        try:
            holder = load_public_jwk(Path(args.holder_jwk))
        except KeyStoreError as exc:
            raise CliError(str(exc)) from None
    now = int(time.time())
    try:
        issued = issue_sd_jwt_vc(
            claims,
            vct=args.vct,
            iss=args.iss,
            signer=_signer(args.issuer_key),
            disclosable=args.disclosable,
            iat=now,
            exp=now + args.exp if args.exp is not None else None,
            holder_jwk=holder,
            decoys=not args.no_decoys,
        )
    except (IssuanceError, ValueError) as exc:
        raise CliError(f"cannot issue: {exc}") from None
    print(issued.compact)
    return 0


def present_command(args: argparse.Namespace) -> int:
    holder = _signer(args.holder_key) if args.holder_key else None
    if holder is not None and (args.nonce is None or args.aud is None):
        raise CliError("a key-bound presentation needs --nonce and --aud")
    try:
        result = present(
            read_input(args.credential).strip(),
            args.disclose,
            holder=holder,
            nonce=args.nonce,
            aud=args.aud,
        )
    except (PresentationError, ValueError) as exc:
        raise CliError(f"cannot present: {exc}") from None
    print(result)
    return 0


def sdjwt_policy(args: argparse.Namespace, now: datetime) -> VerificationPolicy:
    """The policy of ``--require-kb``, ``--nonce``, ``--aud``, ``--legacy-typ``, ``--plain``, at
    the command's one ``now``."""
    return VerificationPolicy.at(
        now,
        require_key_binding=bool(args.require_kb or args.nonce),
        expected_nonce=args.nonce,
        expected_aud=args.aud,
        legacy_vc_typ=args.legacy_typ,
        sd_jwt_vc=not args.plain,
        expected_typ=None if args.plain else "dc+sd-jwt",
    )


def verify(args: argparse.Namespace) -> int:
    if not args.issuer_jwks:
        raise CliError("--issuer-jwks is required")
    policy = sdjwt_policy(args, parse_now(args.now))
    report = verify_sd_jwt(
        read_input(args.file), policy=policy, resolver=jwks_resolver(args.issuer_jwks)
    )
    return print_report(report, as_json=args.json)
