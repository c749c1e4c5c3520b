"""What ``civicred verify`` is asked to verify: arguments and stdin, as named inputs.

An argument is a file if something exists at that path (a folder or device is then a usage
error), otherwise the token itself: QR text is longer than a file name may be, and probing it
must not fail. ``-`` reads stdin once: a binary document (PDF, PNG, JPEG… by their magic bytes) or
a JWS JSON object is one input, otherwise every non-empty line is one input, a path or a token.
Names never echo a token (personal data): a file keeps its path, a token is ``arg:N`` (the N-th
argument) or ``-:N`` (line N of stdin), and a whole stdin is ``-``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from verifier.cli._common import MAX_INPUT_BYTES, CliError, read_file


@dataclass(frozen=True, slots=True)
class Input:
    """One input: its data, or the usage error that kept it from being read."""

    name: str
    data: bytes = b""
    error: str | None = None


def collect(values: Sequence[str]) -> Iterator[Input]:
    if sum(value == "-" for value in values) > 1:
        raise CliError("stdin (-) can be read only once")
    for position, value in enumerate(values, 1):
        if value == "-":
            yield from _stdin()
        else:
            yield _argument(value, f"arg:{position}")


def _exists(value: str) -> bool:
    try:
        os.stat(value)
    except (OSError, ValueError):  # no such file, a name too long for one, a NUL byte
        return False
    return True


def _argument(value: str, token_name: str) -> Input:
    if not _exists(value):
        return Input(token_name, value.encode("utf-8", errors="surrogateescape"))
    try:
        return Input(value, read_file(value, "the input"))
    except CliError as exc:
        return Input(value, error=str(exc))


def _stdin() -> Iterator[Input]:
    data = sys.stdin.buffer.read(MAX_INPUT_BYTES)
    if _is_one_document(data):
        yield Input("-", data)
        return
    lines = [
        (number, line.strip())
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1)
        if line.strip()
    ]
    if not lines:
        yield Input("-", data)  # empty: one input, reported as unrecognised
    for number, line in lines:
        yield _argument(line, "-" if len(lines) == 1 else f"-:{number}")


def _is_one_document(data: bytes) -> bool:
    """A binary document, JWS JSON, or bytes that are not UTF-8 text: never split into lines."""
    from verifier.inputs import InputKind, detect_input

    if detect_input(data) in (InputKind.PDF, InputKind.PNG, InputKind.JPEG, InputKind.IMAGE):
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return text.lstrip().lstrip("\ufeff").startswith("{")
