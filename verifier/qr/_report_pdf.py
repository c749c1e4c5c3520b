"""The EHIC PDF QR PoC v0.5 §7 verification report as a PDF (needs reportlab).

reportlab is imported lazily, inside :func:`report_to_pdf`, so the base verifier stays light; it
comes with the ``server`` extra. The PDF holds the same data as the JSON export: the original QR
(as text and redrawn as a QR code), verifier id, treatment date, timestamp, per-step results,
conclusion and issuer data. It is rendered ``invariant`` (no clock read, reproducible bytes).
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path
from typing import Any

from verifier._errors import CivicredError
from verifier._report import VerificationReport
from verifier._time import VerificationTime
from verifier.qr._report_eessi import report_to_eessi_dict


def escape(text: str) -> str:
    """ReportLab paragraph markup escaping of ``&``, ``<`` and ``>``, as
    ``xml.sax.saxutils.escape`` does, without importing xml (and urllib) into every verifier."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
_COLORS = {"PASSED": "#1b7f3b", "NOT PASSED": "#b00020", "WARNING": "#a15c00", "N/A": "#555555"}


class ReportExportUnavailable(CivicredError):
    """reportlab is not installed (install civicred[server])."""


def _font(pdfmetrics: Any, ttfonts: Any) -> str:
    """A Unicode font for names with any Latin diacritics, else Helvetica (Latin-1 only)."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            try:
                pdfmetrics.registerFont(ttfonts.TTFont("CivicredSans", candidate))
            except Exception:  # noqa: S112 - a broken font file: try the next one
                continue
            return "CivicredSans"
    return "Helvetica"


_MODULES = (
    "graphics.barcode.qr",
    "graphics.shapes",
    "lib.colors",
    "lib.pagesizes",
    "lib.styles",
    "lib.units",
    "pdfbase.pdfmetrics",
    "pdfbase.ttfonts",
    "platypus",
)


def _reportlab() -> dict[str, Any]:
    try:
        return {name: importlib.import_module(f"reportlab.{name}") for name in _MODULES}
    except ImportError as exc:
        raise ReportExportUnavailable(
            "the PDF report needs reportlab: install civicred[server]"
        ) from exc


def report_to_pdf(
    report: VerificationReport,
    qr_text: str | bytes,
    verifier_id: str,
    time: VerificationTime,
    *,
    id_check: bool | None = None,
) -> bytes:
    """The §7 report as PDF bytes; :class:`ReportExportUnavailable` without reportlab."""
    rl = _reportlab()
    QrCodeWidget, Drawing = rl["graphics.barcode.qr"].QrCodeWidget, rl["graphics.shapes"].Drawing
    colors, A4, mm = rl["lib.colors"], rl["lib.pagesizes"].A4, rl["lib.units"].mm
    ParagraphStyle = rl["lib.styles"].ParagraphStyle
    platypus = rl["platypus"]
    Paragraph, Spacer, Table, TableStyle = (
        platypus.Paragraph,
        platypus.Spacer,
        platypus.Table,
        platypus.TableStyle,
    )

    data = report_to_eessi_dict(report, qr_text, verifier_id, time, id_check=id_check)
    font = _font(rl["pdfbase.pdfmetrics"], rl["pdfbase.ttfonts"])
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=11)
    small = ParagraphStyle("small", fontName=font, fontSize=7, leading=8.5)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=19, spaceAfter=4)

    def para(text: object, style: Any = body) -> Any:
        return Paragraph(escape("" if text is None else str(text)), style)

    conclusion = data["conclusion"]
    color = _COLORS["PASSED" if conclusion == "Approved" else "NOT PASSED"]
    story: list[Any] = [
        para("eEHIC / ePRC verification report", title),
        Paragraph(
            f'<font color="{color}" size="13"><b>{escape(conclusion)}</b></font>'
            f" &nbsp; (outcome: {escape(data['outcome'])})",
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    issuer = data["issuer"]
    facts = [
        ("Verifier", data["verifier_id"]),
        ("Timestamp (UTC)", data["timestamp"]),
        ("Treatment date", data["treatment_date"]),
        ("Document type", f"{data['document']['type'] or ''} ({data['document']['sid'] or '?'})"),
        ("Issuer country", issuer["country"]),
        ("OfficialID", issuer["official_id"]),
        ("Institution", issuer["name"]),
        ("kid", issuer["kid"]),
    ]
    fact_table = Table(
        [[para(k), para(v)] for k, v in facts], colWidths=[35 * mm, 140 * mm], hAlign="LEFT"
    )
    fact_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [fact_table, Spacer(1, 4 * mm)]

    rows: list[list[Any]] = [[para("Step"), para("Result"), para("Details")]]
    styles: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for step in data["steps"]:
        detail = "; ".join(c["message"] for c in step["checks"])
        result = step["result"]
        rows.append(
            [
                para(f"[{step['group']}] {step['title']}", small),
                Paragraph(
                    f'<font color="{_COLORS.get(result, "#000000")}"><b>{escape(result)}</b></font>',
                    small,
                ),
                para(detail[:600], small),
            ]
        )
    steps = Table(rows, colWidths=[62 * mm, 20 * mm, 93 * mm], repeatRows=1, hAlign="LEFT")
    steps.setStyle(TableStyle(styles))
    story += [steps, Spacer(1, 4 * mm)]

    original = data["original"]["qr"]
    story.append(para("Original QR (Base45 text, §7 (1))"))
    if original and len(original) <= 4296:
        widget = QrCodeWidget(original, barLevel="L")
        x0, y0, x1, y1 = widget.getBounds()
        size = 60 * mm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        story.append(drawing)
    story.append(para(original[:5000], small))

    buffer = io.BytesIO()
    doc = platypus.SimpleDocTemplate(
        buffer,
        pagesize=A4,
        invariant=True,
        title="eEHIC verification report",
        leftMargin=17 * mm,
        rightMargin=17 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    doc.build(story)
    return buffer.getvalue()
