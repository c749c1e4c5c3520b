"""Helpers shared by the CLI commands: input reading, time parsing, report printing."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from verifier._report import CheckResult, Outcome, VerificationReport

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNDETERMINED = 0, 1, 2, 3
EXIT_BY_OUTCOME = {
    Outcome.VALID: EXIT_VALID,
    Outcome.INVALID: EXIT_INVALID,
    Outcome.UNDETERMINED: EXIT_UNDETERMINED,
}
MAX_INPUT_BYTES = 64 * 1024 * 1024


class CliError(Exception):
    """A usage problem (missing file, bad argument): printed without a traceback, exit 2."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def read_input(source: str) -> str:
    """A file's text, or stdin for ``-``."""
    if source == "-":
        return sys.stdin.read(MAX_INPUT_BYTES)
    try:
        data = Path(source).read_bytes()[:MAX_INPUT_BYTES]
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror}") from None
    return data.decode("utf-8", errors="replace")


def read_json_file(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise CliError(f"{path} is not valid JSON: {exc}") from None


def parse_now(value: str | None) -> datetime:
    """``--now`` (ISO 8601; naive means UTC) or the wall clock, read once at the CLI edge."""
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--now {value!r} is not an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_SYMBOL = {
    CheckResult.PASSED: "ok  ",
    CheckResult.FAILED: "FAIL",
    CheckResult.WARNING: "warn",
    CheckResult.NOT_APPLICABLE: "n/a ",
    CheckResult.UNDETERMINED: "??  ",
}


def print_report(report: VerificationReport, *, as_json: bool) -> int:
    if as_json:
        print(report.to_json())
        return EXIT_BY_OUTCOME[report.outcome]
    headline = {
        Outcome.VALID: "VALID",
        Outcome.INVALID: "INVALID",
        Outcome.UNDETERMINED: "UNDETERMINED",
    }[report.outcome]
    reason = ""
    if report.outcome is not Outcome.VALID and report.failures:
        reason = f": {report.failures[0].message}"
    print(f"{headline}{reason}")
    if report.issuer or report.key_id:
        print(f"  issuer {report.issuer or '-'}  key {report.key_id or '-'}")
    for check in report.checks:
        print(f"  [{_SYMBOL[check.result]}] {check.code}: {check.message}")
    if report.claims is not None:
        print("  claims:")
        for line in json.dumps(report.claims, indent=2, ensure_ascii=False).splitlines():
            print("    " + line)
    return EXIT_BY_OUTCOME[report.outcome]
