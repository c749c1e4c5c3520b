"""The QR symbol of a document: error-correction policy, segno matrix, vector rectangles.

EHIC PDF QR PoC v0.5 §3: QR Model 2, **alphanumeric mode** (Base45 is exactly that alphabet),
smallest version that fits, the mask with the lowest penalty (segno's default), at least 6 cm².
ECC per document type (docs/documents.md §ECC):

- ePRC ``eessi:prc:1.0``: **L**, as the EU spec requires (interoperability).
- eEHIC ``be.civicred:ehic:1.0``: **M** (a card is printed once and carried for years: ~15 %
  recovery against creases and wear for +2 versions).
- social status ``be.civicred:ssh:1.0``: **Q** when that fits in version 25, else **M** (the
  shortest token; shown on worn paper and on phone screens with glare at venue counters).

The symbol is drawn as vector rectangles: horizontal runs of dark modules, merged vertically
when consecutive rows have the same run, so a 1/600 inch grid gives crisp printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from issuer.documents._payloads import DocumentError
from verifier.qr import BASE45_ALPHABET, CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID

#: Error-correction levels to try per ``sid``, in order; the first whose version stays within
#: :data:`PREFERRED_MAX_VERSION` wins, the last one is used regardless.
ECC_POLICY: Mapping[str, tuple[str, ...]] = {
    EESSI_PRC_SID: ("L",),
    CIVICRED_EHIC_SID: ("M",),
    CIVICRED_SSH_SID: ("Q", "M"),
}
PREFERRED_MAX_VERSION = 25
QUIET_ZONE = 4  # modules (ISO/IEC 18004 §6.3.8)
MM = 72 / 25.4  # points per millimetre
MAX_SYMBOL_WIDTH_MM = 60.0  # quiet zone included
MIN_SYMBOL_AREA_CM2 = 6.0  # v0.5 §3, dark-module area without the quiet zone
GRID_PT = 72 / 600  # module sizes are multiples of 1/600 inch (printer dot grid)
#: RFC 9285 chose the Base45 alphabet to be exactly the QR alphanumeric set (ISO/IEC 18004).
_ALPHANUMERIC = frozenset(BASE45_ALPHABET)


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


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each horizontal run of dark modules."""
    runs: list[tuple[int, int]] = []
    x = 0
    while x < len(row):
        if row[x]:
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append((start, x - start))
        else:
            x += 1
    return runs


def _rectangles(matrix: list[list[bool]]) -> tuple[tuple[int, int, int, int], ...]:
    """Dark modules as rectangles: horizontal runs, merged with identical runs below."""
    open_runs: dict[tuple[int, int], tuple[int, int]] = {}  # (x, w) -> (first row, height)
    done: list[tuple[int, int, int, int]] = []
    for y, row in enumerate(matrix):
        runs = _runs(row)
        for (x, w), (top, h) in list(open_runs.items()):
            if (x, w) not in runs:
                done.append((x, top, w, h))
                del open_runs[(x, w)]
        for run in runs:
            top, h = open_runs.get(run, (y, 0))
            open_runs[run] = (top, h + 1)
    done.extend((x, top, w, h) for (x, w), (top, h) in open_runs.items())
    return tuple(sorted(done, key=lambda r: (r[1], r[0])))


def make_symbol(sid: str, text: str) -> QrSymbol:
    """The QR symbol for ``text`` under the type's ECC policy (alphanumeric mode, no boost)."""
    import segno

    levels = ECC_POLICY.get(sid)
    if levels is None:
        raise DocumentError(f"no QR policy for {sid}")
    if not set(text) <= _ALPHANUMERIC:
        raise DocumentError("the QR text is not in the QR alphanumeric alphabet")
    qr = None
    for level in levels:
        try:
            qr = segno.make(text, error=level, mode="alphanumeric", boost_error=False, micro=False)
        except segno.DataOverflowError:
            continue
        if int(qr.version) <= PREFERRED_MAX_VERSION:
            break
    if qr is None:
        raise DocumentError(f"the QR text ({len(text)} characters) fits no QR symbol")
    matrix = [[bool(v) for v in row] for row in qr.matrix]
    return QrSymbol(text, int(qr.version), str(qr.error).upper(), len(matrix), _rectangles(matrix))
