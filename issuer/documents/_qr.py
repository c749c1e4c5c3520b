"""The QR symbol of a document: error-correction policy, QR matrix, vector rectangles.

EHIC PDF QR PoC v0.5 §3: QR Model 2, **alphanumeric mode** (Base45 is exactly that alphabet),
smallest version that fits, the mask with the lowest penalty (ISO/IEC 18004 §7.8.3), at least
6 cm². The matrix comes from our own encoder, :mod:`issuer.qrcode` (segno's mask search cost
≈ 30 ms per document; see docs/documents.md, "QR encoder").

ECC per document type (docs/documents.md §ECC; the levels are the type's entry in
``issuer.documents._doctypes``):

- ePRC ``eessi:prc:1.0``: **L**, as the EU spec requires (interoperability).
- eEHIC ``be.civicred:ehic:1.0``: **M** (a card is printed once and carried for years: ~15 %
  recovery against creases and wear for +2 versions).
- social status ``be.civicred:ssh:1.0``: **Q** when that fits in version 25, else **M** (the
  shortest token; shown on worn paper and on phone screens with glare at venue counters).

The symbol is drawn as vector rectangles: horizontal runs of dark modules, merged vertically
when consecutive rows have the same run, so a 1/600 inch grid gives crisp printing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from issuer.documents._doctypes import ECC_POLICY
from issuer.documents._payloads import DocumentError
from issuer.qrcode import DataOverflow, encode_alphanumeric
from verifier.qr import BASE45_ALPHABET

PREFERRED_MAX_VERSION = 25
QUIET_ZONE = 4  # modules (ISO/IEC 18004 §6.3.8)
MM = 72 / 25.4  # points per millimetre
MAX_SYMBOL_WIDTH_MM = 60.0  # quiet zone included
MIN_SYMBOL_AREA_CM2 = 6.0  # v0.5 §3, dark-module area without the quiet zone
GRID_PT = 72 / 600  # module sizes are multiples of 1/600 inch (printer dot grid)
#: RFC 9285 chose the Base45 alphabet to be exactly the QR alphanumeric set (ISO/IEC 18004).
_ALPHANUMERIC = frozenset(BASE45_ALPHABET)
_DARK_RUN = re.compile("1+")
_SPAN = re.Match.span
_BY_ROW_THEN_COLUMN = itemgetter(1, 0)


@dataclass(frozen=True, slots=True)
class QrSymbol:
    text: str
    version: int
    ecc: str
    size: int  # modules per side, quiet zone excluded
    rects: tuple[tuple[int, int, int, int], ...]  # (x, y, width, height) in modules, y down

    def module_pt(self, max_width_mm: float = MAX_SYMBOL_WIDTH_MM) -> float:
        """Module size (points): the largest 1/600-inch multiple with the quiet zone included
        in ``max_width_mm``; the symbol must still cover at least 6 cm²."""
        modules = self.size + 2 * QUIET_ZONE
        module = int(max_width_mm * MM / modules / GRID_PT) * GRID_PT
        side_cm = self.size * module / MM / 10
        if module <= 0 or side_cm * side_cm < MIN_SYMBOL_AREA_CM2:
            raise DocumentError(f"a version {self.version} symbol does not fit {max_width_mm} mm")
        return module

    def width_pt(self, max_width_mm: float = MAX_SYMBOL_WIDTH_MM) -> float:
        """Width of the symbol with its quiet zone, in points."""
        return (self.size + 2 * QUIET_ZONE) * self.module_pt(max_width_mm)

    def png(self, *, scale: int = 4, border: int = QUIET_ZONE) -> bytes:
        """The same symbol as a black-on-white PNG (``scale`` pixels per module)."""
        import io

        from PIL import Image, ImageDraw

        side = (self.size + 2 * border) * scale
        image = Image.new("1", (side, side), 1)
        draw = ImageDraw.Draw(image)
        for x, y, w, h in self.rects:
            left, top = (border + x) * scale, (border + y) * scale
            draw.rectangle((left, top, left + w * scale - 1, top + h * scale - 1), fill=0)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()


def _spans(row: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each horizontal run of dark modules; bit ``x`` of ``row`` is column ``x``
    (so the binary digits, reversed, read left to right)."""
    return map(_SPAN, _DARK_RUN.finditer(bin(row)[:1:-1]))


def _rectangles(rows: Sequence[int]) -> tuple[tuple[int, int, int, int], ...]:
    """Dark modules as rectangles (x, y, width, height), sorted by (y, x): horizontal runs,
    merged with identical runs below."""
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    done: list[tuple[int, int, int, int]] = []
    for y, row in enumerate(rows):
        runs = set(_spans(row))
        for x, end in open_runs.keys() - runs:
            top = open_runs.pop((x, end))
            done.append((x, top, end - x, y - top))
        for run in runs - open_runs.keys():
            open_runs[run] = y
    bottom = len(rows)
    done.extend([(x, top, end - x, bottom - top) for (x, end), top in open_runs.items()])
    done.sort(key=_BY_ROW_THEN_COLUMN)  # (y, x) is unique: a stable, total order
    return tuple(done)


def make_symbol(sid: str, text: str) -> QrSymbol:
    """The QR symbol for ``text`` under the type's ECC policy (alphanumeric mode, no boost)."""
    levels = ECC_POLICY.get(sid)
    if levels is None:
        raise DocumentError(f"no QR policy for {sid}")
    if not set(text) <= _ALPHANUMERIC:
        raise DocumentError("the QR text is not in the QR alphanumeric alphabet")
    qr = None
    for level in levels:
        try:
            qr = encode_alphanumeric(text, level)
        except DataOverflow:
            continue
        if qr.version <= PREFERRED_MAX_VERSION:
            break
    if qr is None:
        raise DocumentError(f"the QR text ({len(text)} characters) fits no QR symbol")
    return QrSymbol(text, qr.version, qr.ecc, qr.size, _rectangles(qr.rows))
