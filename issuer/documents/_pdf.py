"""Drawing a :class:`Layout` and its QR symbol on one A4 page with reportlab.

Every printed value is real text in embedded DejaVu Sans (extractable with pypdf/pdftotext), the
QR code is one vector path (a literal content-stream fragment in module units), and the QR text
is embedded as the file ``qr.txt`` (document-level ``/EmbeddedFiles``, MIME ``text/plain``,
AFRelationship ``/Data``) so a verifier can compare without decoding the image. The PDF metadata
holds the document name and ``sid``, never personal data.

reportlab writes the page (:func:`draw_page`); ``qr.txt`` is added by pyHanko in one incremental
revision on it (:func:`open_revision`, :func:`embed_qr_text`), which the service then either
signs (``_pades.sign_writer``: attachment and signature in the same, signed revision) or writes
as is (:func:`write_revision`).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from issuer.documents._fonts import Fonts
from issuer.documents._layout import Block, Cell, Layout
from issuer.documents._payloads import DocumentError
from issuer.documents._qr import MM, QUIET_ZONE, QrSymbol

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.writer import BasePdfFileWriter

QR_ATTACHMENT = "qr.txt"
PAGE_W, PAGE_H = 595.2756, 841.8898  # A4 in points
MARGIN = 18 * MM
CONTENT_W = PAGE_W - 2 * MARGIN
ROW_H = 31.0
GAP = 8.0
LABEL_SIZE = 7.5
VALUE_SIZE = 11.0
MIN_VALUE_SIZE = 6.0
FIT_STEP = 0.25  # points: values shrink in these steps to fit their field
GREY = (0.35, 0.35, 0.35)


class _Page:
    def __init__(self, canvas: Any, fonts: Fonts) -> None:
        self.c = canvas
        self.f = fonts
        self.y = PAGE_H - MARGIN

    # -- text helpers --------------------------------------------------------------------
    def wrap(self, value: str, font: str, size: float, width: float) -> list[str]:
        from reportlab.lib.utils import simpleSplit

        return simpleSplit(value, font, size, width) if value else []

    def fit(self, value: str, font: str, size: float, width: float) -> float:
        """The largest size ≤ ``size``, in steps of 0.25 pt down to :data:`MIN_VALUE_SIZE`, at
        which ``value`` fits ``width`` on one line.

        Text width is proportional to the size, so the step is computed from the width at
        ``size`` and then confirmed (and nudged for rounding) with ``stringWidth`` itself: the
        same answer as trying every step, in two or three measurements.
        """
        from reportlab.pdfbase.pdfmetrics import stringWidth

        full = stringWidth(value, font, size)
        if full <= width:
            return size
        last = max(0, math.ceil((size - MIN_VALUE_SIZE) / FIT_STEP))  # the step at the minimum
        k = min(last, max(1, math.ceil((size - size * width / full) / FIT_STEP)))
        while k > 1 and stringWidth(value, font, size - (k - 1) * FIT_STEP) <= width:
            k -= 1
        while k < last and stringWidth(value, font, size - k * FIT_STEP) > width:
            k += 1
        if stringWidth(value, font, size - k * FIT_STEP) > width:
            raise DocumentError("a printed value is too long for its field")
        return size - k * FIT_STEP

    def lines(
        self, value: str, font: str, size: float, x: float, width: float, *, center: bool = False
    ) -> None:
        c = self.c
        for line in self.wrap(value, font, size, width):
            self.y -= size * 1.25
            c.setFont(font, size)
            if center:
                c.drawCentredString(x + width / 2, self.y, line)
            else:
                c.drawString(x, self.y, line)

    # -- blocks --------------------------------------------------------------------------
    def cell(self, cell: Cell, x: float, top: float, width: float) -> None:
        c = self.c
        c.rect(x, top - ROW_H, width, ROW_H, stroke=1, fill=0)
        label = " ".join(part for part in (cell.number, cell.label) if part)
        if label:
            size = self.fit(label, self.f.regular, LABEL_SIZE, width - 6)
            c.setFont(self.f.regular, size)
            c.drawString(x + 3, top - 9, label)
        if cell.value:
            size = self.fit(cell.value, self.f.bold, VALUE_SIZE, width - 8)
            c.setFont(self.f.bold, size)
            c.drawString(x + 4, top - ROW_H + 7, cell.value)

    def block(self, block: Block, x: float, width: float) -> None:
        c = self.c
        c.setFillColorRGB(*GREY)
        self.lines(block.title, self.f.regular, 8.5, x, width)
        c.setFillColorRGB(0, 0, 0)
        self.y -= 3
        for row in block.rows:
            left = x
            total = sum(cell.span for cell in row)
            for cell in row:
                share = width * cell.span / total
                self.cell(cell, left, self.y, share)
                left += share
            self.y -= ROW_H
        self.y -= GAP


def qr_fragment(symbol: QrSymbol, x: float, top: float, module: float) -> str:
    """The symbol as one literal content-stream fragment; (x, top) is the quiet zone's top-left
    corner. A ``cm`` maps module units onto the page (y axis down, origin at the symbol's
    top-left module), so every dark rectangle is ``x y w h re`` in small integers. The path is
    filled black with the nonzero rule: all rectangles run the same way, so their union is
    painted even if some overlapped (they do not, so it paints what reportlab's even-odd path
    painted). Wrapped in ``q``/``Q``: the page's graphics state is unchanged afterwards."""
    from reportlab.lib.rl_accel import fp_str

    ox, oy = x + QUIET_ZONE * module, top - QUIET_ZONE * module
    parts = [f"q 0 0 0 rg {fp_str(module, 0, 0, -module, ox, oy)} cm"]
    parts += [f"{rx} {ry} {rw} {rh} re" for rx, ry, rw, rh in symbol.rects]
    parts.append("f Q")
    return "\n".join(parts)


