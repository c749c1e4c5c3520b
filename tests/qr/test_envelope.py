"""QR text = Base45(zlib(JWS)), no prefix (EHIC PDF QR PoC v0.5 §3): bounded, typed decoding."""

from __future__ import annotations

import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier import IssuanceError, MalformedInput
from verifier.qr import (
    BASE45_ALPHABET,
    DEFAULT_MAX_COMPRESSED,
    MAX_QR_TEXT,
    b45encode,
    decode_qr_text,
    encode_qr_text,
    normalize_qr_text,
)

JWS = "eyJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJ4In0.c2lnbmF0dXJl"


def _code(text: str | bytes, **limits: int) -> str:
    with pytest.raises(MalformedInput) as info:
        decode_qr_text(text, **limits)
    return info.value.code


def test_round_trip_and_level() -> None:
    assert decode_qr_text(encode_qr_text(JWS)) == JWS
    assert decode_qr_text(encode_qr_text(JWS, level=6)) == JWS
    assert encode_qr_text(JWS, level=9) == b45encode(zlib.compress(JWS.encode(), 9))
    with pytest.raises(ValueError):
        encode_qr_text(JWS, level=10)
    with pytest.raises(IssuanceError):
        encode_qr_text("not a jws")


def test_scanner_noise_is_removed_but_spaces_are_data() -> None:
    text = encode_qr_text(JWS)
    noisy = text[:10] + "\r\n" + text[10:] + "\n  "
    assert normalize_qr_text(noisy) == text
    assert decode_qr_text(noisy) == JWS
    assert decode_qr_text(text.encode("ascii")) == JWS  # pyzbar returns bytes
    assert normalize_qr_text(" A B") == " A B"  # a leading or inner space is a Base45 digit (36)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "qr.base45"),
        ("\n ", "qr.base45"),
        ("6bf*zb8", "qr.base45"),  # lower case
        ("eyJhbGciOiJFUzI1NiJ9", "qr.base45"),  # a bare JWS (base64url) is not Base45
        ("HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-4", "qr.prefix"),  # an EU DCC
        ("GGW", "qr.base45"),
        (b"\xff\xfe", "qr.base45"),
        ("BB8", "qr.zlib"),  # valid Base45, not zlib
    ],
)
def test_garbage_is_refused_with_typed_errors(text: str | bytes, code: str) -> None:
    assert _code(text) == code


def test_truncated_and_padded_streams() -> None:
    text = encode_qr_text(JWS + "A" * 300)
    assert _code(text[: len(text) // 2 // 3 * 3]) == "qr.zlib"  # truncated (still whole triplets)
    assert _code(text[:-1]) in ("qr.base45", "qr.zlib")
    trailing = b45encode(zlib.compress(JWS.encode()) + b"\x00\x00")
    assert _code(trailing) == "qr.zlib"
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = raw_deflate.compress(JWS.encode()) + raw_deflate.flush()
    assert _code(b45encode(data)) == "qr.zlib"  # raw deflate (no zlib header) is not the format
    assert _code(b45encode(zlib.compress(b"hello", 9))) == "qr.jws"
    assert _code(b45encode(zlib.compress("é.é.é".encode(), 9))) == "qr.jws"


def test_size_is_checked_before_decoding() -> None:
    assert DEFAULT_MAX_COMPRESSED == 2864 and MAX_QR_TEXT == 4296
    assert _code("A" * (MAX_QR_TEXT + 3)) == "qr.size"
    assert _code(encode_qr_text(JWS), max_compressed=10) == "qr.size"


def test_a_zlib_bomb_within_the_compressed_limit_is_refused() -> None:
    bomb = zlib.compress(b"A" * 2_000_000, 9)  # ~2 kB that inflates 1000-fold
    assert len(bomb) <= DEFAULT_MAX_COMPRESSED
    assert _code(b45encode(bomb)) == "qr.inflate_limit"


def test_a_large_zlib_bomb_is_refused_with_bounded_memory() -> None:
    bomb = b45encode(zlib.compress(b"\x00" * 200_000_000, 9))  # 200 MB inflated
    tracemalloc.start()
    try:
        assert _code(bomb, max_compressed=1_000_000, max_inflated=64 * 1024) == "qr.inflate_limit"
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 5_000_000  # the input itself is ~290 kB of Base45; nothing near 200 MB


def test_exact_inflate_limit() -> None:
    text = encode_qr_text(JWS)
    assert decode_qr_text(text, max_inflated=len(JWS)) == JWS
    assert _code(text, max_inflated=len(JWS) - 1) == "qr.inflate_limit"


@settings(max_examples=300)
@given(st.text(alphabet=BASE45_ALPHABET + "\n\r\t abcé", max_size=200))
def test_arbitrary_text_only_ever_raises_malformed_input(text: str) -> None:
    try:
        decode_qr_text(text)
    except MalformedInput as exc:
        assert exc.code.startswith("qr.")


@given(st.binary(max_size=300))
def test_arbitrary_zlib_content_only_ever_raises_malformed_input(data: bytes) -> None:
    try:
        decode_qr_text(b45encode(zlib.compress(data)))
    except MalformedInput as exc:
        assert exc.code in ("qr.jws", "qr.inflate_limit")
