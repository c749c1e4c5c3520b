"""The real ``civicred`` process over a corpus of hostile inputs: never a traceback, always an
answer — a report (exit 1 invalid, 3 undetermined) or a one-line usage error (exit 2).

Inputs, trust files and options alike: empty, NUL bytes, random bytes, non-UTF-8, truncated and
garbled tokens and bundles, huge inputs, folders and devices where files belong, unreadable files,
malformed ``--now``/``--date``/``--timeout``, magic bytes with nothing behind them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ._cli_support import BUNDLE, QR_TEXT, ROOT, SAMPLE_NOW, SAMPLES, assert_no_traceback, civicred

SD_JWT = SAMPLES / "social-status.sd-jwt"
JWKS = SAMPLES / "issuer-jwks.json"
UNREADABLE = "/proc/self/mem"  # a regular file whose read fails (EIO), even for root
_RANDOM = random.Random(20261201)


def _noise(size: int) -> bytes:
    return bytes(_RANDOM.randrange(256) for _ in range(size))


def _garble(text: str, at: float) -> str:
    position = int(len(text) * at)
    return text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1 :]


@dataclass(frozen=True)
class Case:
    """``args`` may name ``{file}`` (written from ``content``) and ``{dir}`` (a folder)."""

    args: tuple[str, ...]
    content: bytes | None = None
    stdin: bytes | None = None
    codes: frozenset[int] = field(default=frozenset({1, 2, 3}))


def _with_trust(*args: str) -> tuple[str, ...]:
    return (*args, "--bundle", str(BUNDLE), "--root", str(ROOT), "--now", SAMPLE_NOW)


QR = QR_TEXT.read_text().strip()
TOKEN = SD_JWT.read_text().strip()
BUNDLE_TEXT = BUNDLE.read_text().strip()
FILE_INPUTS: dict[str, bytes] = {
    "empty": b"",
    "nul-bytes": b"\x00" * 4096,
    "random-bytes": _noise(8192),
    "non-utf8": "Carte européenne d'assurance maladie".encode("latin-1") * 50,
    "qr-truncated": QR[: len(QR) // 2].encode(),
    "qr-garbled": _garble(QR, 0.6).encode(),
    "qr-with-nul": (QR[:100] + "\x00" + QR[100:]).encode(),
    "sd-jwt-truncated": TOKEN[: len(TOKEN) * 2 // 3].encode(),
    "sd-jwt-garbled-signature": _garble(TOKEN, 0.35).encode(),
    "sd-jwt-only-tildes": b"~" * 100_000,
    "huge-base45": b"A" * (8 * 1024 * 1024),
    "huge-line-of-dots": b"a." * (4 * 1024 * 1024),
    "jws-json-garbage": b'{"payload": 1, "signatures": [{"protected": {}}], "x": [[[[[[]]]]]]}',
    "deep-json": b"[" * 200_000,
    "png-magic-only": b"\x89PNG\r\n\x1a\n" + _noise(200),
    "jpeg-magic-only": b"\xff\xd8\xff\xe0" + _noise(200),
    "pdf-magic-only": b"%PDF-1.7\n" + _noise(300),
    "pdf-truncated-object": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R",
}
CASES: dict[str, Case] = {
    **{f"input:{name}": Case(_with_trust("verify", "{file}"), data) for name, data in FILE_INPUTS.items()},
    **{f"stdin:{name}": Case(_with_trust("verify", "-"), stdin=data) for name, data in FILE_INPUTS.items()},
    "stdin:many-garbage-lines": Case(_with_trust("verify", "-"), stdin=b"\n".join(
        [QR[:50].encode(), b"\x00\x01", b"/no/such/file", TOKEN[:40].encode(), b"~~"])),
    "input:a-folder": Case(_with_trust("verify", "{dir}")),
    "input:unreadable": Case(_with_trust("verify", UNREADABLE)),
    "input:device": Case(_with_trust("verify", "/dev/zero")),
    # a line break inside QR text is tolerated (text copied from a wrapped page): still valid
    "input:token-with-newlines": Case(_with_trust("verify", QR[:300] + "\n" + QR[300:]), codes=frozenset({0})),
    "input:stdin-twice": Case(_with_trust("verify", "-", "-"), stdin=QR.encode()),
    "bundle:random-bytes": Case(("verify", str(QR_TEXT), "--bundle", "{file}", "--root", str(ROOT)), _noise(4096)),
    "bundle:empty": Case(("verify", str(QR_TEXT), "--bundle", "{file}", "--root", str(ROOT)), b""),
    "bundle:truncated": Case(("verify", str(QR_TEXT), "--bundle", "{file}", "--root", str(ROOT)), BUNDLE_TEXT[:3000].encode()),
    "bundle:garbled": Case(("verify", str(QR_TEXT), "--bundle", "{file}", "--root", str(ROOT)), _garble(BUNDLE_TEXT, 0.5).encode()),
    "bundle:header-garbled": Case(("verify", str(QR_TEXT), "--bundle", "{file}", "--root", str(ROOT)), _garble(BUNDLE_TEXT, 0.01).encode()),
    "bundle:a-folder": Case(("verify", str(QR_TEXT), "--bundle", "{dir}", "--root", str(ROOT))),
    "bundle:unreadable": Case(("verify", str(QR_TEXT), "--bundle", UNREADABLE, "--root", str(ROOT))),
    "bundle:missing": Case(("verify", str(QR_TEXT), "--bundle", "/no/such/bundle.jwt")),
    "bundle:unpinned-garbled": Case(("verify", str(QR_TEXT), "--bundle", "{file}"), _garble(BUNDLE_TEXT, 0.3).encode()),
    "root:random-bytes": Case(("verify", str(QR_TEXT), "--bundle", str(BUNDLE), "--root", "{file}"), _noise(900)),
    "root:a-folder": Case(("verify", str(QR_TEXT), "--bundle", str(BUNDLE), "--root", "{dir}")),
    "root:truncated-pem": Case(("verify", str(QR_TEXT), "--bundle", str(BUNDLE), "--root", "{file}"), ROOT.read_bytes()[:300]),
    "trust-cert:random-bytes": Case(("verify", str(QR_TEXT), "--trust-cert", "{file}"), _noise(900)),
    "trust-cert:garbled-pem": Case(("verify", str(QR_TEXT), "--trust-cert", "{file}"), ROOT.read_bytes().replace(b"M", b"Q", 5)),
    "trust-cert:a-folder": Case(("verify", str(QR_TEXT), "--trust-cert", "{dir}")),
    "trust-cert:unreadable": Case(("verify", str(QR_TEXT), "--trust-cert", UNREADABLE)),
    "issuer-jwks:binary": Case(("verify", str(SD_JWT), "--issuer-jwks", "{file}"), _noise(500)),
    "issuer-jwks:odd-json": Case(("verify", str(SD_JWT), "--issuer-jwks", "{file}"), b'{"keys": [1, "x", {"kty": 5}]}'),
    "issuer-jwks:a-folder": Case(("verify", str(SD_JWT), "--issuer-jwks", "{dir}")),
    "now:words": Case((*_with_trust("verify", str(QR_TEXT))[:-2], "--now", "yesterday")),
    "now:bad-month": Case((*_with_trust("verify", str(QR_TEXT))[:-2], "--now", "2026-13-45T00:00:00")),
    "now:year-9999": Case((*_with_trust("verify", str(QR_TEXT))[:-2], "--now", "9999-12-31T23:59:59")),
    "now:year-1": Case((*_with_trust("verify", str(QR_TEXT))[:-2], "--now", "0001-01-01T00:00:00")),
    "date:european": Case((*_with_trust("verify", str(QR_TEXT)), "--date", "31/12/2026")),
    "date:february-30": Case((*_with_trust("verify", str(QR_TEXT)), "--date", "2026-02-30")),
    "date:far-future": Case((*_with_trust("verify", str(QR_TEXT)), "--date", "9999-12-31")),
    "sdjwt-verify:binary": Case(("sdjwt", "verify", "{file}", "--issuer-jwks", str(JWKS)), _noise(3000)),
    "sdjwt-verify:jwks-folder": Case(("sdjwt", "verify", str(SD_JWT), "--issuer-jwks", "{dir}")),
    "sdjwt-present:binary": Case(("sdjwt", "present", "{file}", "--disclose", "/x"), _noise(3000)),
    "sdjwt-present:folder-key": Case(("sdjwt", "present", str(SD_JWT), "--holder-key", "{dir}", "--nonce", "n", "--aud", "a")),
    "sdjwt-issue:binary-claims": Case(("sdjwt", "issue", "--claims", "{file}", "--issuer-key", str(JWKS), "--vct", "v", "--iss", "i"), _noise(300)),
    "keys-generate:out-is-a-file": Case(("keys", "generate", "--out", "{file}"), b"x"),
    "fetch:not-a-url": Case(("bundle", "fetch", "--registry", "registry.example", "--out", "{dir}/b.jwt")),
    "fetch:ftp": Case(("bundle", "fetch", "--registry", "ftp://127.0.0.1/", "--out", "{dir}/b.jwt")),
    "fetch:refused": Case(("bundle", "fetch", "--registry", "http://127.0.0.1:9", "--out", "{dir}/b.jwt", "--timeout", "3")),
    "fetch:timeout-zero": Case(("bundle", "fetch", "--registry", "http://127.0.0.1:9", "--out", "{dir}/b.jwt", "--timeout", "0")),
    "fetch:timeout-words": Case(("bundle", "fetch", "--registry", "http://127.0.0.1:9", "--out", "{dir}/b.jwt", "--timeout", "soon")),
    "pin:random-bundle": Case(("bundle", "pin", "--root", str(ROOT), "--bundle", "{file}"), _noise(2000)),
    "pin:root-is-random": Case(("bundle", "pin", "--root", "{file}", "--bundle", str(BUNDLE)), _noise(2000)),
    "unpin:unknown": Case(("bundle", "unpin", "https://nobody.example")),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_traceback(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    target = tmp_path / "input.bin"
    if case.content is not None:
        target.write_bytes(case.content)
    folder = tmp_path / "folder"
    folder.mkdir()
    args = [arg.replace("{file}", str(target)).replace("{dir}", str(folder)) for arg in case.args]
    result = civicred(*args, config=tmp_path / "config", stdin=case.stdin or b"", timeout=120)
    assert_no_traceback(result)
    assert "internal error" not in result.stderr, result.stderr  # each cause has its own answer
    assert result.returncode in case.codes, (result.returncode, result.stdout[-500:], result.stderr)
