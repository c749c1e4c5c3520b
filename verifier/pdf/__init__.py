"""What a PDF says beyond its QR code: its PAdES seal and the data it prints.

pyHanko (PAdES), pypdfium2 and pypdf are imported on first use (the ``scan`` extra); a missing
one raises :class:`verifier.scan.ScanUnavailable`.

- :func:`inspect_pades` / :func:`pades_checks`: every embedded signature validated offline, and
  the ``pdf.signature`` / ``pdf.coverage`` checks.
- :func:`check_printed_data`: ``pdf.printed_data``, every signed field printed on the page.
"""

from verifier.pdf._pades import (
    COVERAGE_CODE,
    MODIFIED_CODE,
    SIGNATURE_CODE,
    PadesSignature,
    inspect_pades,
    pades_checks,
)
from verifier.pdf._printed import (
    PRINTED_DATA_CODE,
    PrintedField,
    check_printed_data,
    pdf_text,
    printed_fields,
)

__all__ = [
    "COVERAGE_CODE",
    "MODIFIED_CODE",
    "PRINTED_DATA_CODE",
    "SIGNATURE_CODE",
    "PadesSignature",
    "PrintedField",
    "check_printed_data",
    "inspect_pades",
    "pades_checks",
    "pdf_text",
    "printed_fields",
]
