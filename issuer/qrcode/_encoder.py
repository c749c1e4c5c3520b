"""QR Code Model 2 symbols of one alphanumeric-mode segment (ISO/IEC 18004:2015 §7.1 steps).

1. Data analysis: the text must be in the 45-character alphanumeric set (§7.3, §7.4.5).
2. Data encoding and version: the smallest version whose capacity at the requested error
   correction level holds the segment (§7.4; no level boost, no Micro QR).
3. Error correction coding: Reed-Solomon per block (§7.5).
4. Final message: interleaved blocks (§7.6).
5. Module placement with the function patterns (§7.7).
6. Data masking: the mask with the lowest penalty (§7.8).
7. Format and version information (§7.9, §7.10).
"""

from __future__ import annotations

from dataclasses import dataclass

from issuer.qrcode._bits import (
    DataOverflow,
    alphanumeric_values,
    byte_codewords_of,
    byte_fits,
    data_codewords_of,
    fits,
    smallest_byte_version,
    smallest_version,
)
from issuer.qrcode._mask import best_mask, masked, place, plane, rows_of
from issuer.qrcode._matrix import info_rows
from issuer.qrcode._message import final_message
from issuer.qrcode._tables import check_ecc, check_version


@dataclass(frozen=True, slots=True)
class QrCode:
    """A finished symbol; ``rows[y]`` has bit ``x`` set when the module (x, y) is dark."""

    version: int
    ecc: str  # "L", "M", "Q" or "H"
    mask: int  # 0..7
    size: int  # modules per side, quiet zone excluded
    rows: tuple[int, ...]

    def matrix(self) -> tuple[tuple[bool, ...], ...]:
        """Rows of modules, top to bottom, left to right (True = dark)."""
        return tuple(tuple(bool(row >> x & 1) for x in range(self.size)) for row in self.rows)


def encode_alphanumeric(
    text: str, ecc: str = "L", *, version: int | None = None, mask: int | None = None
) -> QrCode:
    """The QR symbol of ``text`` in alphanumeric mode at error correction level ``ecc``.

    ``version``/``mask`` force a version or a mask (tests, comparisons); by default the smallest
    version that fits and the mask with the lowest penalty. Raises ``ValueError`` for a character
    outside the alphanumeric set and :class:`DataOverflow` when the text does not fit.
    """
    check_ecc(ecc)
    values = alphanumeric_values(text)
    if version is None:
        version = smallest_version(len(values), ecc)
    else:
        check_version(version)
        if not fits(len(values), version, ecc):
            raise DataOverflow(
                f"{len(values)} alphanumeric characters exceed version {version}-{ecc}"
            )
    if mask is not None and mask not in range(8):
        raise ValueError(f"mask must be 0..7, not {mask}")
    return _symbol(data_codewords_of(values, version, ecc), version, ecc, mask)


def encode_bytes(
    data: bytes, ecc: str = "M", *, version: int | None = None, mask: int | None = None
) -> QrCode:
    """The QR symbol of ``data`` in one byte-mode segment (§7.4.6): for UTF-8 text such as URLs.
    Same options and errors as :func:`encode_alphanumeric`."""
    check_ecc(ecc)
    if version is None:
        version = smallest_byte_version(len(data), ecc)
    else:
        check_version(version)
        if not byte_fits(len(data), version, ecc):
            raise DataOverflow(f"{len(data)} bytes exceed version {version}-{ecc}")
    if mask is not None and mask not in range(8):
        raise ValueError(f"mask must be 0..7, not {mask}")
    return _symbol(byte_codewords_of(data, version, ecc), version, ecc, mask)


def _symbol(codewords: bytes, version: int, ecc: str, mask: int | None) -> QrCode:
    message = final_message(codewords, version, ecc)
    geometry = plane(version)
    data = place(message, geometry)
    if mask is None:
        mask = best_mask(data, geometry)
    rows = rows_of(masked(data, mask, geometry), geometry)
    info = info_rows(version, ecc, mask)
    return QrCode(
        version, ecc, mask, geometry.size, tuple(r | i for r, i in zip(rows, info, strict=True))
    )
