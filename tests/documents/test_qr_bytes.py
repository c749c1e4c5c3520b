"""Byte mode (ISO/IEC 18004:2015 §7.4.6) of our QR encoder, module for module against segno:
what the portal uses for credential-offer URLs."""

from __future__ import annotations

import pytest
import segno

from issuer.qrcode import DataOverflow, encode_bytes

from ._qr_reference import iso_segno

OFFER = (
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.be%2Foffers%2F"
    "q5V0x-8hYtH3kq0y1rQm8vW2dZ3aB7cE9fG1hJ2kL4m"
)


def _segno(data: bytes, ecc: str, version: int, mask: int) -> tuple[tuple[bool, ...], ...]:
    with iso_segno():
        symbol = segno.make(
            data, error=ecc, mode="byte", boost_error=False, micro=False, version=version,
            mask=mask,
        )  # fmt: skip
    return tuple(tuple(bool(m) for m in row) for row in symbol.matrix)


@pytest.mark.parametrize("ecc", "LMQH")
@pytest.mark.parametrize("text", ["a", "https://x.be/é", OFFER, OFFER * 3])
def test_byte_symbols_match_segno(text: str, ecc: str) -> None:
    data = text.encode("utf-8")
    ours = encode_bytes(data, ecc)
    assert ours.matrix() == _segno(data, ecc, ours.version, ours.mask)
    with iso_segno():
        smallest = segno.make(data, error=ecc, mode="byte", boost_error=False, micro=False)
    assert ours.version == smallest.version  # the smallest version that holds it


def test_the_count_indicator_grows_at_version_10() -> None:
    data = b"x" * 200  # needs more than version 9 at level M
    ours = encode_bytes(data, "M")
    assert ours.version >= 10
    assert ours.matrix() == _segno(data, "M", ours.version, ours.mask)


def test_too_much_data_and_bad_options_are_refused() -> None:
    with pytest.raises(DataOverflow):
        encode_bytes(b"x" * 3000, "H")
    with pytest.raises(DataOverflow):
        encode_bytes(OFFER.encode(), "H", version=2)
    with pytest.raises(ValueError, match="mask"):
        encode_bytes(b"x", "L", mask=9)
