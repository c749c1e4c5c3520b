"""``civicred verify INPUT…`` — detects each input's kind and verifies it offline (docs/cli.md).

Kinds: SD-JWT / SD-JWT+KB (compact or JSON), QR text (Base45(zlib(JWS))), a PNG/JPEG photo or
scan of a QR, a PDF (QR found by rendering the page; PAdES seal and printed data checked). Trust is
read once for all inputs (``_trust_sources``). One input prints its report as before (human, or
``--json``); several inputs, or ``--jsonl``, print JSON Lines, one object per input, and one exit
code sums them up (:func:`summarise_exits`). The verification time is read once: ``--now`` (else
the clock), the local calendar date of that instant, and ``--date`` (the treatment/visit date).
``--policy NAME`` verifies for a purpose (docs/policies.md): its checks are added and the report
keeps only the claims the purpose shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from verifier._report import VerificationReport
from verifier._time import VerificationTime
from verifier.cli._common import (
    EXIT_BY_OUTCOME,
    EXIT_USAGE,
    CliError,
    parse_now,
    print_report,
    summarise_exits,
)
from verifier.cli._inputs import Input, collect
from verifier.cli._trust_sources import TrustSources, trust_sources
from verifier.inputs import DOCUMENT_KINDS, InputKind, detect_input, verify_document_input
from verifier.qr import report_to_eessi_json

if TYPE_CHECKING:
    from verifier.policies import Policy


SD_JWT_KINDS = (InputKind.SD_JWT, InputKind.SD_JWT_JSON)


def verify(args: argparse.Namespace) -> int:
    now = parse_now(args.now)
    if args.report is not None:
        _check_report_target(args.report)
    # Business dates are local dates (EHIC PDF QR PoC v0.5 §1.2, §2.2): this machine's, at `now`.
    time = VerificationTime(now, now.astimezone().date(), _treatment_date(args.date))
    policy = _policy(args)
    inputs = collect(args.inputs)
    first, second = next(inputs), next(inputs, None)
    if args.report is not None and second is not None:
        raise CliError("--report writes one report: give exactly one input")
    run = _Run(args, trust_sources(args, time), time, policy)
    if second is None and not args.jsonl:  # one input: its report as before, errors as usage
        return print_report(run.answer(first), as_json=args.json)
    rest = itertools.chain([first], [] if second is None else [second], inputs)
    return summarise_exits([run.print_line(item) for item in rest])


@dataclass(frozen=True, slots=True)
class _Run:
    """What every input of one ``civicred verify`` is verified with."""

    args: argparse.Namespace
    trust: TrustSources
    time: VerificationTime
    policy: Policy | None = None

    def print_line(self, item: Input) -> int:
        """One JSON Lines record: the report with the input's name, or the usage error."""
        try:
            report = self.answer(item)
        except CliError as exc:
            print(json.dumps({"input": item.name, "error": str(exc), "exit_code": exc.exit_code}))
            return exc.exit_code
        print(json.dumps({"input": item.name, **report.to_dict()}, ensure_ascii=False))
        return EXIT_BY_OUTCOME[report.outcome]

    def answer(self, item: Input) -> VerificationReport:
        report = self._verified(item)
        if self.policy is None:
            return report
        from verifier.policies import apply_policy

        bundle = None if self.trust.offline is None else self.trust.offline.bundle
        return apply_policy(report, self.policy, now=self.time.now, bundle=bundle)

    def _verified(self, item: Input) -> VerificationReport:
        if item.error is not None:
            raise CliError(item.error)
        if self.trust.refusal is not None:
            return self.trust.refusal
        kind = detect_input(item.data)
        if kind in SD_JWT_KINDS:
            return self._sd_jwt(item.data.decode("utf-8", errors="replace").strip())
        if kind in DOCUMENT_KINDS:
            report = self._document(kind, item.data)
            if self.args.report is not None:
                qr_text = item.data if kind is InputKind.QR_TEXT else None
                _write_report(self.args, report, qr_text, self.time)
            return report
        raise CliError(
            "unrecognised input: expected an SD-JWT, QR text (Base45), a PNG/JPEG image or a PDF"
            + ("" if item.name.startswith(("arg:", "-")) else f" in {item.name}")
        )

    def _sd_jwt(self, text: str) -> VerificationReport:
        from verifier.cli._sdjwt import sdjwt_policy  # SD-JWT inputs only (start-up time)
        from verifier.sdjwt import verify_sd_jwt

        args = self.args
        policy = sdjwt_policy(args, self.time.now) if self.policy is None else self.policy.sd_jwt_policy(
            self.time.now, expected_nonce=args.nonce, expected_aud=args.aud,
            require_key_binding=bool(args.require_kb or args.nonce), legacy_vc_typ=args.legacy_typ,
        )  # fmt: skip
        if self.trust.offline is not None:
            return self.trust.offline.verify_sd_jwt(text, policy)
        if self.trust.jwks is not None:
            return verify_sd_jwt(text, policy=policy, resolver=self.trust.jwks)
        raise CliError("an SD-JWT needs trust: pass --bundle (or --issuer-jwks)")

    def _document(self, kind: InputKind, data: bytes) -> VerificationReport:
        if self.trust.offline is not None:
            return self.trust.offline.verify_document(data, kind)
        if self.trust.trusted is not None:
            return verify_document_input(
                data, kind, resolver=self.trust.trusted, time=self.time,
                pdf_trust_roots=self.trust.certificates,
            )  # fmt: skip
        raise CliError("a signed document needs trust: pass --bundle (or --trust-cert PEM)")


def _policy(args: argparse.Namespace) -> Policy | None:
    """``--policy NAME``; a purpose shows only some claims, so it writes no EU report (which
    holds the whole QR) and verifies SD-JWT VCs only (not ``--plain`` SD-JWTs)."""
    if args.policy is None:
        return None
    if args.report is not None:
        raise CliError("--report exports the whole document: it cannot be used with --policy")
    if args.plain:
        raise CliError("--policy verifies SD-JWT VCs: it cannot be used with --plain")
    from verifier.policies import PolicyError, load_policy

    try:
        return load_policy(args.policy)
    except PolicyError as exc:
        raise CliError(f"cannot use --policy {args.policy}: {exc}") from None


def _treatment_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"--date {value!r} is not YYYY-MM-DD") from None


def _check_report_target(path: Path) -> None:
    """``--report`` is checked before anything is verified: a file in a folder that exists."""
    if not path.parent.is_dir():
        raise CliError(f"cannot write --report {path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise CliError(f"cannot write --report {path}: it is a folder")


def _write_report(
    args: argparse.Namespace,
    report: VerificationReport,
    qr_text: bytes | None,
    time: VerificationTime,
) -> None:
    """The EHIC PDF QR PoC v0.5 §7 export: the QR, verifier id, dates, per-step results."""
    text = (
        qr_text.decode("ascii", errors="replace")
        if qr_text
        else str(report.details.get("qr_text", ""))
    ).strip()  # a file may end with a newline; the QR text never does
    path: Path = args.report
    try:
        if path.suffix.lower() == ".pdf":
            from verifier.qr import report_to_pdf

            path.write_bytes(report_to_pdf(report, text, args.verifier_id, time))
        else:
            export = report_to_eessi_json(report, text, args.verifier_id, time)
            path.write_text(export + "\n")
    except OSError as exc:
        raise CliError(f"cannot write --report {path}: {exc.strerror or exc}", EXIT_USAGE) from None
