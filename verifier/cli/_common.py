"""What every CLI command shares: exit codes, usage errors, input reading, time parsing, reports.

Light on purpose (the CLI imports it before it knows the command): no cryptography here.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from verifier._report import CheckResult, Outcome, VerificationReport

EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_UNDETERMINED = 0, 1, 2, 3
EXIT_BY_OUTCOME = {
    Outcome.VALID: EXIT_VALID,
    Outcome.INVALID: EXIT_INVALID,
    Outcome.UNDETERMINED: EXIT_UNDETERMINED,
}
#: Several answers, one exit code (docs/cli.md §Many inputs): the first of these that occurs.
EXIT_PRECEDENCE = (EXIT_USAGE, EXIT_INVALID, EXIT_UNDETERMINED, EXIT_VALID)
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: ``--now`` stays well inside what a ``datetime`` holds (trust data adds hours to it).
_LATEST_YEAR = 9000

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A usage problem (missing file, bad argument): printed without a traceback, exit 2."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def deferred(module: str, function: str) -> Handler:
    """A handler imported only when its command runs (keeps ``civicred`` quick to start)."""

    def handler(args: argparse.Namespace) -> int:
        run: Handler = getattr(importlib.import_module(module), function)
        return run(args)

    return handler


def summarise_exits(codes: Iterable[int]) -> int:
    """One exit code for many inputs: 2 if any was a usage error, else 1 if any was invalid,
    else 3 if any was undetermined, else 0."""
    present = set(codes)
    return next((code for code in EXIT_PRECEDENCE if code in present), EXIT_VALID)


def read_file(path: str | Path, what: str, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``limit`` bytes of a regular file. A folder, FIFO or device is refused (opened
    non-blocking, so a FIFO without a writer cannot hang the command)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise CliError(f"cannot read {what} {path}: not a regular file")
            return handle.read(limit)
    except OSError as exc:
        raise CliError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the path
        raise CliError(f"cannot read {what}: the path holds a NUL byte") from None


def write_atomically(path: Path, data: bytes, *, mode: int = 0o666) -> None:
    """``data`` as the whole of ``path`` (folders made): a temporary file beside it, synced, then
    renamed over it, so a reader sees the old file or the new one, never half of one. ``mode``
    is filtered by the umask, as for any new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_input(source: str) -> str:
    """A file's text, or stdin for ``-``."""
    if source == "-":
        return sys.stdin.read(MAX_INPUT_BYTES)
    return read_file(source, "the file").decode("utf-8", errors="replace")


def read_json_file(path: str) -> object:
    try:
        return json.loads(read_file(path, "the file"))
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
    if not 1970 <= moment.year <= _LATEST_YEAR:
        raise CliError(f"--now {value!r} is outside the years 1970 to {_LATEST_YEAR}")
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