def _draw_qr(canvas: Any, symbol: QrSymbol, x: float, top: float, module: float) -> None:
    """The symbol in black on the page; (x, top) is the quiet zone's top-left corner."""
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(qr_fragment(symbol, x, top, module))


def _check_glyphs(fonts: Fonts, layout: Layout) -> None:
    strings: Sequence[str] = [cell.value for cell in layout.cells()] + [layout.title]
    missing = fonts.missing_glyphs("".join(strings))
    if missing:
        raise DocumentError(f"the fonts in {fonts.directory} cannot print {', '.join(missing)}")


def draw_page(layout: Layout, symbol: QrSymbol, fonts: Fonts) -> bytes:
    """The unsigned one-page PDF (without the ``qr.txt`` attachment)."""
    from reportlab.pdfgen.canvas import Canvas

    _check_glyphs(fonts, layout)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=fonts.regular)
    c.setTitle(layout.title)
    c.setSubject(layout.sid)
    c.setCreator("civicred")
    c.setAuthor("civicred issuer")
    c.setLineWidth(0.5)
    page = _Page(c, fonts)
    page.lines(layout.title, fonts.bold, 13, MARGIN, CONTENT_W, center=True)
    c.setFillColorRGB(*GREY)
    page.lines(layout.subtitle, fonts.regular, 9, MARGIN, CONTENT_W, center=True)
    c.setFillColorRGB(0, 0, 0)
    page.y -= 10
    if layout.statement:
        size = page.fit(layout.statement, fonts.bold, 26, CONTENT_W - 24)
        c.setLineWidth(2)
        c.rect(MARGIN, page.y - 56, CONTENT_W, 56, stroke=1, fill=0)
        c.setLineWidth(0.5)
        c.setFont(fonts.bold, size)
        c.drawCentredString(PAGE_W / 2, page.y - 28 - size * 0.35, layout.statement)
        page.y -= 56 + GAP + 4
    for block in layout.blocks:
        page.block(block, MARGIN, CONTENT_W)

    module = symbol.module_pt()
    qr_w = symbol.width_pt()
    box_w = qr_w + 12
    side_w = CONTENT_W - box_w - GAP
    top = page.y
    page.block(layout.side, MARGIN, side_w)
    side_bottom = page.y

    box_x = MARGIN + side_w + GAP
    page.y = top
    page.lines(layout.qr_title, fonts.regular, 8, box_x + 6, box_w - 12)
    qr_top = page.y - 2
    _draw_qr(c, symbol, box_x + 6, qr_top, module)
    page.y = qr_top - qr_w
    page.lines(layout.qr_note, fonts.regular, 6.5, box_x + 6, box_w - 12)
    page.y -= 6
    c.rect(box_x, page.y, box_w, top - page.y, stroke=1, fill=0)
    page.y = min(page.y, side_bottom) - GAP

    c.line(MARGIN, page.y, PAGE_W - MARGIN, page.y)
    page.y -= 2
    page.lines(layout.notes_title, fonts.bold, 8.5, MARGIN, CONTENT_W)
    c.setFillColorRGB(*GREY)
    page.lines(layout.notes, fonts.regular, 8, MARGIN, CONTENT_W)
    page.lines(layout.sid, fonts.regular, 6.5, MARGIN, CONTENT_W)
    if page.y < MARGIN:
        raise DocumentError("the document does not fit on one A4 page")
    c.showPage()
    _save_binary(c)
    return buf.getvalue()


_A85_LOCK = threading.Lock()


def _save_binary(canvas: Any) -> None:
    """``canvas.save()`` with the page stream Flate-compressed only, not also ASCII85-encoded
    (binary streams are fine in PDF and a quarter smaller). reportlab has no per-canvas switch:
    the global ``rl_config.useA85`` is read while the page is formatted, i.e. inside
    ``save()``, so it is cleared for that call only, under a lock (concurrent renders in
    threads would otherwise restore each other's value)."""
    from reportlab import rl_config

    with _A85_LOCK:
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            canvas.save()
        finally:
            rl_config.useA85 = previous


def open_revision(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer on ``pdf``: objects added to it form one new revision."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)


def embed_qr_text(writer: BasePdfFileWriter, qr_text: str, *, now: datetime) -> None:
    """Add ``qr.txt`` (``qr_text``) to the document's embedded files in ``writer``."""
    from pyhanko.pdf_utils import embed, generic

    data = embed.EmbeddedFileObject.from_file_data(
        writer,
        qr_text.encode("ascii"),
        mime_type="text/plain",
        params=embed.EmbeddedFileParams(creation_date=now, modification_date=now),
    )
    spec = embed.FileSpec(
        file_spec_string=QR_ATTACHMENT,
        file_name=QR_ATTACHMENT,
        embedded_data=data,
        description="QR code text: Base45(zlib(compact JWS))",
        af_relationship=generic.pdf_name("/Data"),
    )
    embed.embed_file(writer, spec)


def write_revision(writer: BasePdfFileWriter) -> bytes:
    """The PDF ``writer`` holds, unsigned."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
