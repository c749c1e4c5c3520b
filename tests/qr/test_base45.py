"""Base45 (RFC 9285): the RFC's examples, strictness, and a cross-check with the ``base45`` package."""

from __future__ import annotations

import base45
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier import MalformedInput
from verifier.qr import BASE45_ALPHABET, b45decode, b45decoded_size, b45encode

RFC_9285_EXAMPLES = [
    (b"AB", "BB8"),  # §4.3
    (b"Hello!!", "%69 VD92EX0"),  # §4.3
    (b"base-45", "UJCLQE7W581"),  # §4.3
    (b"ietf!", "QED8WEX0"),  # §4.4 (decoding example)
    (b"", ""),
]


@pytest.mark.parametrize(("raw", "text"), RFC_9285_EXAMPLES)
def test_rfc_9285_examples(raw: bytes, text: str) -> None:
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("GGW", "triplet 65536 > 65535"),  # RFC 9285 §6
        ("ZZZ", "triplet 72485 > 65535"),
        (":::", "triplet above 65535"),
        ("ZZ", "pair 1610 > 255"),
        ("BB8ZZ", "final pair above 255"),
        ("A", "length 1 mod 3"),
        ("BB8A", "length 1 mod 3"),
        ("bb8", "lower case is not in the alphabet"),
        ("BB8\n", "newline"),
        ("BB#", "'#' is not in the alphabet"),
        ("BBÄ", "non-ASCII"),
    ],
)
def test_invalid_input_is_refused_with_a_typed_error(text: str, why: str) -> None:
    with pytest.raises(MalformedInput) as info:
        b45decode(text)
    assert info.value.code == "qr.base45", why


def test_largest_valid_values_decode() -> None:
    assert b45decode("FGW") == b"\xff\xff"  # 15 + 15*45 + 32*2025 = 65535
    assert b45decode("U5") == b"\xff"  # 30 + 5*45 = 255


def test_alphabet_and_size() -> None:
    assert len(BASE45_ALPHABET) == 45 and len(set(BASE45_ALPHABET)) == 45
    assert [b45decoded_size(n) for n in (0, 2, 3, 5, 6, 948)] == [0, 1, 2, 3, 4, 632]


def test_non_text_is_refused() -> None:
    with pytest.raises(MalformedInput):
        b45decode(b"BB8")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        b45encode("AB")  # type: ignore[arg-type]


@given(st.binary(max_size=600))
def test_round_trip_and_agreement_with_the_base45_package(data: bytes) -> None:
    text = b45encode(data)
    assert text == base45.b45encode(data).decode("ascii")
    assert b45decode(text) == data
    assert len(text) == len(data) // 2 * 3 + len(data) % 2 * 2
    assert not text.endswith(" ")  # why normalize_qr_text may strip trailing spaces


@given(st.text(alphabet=BASE45_ALPHABET + "abc#\n", max_size=60))
def test_decode_agrees_with_the_base45_package_or_refuses(text: str) -> None:
    try:
        ours: bytes | None = b45decode(text)
    except MalformedInput:
        ours = None
    try:
        theirs: bytes | None = base45.b45decode(text)
    except ValueError:
        theirs = None
    if ours is not None:
        assert ours == theirs  # we never accept what the reference refuses or decode differently
