"""``civicred verify FILE|TEXT`` — detects the input kind and verifies it offline.

Kinds: SD-JWT / SD-JWT+KB (compact or JSON), QR text (Base45(zlib(JWS))), a PNG/JPEG photo or
scan of a QR, a PDF (QR found by rendering the page; PAdES seal and printed data checked).

Trust comes from ``--bundle`` (the registry's signed offline bundle; root pin from ``--root`` or
``$CIVICRED_REGISTRY_ROOT``) or, for ad-hoc checks, ``--issuer-jwks`` (SD-JWT) and
``--trust-cert`` (signed QR documents, matched by kid). ``--date`` is the treatment/visit date.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from cryptography import x509

from verifier._errors import VerificationError
from verifier._offline import OfflineVerifier
from verifier._report import VerificationReport
from verifier.cli._bundle import load_root
from verifier.cli._common import MAX_INPUT_BYTES, CliError, parse_now, print_report
from verifier.cli._sdjwt import add_sdjwt_verify_arguments, jwks_resolver, sdjwt_policy
from verifier.inputs import DOCUMENT_KINDS, InputKind, detect_input, verify_document_input
from verifier.qr import (
    TrustedCertificates,
    report_to_eessi_json,
)
from verifier.sdjwt import verify_sd_jwt

SD_JWT_KINDS = (InputKind.SD_JWT, InputKind.SD_JWT_JSON)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ver = commands.add_parser("verify", help="verify a credential or document offline")
    ver.add_argument("input", metavar="FILE|TEXT", help="a file, - for stdin, or the token itself")
    ver.add_argument(
        "--bundle", metavar="FILE", help="the registry's offline bundle (no network needed)"
    )
    ver.add_argument(
        "--root", metavar="PEM", help="pinned registry root (default: $CIVICRED_REGISTRY_ROOT)"
    )
    ver.add_argument("--trust-cert", metavar="PEM", action="append", default=[],
                     help="trust this document-signer certificate directly (matched by kid; repeatable)")  # fmt: skip
    ver.add_argument("--date", metavar="YYYY-MM-DD", help="treatment / visit date (default: today)")
    ver.add_argument("--report", metavar="FILE", type=Path,
                     help="documents: also write the EU verification report (v0.5 §7), .json or .pdf")  # fmt: skip
    ver.add_argument(
        "--verifier-id", default="civicred-cli", help="verifier id written in --report"
    )
    add_sdjwt_verify_arguments(ver)
    ver.set_defaults(handler=_verify)


def _read(value: str) -> bytes:
    if value == "-":
        import sys

        return sys.stdin.buffer.read(MAX_INPUT_BYTES)
    path = Path(value)
    if path.is_file():
        try:
            return path.read_bytes()[:MAX_INPUT_BYTES]
        except OSError as exc:
            raise CliError(f"cannot read {value}: {exc.strerror}") from None
    return value.encode("utf-8")


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
    data = _read(args.input)
    kind = detect_input(data)
    if kind in SD_JWT_KINDS:
        report = _verify_sd_jwt(args, data.decode("utf-8", errors="replace").strip())
    elif kind in DOCUMENT_KINDS:
        report = _verify_document(args, kind, data)
    else:
        raise CliError(
            "unrecognised input: expected an SD-JWT, QR text (Base45), a PNG/JPEG image or a PDF"
        )
    return print_report(report, as_json=args.json)


def _verify_sd_jwt(args: argparse.Namespace, text: str) -> VerificationReport:
    if args.bundle:
        return offline_verifier(args).verify_sd_jwt(text, sdjwt_policy(args))
    if args.issuer_jwks:
        return verify_sd_jwt(
            text, policy=sdjwt_policy(args), resolver=jwks_resolver(args.issuer_jwks)
        )
    raise CliError("an SD-JWT needs trust: pass --bundle (or --issuer-jwks)")


def _dates(args: argparse.Namespace) -> tuple[dt.datetime, dt.date, dt.date | None]:
    now = parse_now(args.now)
    today = now.astimezone().date()  # business dates are local calendar dates (v0.5 §2.2)
    if args.date is None:
        return now, today, None
    try:
        return now, today, dt.date.fromisoformat(args.date)
    except ValueError:
        raise CliError(f"--date {args.date!r} is not YYYY-MM-DD") from None


def _verify_document(args: argparse.Namespace, kind: InputKind, data: bytes) -> VerificationReport:
    now, today, treatment = _dates(args)
    if args.bundle:
        report = offline_verifier(args).verify_document(
            data, kind, today=today, treatment_date=treatment
        )
    elif args.trust_cert:
        try:
            certificates = [
                c
                for p in args.trust_cert
                for c in x509.load_pem_x509_certificates(Path(p).read_bytes())
            ]
            resolver = TrustedCertificates(certificates, source="--trust-cert")
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read --trust-cert: {exc}") from None
        report = verify_document_input(
            data, kind, resolver=resolver, today=today, now=now, treatment_date=treatment,
            pdf_trust_roots=certificates,
        )  # fmt: skip
    else:
        raise CliError("a signed document needs trust: pass --bundle (or --trust-cert PEM)")
    if args.report is not None:
        _write_report(args, report, data if kind is InputKind.QR_TEXT else None, treatment, now)
    return report


def _write_report(
    args: argparse.Namespace,
    report: VerificationReport,
    qr_text: bytes | None,
    treatment: dt.date | None,
    now: dt.datetime,
) -> None:
    """The EHIC PDF QR PoC v0.5 §7 export: the QR, verifier id, dates, per-step results."""
    text = (
        qr_text.decode("ascii", errors="replace")
        if qr_text
        else str(report.details.get("qr_text", ""))
    ).strip()  # a file may end with a newline; the QR text never does
    path: Path = args.report
    if path.suffix.lower() == ".pdf":
        from verifier.qr import report_to_pdf

        path.write_bytes(report_to_pdf(report, text, args.verifier_id, treatment, now))
    else:
        path.write_text(report_to_eessi_json(report, text, args.verifier_id, treatment, now) + "\n")
