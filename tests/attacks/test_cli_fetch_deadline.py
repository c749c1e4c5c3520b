"""``bundle fetch`` keeps its promise of one total deadline and a size limit (docs/cli.md).

Real servers on 127.0.0.1 that answer one byte at a time: a per-read timeout never fires, the
wall-clock deadline (``--timeout``) must. The subprocess's own timeout is the hang detector.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._cli_support import BUNDLE, civicred, one_line_error
from ._http_stub import dribbling

STATUS_AND_HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/jwt\r\nConnection: close\r\n\r\n"
)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        (b"", STATUS_AND_HEADERS + b"x" * 200),  # the status line itself, a byte at a time
        (STATUS_AND_HEADERS, BUNDLE.read_bytes()),  # headers at once, then the body dribbles
    ],
    ids=["headers", "body"],
)
def test_a_dribbling_server_meets_the_deadline(tmp_path: Path, head: bytes, body: bytes) -> None:
    out = tmp_path / "bundle.jwt"
    with dribbling(head, body, interval=0.05) as url:
        result = civicred(
            "bundle", "fetch", "--registry", url, "--out", str(out), "--timeout", "1",
            config=tmp_path / "config", timeout=20,
        )  # fmt: skip
    line = one_line_error(result)
    assert "no complete answer within 1 s" in line
    assert not out.exists()


def test_an_announced_size_over_the_limit_is_refused_at_once(tmp_path: Path) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n"
    with dribbling(head, b"x" * 100, interval=0.05) as url:
        result = civicred(
            "bundle", "fetch", "--registry", url, "--out", str(tmp_path / "b.jwt"),
            config=tmp_path / "config", timeout=20,
        )  # fmt: skip
    assert "announces 1000000000000 bytes" in one_line_error(result)


def test_a_body_without_length_is_cut_at_the_limit(tmp_path: Path) -> None:
    """No Content-Length, a body past 64 MiB sent at once: refused past the limit, in chunks."""
    answer = STATUS_AND_HEADERS + b"e" * (64 * 1024 * 1024 + 4096)
    with dribbling(answer) as url:
        result = civicred(
            "bundle", "fetch", "--registry", url, "--out", str(tmp_path / "b.jwt"),
            config=tmp_path / "config", timeout=60,
        )  # fmt: skip
    assert "larger than 67108864 bytes" in one_line_error(result)
