"""Shared material for the document tests: fixed dates, revocation references, people (the dev
people and a worst case made of Latin-1..4 letters), decoding helpers (PDFium + zxing-cpp)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import unicodedata
from typing import Any

from issuer.documents import JtiRef
from issuer.sources import DevAuthenticSource
from verifier.status import StatusReference

#: Every dev person has a current status and coverage on this date (dev_citizens.json).
NOW = dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
JTI = JtiRef(
    "urn:uuid:0c5e0d8a-6a43-4d7e-9d1e-2f0a8d3c9b11",
    "https://issuer.civicred.localhost/revocation/5f0c3a9e1b2d4c6a",
)
STATUS = StatusReference(1_048_575, "https://issuer.civicred.localhost/status/3f1c2b4a5d6e7f80")
TYPES = ("prc", "ehic", "ssh")
LANGUAGES = ("en", "fr", "nl", "de")

#: Every letter of ISO 8859-1..4 (the EN 1387 print repertoire of Decision S2).
LATIN_1_4 = "".join(
    sorted(
        {
            ch
            for codec in ("iso8859_1", "iso8859_2", "iso8859_3", "iso8859_4")
            for ch in bytes(range(0xA1, 0x100)).decode(codec, errors="ignore")
            if unicodedata.category(ch) in ("Lu", "Ll") and ch not in "ªºµ"
        }
    )
)


def person(person_id: str = "p-0002") -> dict[str, Any]:
    return copy.deepcopy(DevAuthenticSource().person(person_id))


def _run(start: int, n: int) -> str:
    return "".join(LATIN_1_4[(start + i) % len(LATIN_1_4)] for i in range(n))


def worst_case_person(window: int = 0) -> dict[str, Any]:
    """Longer than dev person p-0002: family name 40, given names 35 (the S2 maximums), made
    of Latin-1..4 letters only (2 UTF-8 bytes each); an institution name longer than field 7
    allows (truncated to 21 with a 4-character id); a 20-digit card number."""
    p = person("p-0002")
    p["family_name"] = _run(window, 19) + "-" + _run(window + 19, 20)
    p["given_name"] = _run(window + 39, 17) + " " + _run(window + 56, 17)
    p["health_insurance"]["institution_name"] = _run(window + 73, 30)
    return p


def decode_page(pdf: bytes, dpi: int = 150) -> list[str]:
    """Rasterise page 1 in-process with PDFium (``verifier.scan.render_pdf``, grey) and decode
    every QR code with raw zxing-cpp (no preprocessing retries)."""
    import zxingcpp

    from verifier.scan import render_pdf

    (image,) = render_pdf(pdf, dpi=dpi, max_pages=1)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCodeModel2)
    return [r.text for r in found]


def page_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()
