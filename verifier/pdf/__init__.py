"""What a PDF says beyond its QR code: its PAdES seal and the data it prints.

pyHanko (PAdES) and pypdfium2 (page objects) are imported on first use (the ``scan`` extra); a missing
one raises :class:`verifier.scan.ScanUnavailable`.

- :func:`inspect_pades` / :func:`pades_checks`: every embedded signature validated offline, and
  the ``pdf.signature`` / ``pdf.coverage`` checks.
- :func:`visible_text`: the text a person can see (PDFium page objects).
- :func:`check_printed_data`: ``pdf.printed_data``, every signed field visibly printed.
"""

from verifier.pdf._pades import (
    PadesSignature,
    inspect_pades,
    pades_checks,
)
from verifier.pdf._printed import (
    PrintedField,
    check_printed_data,
    printed_fields,
)
from verifier.pdf._visible import MIN_CONTRAST, MIN_FONT_SIZE, VisibleText, visible_text

__all__ = [
    "MIN_CONTRAST",
    "MIN_FONT_SIZE",
    "PadesSignature",
    "PrintedField",
    "VisibleText",
    "check_printed_data",
    "inspect_pades",
    "pades_checks",
    "printed_fields",
    "visible_text",
]
