"""``civicred sdjwt issue | present | verify`` — a public contract (docs/cli.md)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from verifier._errors import IssuanceError, KeyStoreError, MalformedInput
from verifier.cli._common import CliError, parse_now, print_report, read_input, read_json_file
from verifier.sdjwt import (
    PresentationError,
    VerificationPolicy,
    issue_sd_jwt_vc,
    present,
    verify_sd_jwt,
)
from verifier.signing import LocalSigner, load_public_jwk, load_signer
from verifier.trust import JwksResolver


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sdjwt = commands.add_parser("sdjwt", help="issue, present and verify SD-JWT VCs")
    sub = sdjwt.add_subparsers(dest="sdjwt_command", required=True, metavar="ACTION")

    issue = sub.add_parser("issue", help="print a compact SD-JWT VC")
    issue.add_argument("--claims", required=True, metavar="FILE.json")
    issue.add_argument(
        "--disclosable",
        nargs="*",
        default=[],
        action="extend",
        metavar="PTR",
        help="RFC 6901 pointer of a selectively disclosable claim (repeatable)",
    )
    issue.add_argument("--issuer-key", required=True, metavar="KEY", help="private JWK or PEM file")
    issue.add_argument("--holder-jwk", metavar="JWK", help="holder public JWK file (cnf.jwk)")
    issue.add_argument("--vct", required=True)
    issue.add_argument("--iss", required=True)
    issue.add_argument("--exp", type=int, metavar="SECONDS", help="lifetime in seconds")
    issue.add_argument("--no-decoys", action="store_true", help="do not add decoy digests")
    issue.set_defaults(handler=_issue)

    pres = sub.add_parser("present", help="print an SD-JWT+KB disclosing the chosen claims")
    pres.add_argument("credential", metavar="CREDENTIAL", help="file or - for stdin")
    pres.add_argument("--disclose", nargs="*", default=[], action="extend", metavar="PTR")
    pres.add_argument(
        "--holder-key", metavar="KEY", help="holder private JWK or PEM (adds a KB-JWT)"
    )
    pres.add_argument("--nonce")
    pres.add_argument("--aud")
    pres.set_defaults(handler=_present)

    ver = sub.add_parser("verify", help="verify an SD-JWT VC presentation offline")
    add_sdjwt_verify_arguments(ver)
    ver.add_argument("file", metavar="FILE", help="file or - for stdin")
    ver.set_defaults(handler=_verify)


def add_sdjwt_verify_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--issuer-jwks", metavar="JWKS", help="trusted issuer JWK Set file")
    parser.add_argument("--nonce", help="expected KB-JWT nonce (implies --require-kb)")
    parser.add_argument("--aud", help="expected KB-JWT audience")
    parser.add_argument("--require-kb", action="store_true", help="require key binding")
    parser.add_argument("--now", metavar="ISO8601", help="verification time (default: now)")
    parser.add_argument("--legacy-typ", action="store_true", help="also accept typ vc+sd-jwt")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain SD-JWT (RFC 9901) rather than SD-JWT VC: no typ/vct rules",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON report")


def _signer(path: str) -> LocalSigner:
    try:
        return load_signer(Path(path))
    except KeyStoreError as exc:
        raise CliError(str(exc)) from None


def _issue(args: argparse.Namespace) -> int:
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


def _present(args: argparse.Namespace) -> int:
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


def sdjwt_policy(args: argparse.Namespace) -> VerificationPolicy:
    return VerificationPolicy.at(
        parse_now(args.now),
        require_key_binding=bool(args.require_kb or args.nonce),
        expected_nonce=args.nonce,
        expected_aud=args.aud,
        legacy_vc_typ=args.legacy_typ,
        sd_jwt_vc=not args.plain,
        expected_typ=None if args.plain else "dc+sd-jwt",
    )


def jwks_resolver(path: str) -> JwksResolver:
    try:
        return JwksResolver.from_file(Path(path))
    except MalformedInput as exc:
        raise CliError(exc.message) from None


def _verify(args: argparse.Namespace) -> int:
    if not args.issuer_jwks:
        raise CliError("--issuer-jwks is required")
    report = verify_sd_jwt(
        read_input(args.file), policy=sdjwt_policy(args), resolver=jwks_resolver(args.issuer_jwks)
    )
    return print_report(report, as_json=args.json)
