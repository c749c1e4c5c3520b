"""The built-in commands' arguments — the public contract of docs/cli.md, in one place.

Only ``argparse`` here: each command's implementation module is imported when the command runs
(:func:`deferred`), so ``civicred`` starts quickly whatever the command.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias

from verifier.cli._common import deferred

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
ROOT_ENV = "CIVICRED_REGISTRY_ROOT"
FETCH_TIMEOUT_SECONDS = 30.0
BUILT_IN = ("keys", "sdjwt", "verify", "bundle")


def register_built_in(commands: Commands, *, only: str | None = None) -> None:
    """Every built-in command, or ``only`` the one being run (building argparse parsers costs
    a translation lookup per help string: a verifier run once per document should not pay that
    for every command it does not run)."""
    for name, register in (("keys", _keys), ("sdjwt", _sdjwt), ("verify", _verify),
                           ("bundle", _bundle)):  # fmt: skip
        if only is None or name == only:
            register(commands)


class _GeneratableAlgorithms:
    """``keys generate --alg`` choices, read from the crypto policy only when argparse asks."""

    def _names(self) -> list[str]:
        from verifier.jose import ALGORITHMS

        return sorted(name for name, alg in ALGORITHMS.items() if not alg.legacy)

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


class _PolicyNames:
    """``verify --policy`` choices: the shipped purposes, listed only when argparse asks."""

    def _names(self) -> tuple[str, ...]:
        from verifier.policies import policy_names

        return policy_names()

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def _keys(commands: Commands) -> None:
    keys = commands.add_parser("keys", help="generate and inspect signing keys")
    sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    gen = sub.add_parser("generate", help="write DIR/private.jwk, DIR/private.pem, DIR/jwks.json")
    gen.add_argument("--alg", default="ES256", choices=_GeneratableAlgorithms())
    gen.add_argument("--out", required=True, type=Path, metavar="DIR")
    gen.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt private.pem with the passphrase in this environment variable",
    )
    gen.add_argument("--ask-passphrase", action="store_true", help="prompt for a passphrase")
    gen.set_defaults(handler=deferred("verifier.cli._keys", "generate"))


def _sdjwt(commands: Commands) -> None:
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
    issue.set_defaults(handler=deferred("verifier.cli._sdjwt", "issue"))

    pres = sub.add_parser("present", help="print an SD-JWT+KB disclosing the chosen claims")
    pres.add_argument("credential", metavar="CREDENTIAL", help="file or - for stdin")
    pres.add_argument("--disclose", nargs="*", default=[], action="extend", metavar="PTR")
    pres.add_argument(
        "--holder-key", metavar="KEY", help="holder private JWK or PEM (adds a KB-JWT)"
    )
    pres.add_argument("--nonce")
    pres.add_argument("--aud")
    pres.set_defaults(handler=deferred("verifier.cli._sdjwt", "present_command"))

    ver = sub.add_parser("verify", help="verify an SD-JWT VC presentation offline")
    add_sdjwt_verify_arguments(ver)
    ver.add_argument("file", metavar="FILE", help="file or - for stdin")
    ver.set_defaults(handler=deferred("verifier.cli._sdjwt", "verify"))


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


def _verify(commands: Commands) -> None:
    ver = commands.add_parser("verify", help="verify credentials and documents offline")
    ver.add_argument("inputs", nargs="+", metavar="FILE|TEXT",
                     help="files, tokens, or - for stdin (one input per line, or one binary document)")  # fmt: skip
    ver.add_argument(
        "--bundle", metavar="FILE", help="the registry's offline bundle (no network needed)"
    )
    ver.add_argument("--root", metavar="PEM",
                     help=f"pinned registry root (default: ${ROOT_ENV}, else the pin store)")  # fmt: skip
    ver.add_argument("--trust-cert", metavar="PEM", action="append", default=[],
                     help="trust this document-signer certificate directly (matched by kid; repeatable)")  # fmt: skip
    ver.add_argument("--date", metavar="YYYY-MM-DD", help="treatment / visit date (default: today)")
    ver.add_argument("--report", metavar="FILE", type=Path,
                     help="documents: also write the EU verification report (v0.5 §7), .json or .pdf")  # fmt: skip
    ver.add_argument(
        "--verifier-id", default="civicred-cli", help="verifier id written in --report"
    )
    ver.add_argument("--jsonl", action="store_true",
                     help="JSON Lines: one report per input (the default for several inputs)")  # fmt: skip
    ver.add_argument("--policy", metavar="NAME", choices=_PolicyNames(),
                     help="verify for a purpose (docs/policies.md): its accepted types and issuers, "
                          "its data-age limits; the report shows only the claims it needs")  # fmt: skip
    add_sdjwt_verify_arguments(ver)
    ver.set_defaults(handler=deferred("verifier.cli._verify", "verify"))


def _bundle(commands: Commands) -> None:
    bundle = commands.add_parser("bundle", help="offline trust bundles and pinned registry roots")
    sub = bundle.add_subparsers(dest="bundle_command", required=True, metavar="ACTION")
    run = "verifier.cli._bundle"

    fetch = sub.add_parser("fetch", help="download and verify the registry's offline bundle")
    fetch.add_argument("--registry", required=True, metavar="URL")
    fetch.add_argument("--out", required=True, type=Path, metavar="FILE")
    fetch.add_argument("--root", metavar="PEM",
                       help=f"pinned registry root (default: ${ROOT_ENV}, else the pin store)")  # fmt: skip
    _timeout(fetch)
    fetch.set_defaults(handler=deferred(run, "fetch"))

    pins = sub.add_parser("pins", help="list the pinned registry roots")
    pins.add_argument("--json", action="store_true", help="print the pins as JSON")
    pins.set_defaults(handler=deferred(run, "list_pins"))

    pin = sub.add_parser("pin", help="pin a registry root deliberately (first pin or --replace)")
    pin.add_argument("--root", required=True, metavar="PEM", help="the registry root to pin")
    source = pin.add_mutually_exclusive_group(required=True)
    source.add_argument("--bundle", metavar="FILE", help="a bundle of that registry (offline)")
    source.add_argument("--registry", metavar="URL", help="download the registry's bundle")
    pin.add_argument("--replace", action="store_true",
                     help="replace the root already pinned for that registry")  # fmt: skip
    _timeout(pin)
    pin.set_defaults(handler=deferred(run, "pin"))

    unpin = sub.add_parser("unpin", help="forget the pinned root of a registry")
    unpin.add_argument("registry", metavar="ISS|URL", help="the registry's iss or a fetch URL")
    unpin.set_defaults(handler=deferred(run, "unpin"))


def _timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=_seconds, default=FETCH_TIMEOUT_SECONDS,
                        metavar="SECONDS", help="total time allowed for the downloads (default: 30)")  # fmt: skip


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds") from None
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError("the timeout must lie in (0, 3600] seconds")
    return seconds
