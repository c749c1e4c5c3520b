"""Defect 3: the printed-data check counted text nobody can see.

A page shows another person's data next to the genuine QR; the signed values are on the page
too, but hidden: invisible render mode, microscopic, off the page, under a white box, white on
white. ``pdf.printed_data`` must fail and name the fields, because only visible text counts
(docs/verification-codes.md). The genuine document still passes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from issuer.documents import DevPki, RenderedDocument
from tests.scan._corpus import FONT_PATHS, draw_qr
from verifier import Outcome
from verifier.pdf import printed_fields
from verifier.qr import parse_document

from ._documents import message, results, verify_pdf


def _font() -> str:
    """A TrueType font with every Latin-1..4 letter (the dev people's names need them)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont("AttackSans", path))
            return "AttackSans"
    pytest.skip("no DejaVuSans font on this machine")


FONT = "AttackSans"
FORGED = ("3. Name  MALLORY", "4. Given names  Eve", "5. Date of birth  01/01/1990")


def _invisible(page: Any, x: float, y: float, value: str) -> None:
    text = page.beginText(x, y)
    text.setFont(FONT, 11)
    text.setTextRenderMode(3)
    text.textLine(value)
    page.drawText(text)


def _tiny(page: Any, x: float, y: float, value: str) -> None:
    page.saveState()
    page.translate(x, y)
    page.scale(0.2, 0.2)  # 11 pt × 0.2 = 2.2 pt on the page
    page.setFont(FONT, 11)
    page.drawString(0, 0, value)
    page.restoreState()


def _tiny_in_form(page: Any, x: float, y: float, value: str) -> None:
    """11 pt text inside a form XObject drawn at a fifth of its size."""
    name = f"f{abs(hash((x, y, value)))}"
    page.beginForm(name)
    page.setFont(FONT, 11)
    page.drawString(0, 0, value)
    page.endForm()
    page.saveState()
    page.translate(x, y)
    page.scale(0.2, 0.2)
    page.doForm(name)
    page.restoreState()


def _off_page(page: Any, x: float, y: float, value: str) -> None:
    page.setFont(FONT, 11)
    page.drawString(x + A4[0], y, value)  # right of the crop box


def _covered(page: Any, x: float, y: float, value: str) -> None:
    page.setFont(FONT, 11)
    page.drawString(x, y, value)
    page.setFillColorRGB(1, 1, 1)
    page.rect(x - 2, y - 4, 300, 16, stroke=0, fill=1)  # a white box drawn over it
    page.setFillColorRGB(0, 0, 0)


def _white(page: Any, x: float, y: float, value: str) -> None:
    page.setFillColorRGB(1, 1, 1)
    page.setFont(FONT, 11)
    page.drawString(x, y, value)
    page.setFillColorRGB(0, 0, 0)


TRICKS: dict[str, Callable[[Any, float, float, str], None]] = {
    "invisible render mode": _invisible,
    "tiny text": _tiny,
    "tiny text in a scaled form XObject": _tiny_in_form,
    "off-page text": _off_page,
    "text under a white rectangle": _covered,
    "white text": _white,
}


def forged_page(qr_text: str, hide: Callable[[Any, float, float, str], None]) -> bytes:
    """Another person's data, the genuine QR, and every signed value hidden with ``hide``."""
    _font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont(FONT, 13)
    page.drawString(60, 790, "PROVISIONAL REPLACEMENT CERTIFICATE")
    for i, line in enumerate(FORGED):
        page.setFont(FONT, 11)
        page.drawString(60, 750 - 20 * i, line)
    signed = printed_fields(parse_document(qr_text))
    for i, field in enumerate(signed):
        hide(page, 60, 600 - 18 * i, field.renderings[0])
    draw_qr(page, qr_text, x=340, y=60, size=200)
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.mark.parametrize("trick", list(TRICKS))
def test_hidden_signed_values_are_not_printed_data(
    trick: str, genuine: RenderedDocument, pki: DevPki
) -> None:
    report = verify_pdf(forged_page(genuine.qr_text, TRICKS[trick]), pki)
    assert results(report)["qr.signature"] == "passed"  # the QR itself is genuine
    assert report.outcome is Outcome.INVALID, report.to_json()
    assert results(report)["pdf.printed_data"] == "failed"
    shown = message(report, "pdf.printed_data")
    for name in ("fn", "gn", "dob", "hi"):
        assert f"({name})" in shown, shown
    assert "not counted" in shown  # the report says why the text on the page did not count


def test_visible_values_on_the_same_page_pass(genuine: RenderedDocument, pki: DevPki) -> None:
    """Control: the same forged layout with the signed values printed plainly passes the
    printed-data check (the tricks, not the layout, are what fails above)."""

    def plain(page: Any, x: float, y: float, value: str) -> None:
        page.setFont(FONT, 11)
        page.drawString(x, y, value)

    report = verify_pdf(forged_page(genuine.qr_text, plain), pki)
    assert results(report)["pdf.printed_data"] == "passed", report.to_json()


def test_the_genuine_document_passes(genuine: RenderedDocument, pki: DevPki) -> None:
    report = verify_pdf(genuine.pdf_bytes, pki)
    assert report.outcome is Outcome.VALID, report.to_json()
    assert results(report)["pdf.printed_data"] == "passed"
