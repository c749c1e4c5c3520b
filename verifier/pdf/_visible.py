"""The text a person can see on a PDF page, read from PDFium's page objects (pypdfium2).

A text extractor (pypdf's ``extract_text``, PDFium's own text page) returns every glyph of the
content stream, seen or not. The printed-data check must only count what a reader of the page
sees, so a character counts only if all of these hold (each failure has a reason, counted in
:attr:`VisibleText.hidden`):

- ``invisible``: its render mode paints it (not 3 "invisible" or 7 "clip only", ISO 32000-1
  §9.3.6), it is not in optional content (``/OC`` marked: a layer a viewer may hide), and its
  paint (fill, or stroke for modes 1 and 5) is not fully transparent;
- ``tiny``: its effective size — the font size times the scale of the text matrix, the CTM and
  every enclosing form's matrix — is at least :data:`MIN_FONT_SIZE` (4 pt, half the smallest
  size on our documents: nothing smaller is read by a person checking a certificate);
- ``off_page``: its box lies inside the page's visible box (crop box ∩ media box);
- ``covered``: no later opaque fill, image or shading — nor an annotation's appearance, which a
  viewer draws over the page — covers half of its box or more;
- ``low_contrast``: its colour differs from what lies under it (the topmost earlier opaque fill
  of a known colour there, else the white page) by at least :data:`MIN_CONTRAST` in luminance.
  Pragmatic on purpose: white text counts only on a dark fill; text over an image counts (its
  colours are not analysed).

Hidden characters are replaced by a space, so a partly hidden word never matches as a whole.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from verifier.scan import Matrix, PdfFile, multiply

MIN_FONT_SIZE = 4.0  # points, after every matrix
MIN_CONTRAST = 0.2  # luminance difference (0..1) between text and background
COVERED_SHARE = 0.5  # a character counts as covered when this share of its box is painted over
_INVISIBLE_MODES = frozenset({3, 7})
_STROKE_MODES = frozenset({1, 5})
_ANNOT_HIDDEN = 1 << 1 | 1 << 5  # annotation flags Hidden and NoView (ISO 32000-1 §12.5.3)
_GRID = 32.0  # points per cell of the cover index

Box = tuple[float, float, float, float]  # left, bottom, right, top (page space)
Rgba = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class VisibleText:
    """The visible text of a PDF's first pages, and how many characters were not counted."""

    text: str
    hidden: Mapping[str, int] = field(default_factory=dict)

    def describe_hidden(self) -> str:
        """``"12 invisible, 3 covered"`` (empty when nothing was hidden)."""
        return ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in self.hidden.items())


@dataclass(frozen=True, slots=True)
class _Cover:
    order: int
    box: Box
    colour: Rgba | None  # None: an image, an annotation or a shading (colours unknown)


@dataclass(slots=True)
class _TextObject:
    handle: Any
    order: int
    hidden: str | None  # a reason that holds for every character of the object
    colour: Rgba
    box: Box  # page space
    text: str = ""


def _transform(box: Box, matrix: Matrix) -> Box:
    left, bottom, right, top = box
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((left, bottom), (left, top), (right, bottom), (right, top)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(one: Box, other: Box) -> float:
    width = min(one[2], other[2]) - max(one[0], other[0])
    height = min(one[3], other[3]) - max(one[1], other[1])
    return max(width, 0.0) * max(height, 0.0)


def _luminance(rgba: Rgba, under: tuple[float, float, float]) -> float:
    """Relative luminance (0..1) of ``rgba`` composited over ``under``."""
    alpha = rgba[3] / 255
    r, g, b = (alpha * v / 255 + (1 - alpha) * u for v, u in zip(rgba[:3], under, strict=True))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


class _Covers:
    """Opaque paint in painting order, indexed by grid cell."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[_Cover]] = {}

    def add(self, cover: _Cover) -> None:
        for cell in self._cells_of(cover.box):
            self._cells.setdefault(cell, []).append(cover)

    @staticmethod
    def _cells_of(box: Box) -> Iterator[tuple[int, int]]:
        x0, y0 = int(box[0] // _GRID), int(box[1] // _GRID)
        x1, y1 = int(box[2] // _GRID), int(box[3] // _GRID)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > 4096:  # a huge box: clamp to the page grid
            x0, y0, x1, y1 = max(x0, -8), max(y0, -8), min(x1, 64), min(y1, 64)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield x, y

    def near(self, box: Box) -> list[_Cover]:
        found: dict[int, _Cover] = {}
        for cell in self._cells_of(box):
            for cover in self._cells.get(cell, ()):
                found[id(cover)] = cover
        return sorted(found.values(), key=lambda c: c.order)


class _Page:
    """One page's objects, covers and visible box."""

    def __init__(self, pdf: PdfFile, index: int) -> None:
        self.pdf, self.raw = pdf, pdf.raw
        self.page = pdf.page(index).raw
        self.covers = _Covers()
        self.texts: list[_TextObject] = []
        for order, (obj, parent) in enumerate(pdf.objects(index)):
            self._add(order, obj, parent)
        self._add_annotations()
        box = self.raw.FS_RECTF()
        self.raw.FPDF_GetPageBoundingBox(self.page, box)
        self.visible: Box = (box.left, box.bottom, box.right, box.top)

    def _bounds(self, obj: Any, parent: Matrix) -> Box:
        values = [ctypes.c_float() for _ in range(4)]
        if not self.raw.FPDFPageObj_GetBounds(obj, *values):
            return (0.0, 0.0, 0.0, 0.0)
        left, bottom, right, top = (v.value for v in values)
        return _transform((left, bottom, right, top), parent)

    def _colour(self, obj: Any, stroke: bool = False) -> Rgba:
        values = [ctypes.c_uint() for _ in range(4)]
        getter = (
            self.raw.FPDFPageObj_GetStrokeColor if stroke else self.raw.FPDFPageObj_GetFillColor
        )
        if not getter(obj, *values):
            return (0, 0, 0, 255)
        r, g, b, a = (v.value for v in values)
        return r, g, b, a

    def _add(self, order: int, obj: Any, parent: Matrix) -> None:
        raw = self.raw
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            self.texts.append(self._text(order, obj, parent))
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            colour = self._colour(obj)
            if raw.FPDFPath_GetDrawMode(obj, fill, stroke) and fill.value and colour[3] == 255:
                self.covers.add(_Cover(order, self._bounds(obj, parent), colour))
        elif kind in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING) and (
            not raw.FPDFPageObj_HasTransparency(obj)
        ):
            self.covers.add(_Cover(order, self._bounds(obj, parent), None))

    def _text(self, order: int, obj: Any, parent: Matrix) -> _TextObject:
        raw = self.raw
        mode = raw.FPDFTextObj_GetTextRenderMode(obj)
        colour = self._colour(obj, stroke=mode in _STROKE_MODES)
        size = ctypes.c_float()
        raw.FPDFTextObj_GetFontSize(obj, size)
        a, b, c, d, _, _ = multiply(self.pdf.matrix(obj), parent)
        scale = min((a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5)
        hidden = None
        if mode in _INVISIBLE_MODES or colour[3] == 0 or self._optional(obj):
            hidden = "invisible"
        elif size.value * scale < MIN_FONT_SIZE:
            hidden = "tiny"
        return _TextObject(obj, order, hidden, colour, self._bounds(obj, parent))

    def _optional(self, obj: Any) -> bool:
        """Marked as optional content (``/OC`` BDC): a layer a viewer may hide."""
        raw = self.raw
        for i in range(raw.FPDFPageObj_CountMarks(obj)):
            mark = raw.FPDFPageObj_GetMark(obj, i)
            length = ctypes.c_ulong()
            raw.FPDFPageObjMark_GetName(mark, None, 0, length)
            buffer = ctypes.create_string_buffer(length.value)
            raw.FPDFPageObjMark_GetName(mark, buffer, length.value, length)
            if buffer.raw.decode("utf-16-le", "replace").rstrip("\x00") == "OC":
                return True
        return False

    def _add_annotations(self) -> None:
        """An annotation with an appearance is drawn over the page content by viewers."""
        raw = self.raw
        for i in range(raw.FPDFPage_GetAnnotCount(self.page)):
            annot = raw.FPDFPage_GetAnnot(self.page, i)
            try:
                rect = raw.FS_RECTF()
                if (
                    raw.FPDFAnnot_HasKey(annot, b"AP")
                    and not raw.FPDFAnnot_GetFlags(annot) & _ANNOT_HIDDEN
                    and raw.FPDFAnnot_GetRect(annot, rect)
                ):
                    box = (
                        min(rect.left, rect.right),
                        min(rect.bottom, rect.top),
                        max(rect.left, rect.right),
                        max(rect.bottom, rect.top),
                    )
                    self.covers.add(_Cover(1 << 62, box, None))
            finally:
                raw.FPDFPage_CloseAnnot(annot)

    def clear(self, text: _TextObject) -> bool:
        """Whether the object's box is decided as a whole: no cover touches it, and it lies
        wholly inside the visible box (or wholly outside it)."""
        box, (left, bottom, right, top) = text.box, self.visible
        inside = box[0] >= left - 1 and box[1] >= bottom - 1 and box[2] <= right + 1
        inside = inside and box[3] <= top + 1
        outside = box[2] < left or box[0] > right or box[3] < bottom or box[1] > top
        touched = any(_overlap(c.box, box) > 0 for c in self.covers.near(box))
        return text.hidden is not None or (not touched and (inside or outside))

    def why_hidden(self, text: _TextObject, box: Box) -> str | None:
        if text.hidden is not None:
            return text.hidden
        left, bottom, right, top = self.visible
        if box[0] < left - 1 or box[1] < bottom - 1 or box[2] > right + 1 or box[3] > top + 1:
            return "off_page"
        threshold = COVERED_SHARE * max((box[2] - box[0]) * (box[3] - box[1]), 1e-6)
        near = [c for c in self.covers.near(box) if _overlap(c.box, box) >= threshold]
        if any(c.order > text.order for c in near):
            return "covered"
        below = [c for c in near if c.order < text.order]
        colour = below[-1].colour if below else (255, 255, 255, 255)  # else the white page
        if colour is None:  # an image or a shading under the text: its colours are not analysed
            return None
        under = (colour[0] / 255, colour[1] / 255, colour[2] / 255)
        if abs(_luminance(text.colour, under) - _luminance(colour, under)) < MIN_CONTRAST:
            return "low_contrast"
        return None


def _object_text(raw: Any, obj: Any, textpage: Any) -> str:
    size = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    buffer = (ctypes.c_ushort * max(size, 1))()
    raw.FPDFTextObj_GetText(obj, textpage, buffer, size)
    return bytes(buffer).decode("utf-16-le", "replace").rstrip("\x00")


def _characters(raw: Any, textpage: Any) -> dict[int, list[tuple[str, Box]]]:
    """Every character of the text page with its box, by text object (the slow path)."""
    out: dict[int, list[tuple[str, Box]]] = {}
    edges = [ctypes.c_double() for _ in range(4)]
    for i in range(raw.FPDFText_CountChars(textpage)):
        obj = raw.FPDFText_GetTextObject(textpage, i)
        if not obj:
            continue  # a space or line break PDFium generated
        raw.FPDFText_GetCharBox(textpage, i, *edges)
        left, right, bottom, top = (v.value for v in edges)
        char = chr(raw.FPDFText_GetUnicode(textpage, i) or 0x20)
        address = ctypes.cast(obj, ctypes.c_void_p).value or 0
        out.setdefault(address, []).append((char, (left, bottom, right, top)))
    return out


def _read_page(pdf: PdfFile, index: int, hidden: Counter[str]) -> str:
    """The page's visible text, text object by text object in painting order. An object that
    is wholly hidden or wholly visible is decided at once; one that a cover or the page edge
    cuts through is decided character by character."""
    raw = pdf.raw
    page = _Page(pdf, index)
    textpage = raw.FPDFText_LoadPage(page.page)
    out: list[str] = []
    characters: dict[int, list[tuple[str, Box]]] | None = None
    try:
        for text in page.texts:
            whole = _object_text(raw, text.handle, textpage)
            reason = text.hidden or page.why_hidden(text, text.box)
            if reason is None and page.clear(text):
                out.append(whole)
            elif reason is not None and page.clear(text):
                hidden[reason] += sum(not c.isspace() for c in whole)
            else:
                if characters is None:
                    characters = _characters(raw, textpage)
                address = ctypes.cast(text.handle, ctypes.c_void_p).value or 0
                for char, box in characters.get(address, ()):
                    why = None if char.isspace() else page.why_hidden(text, box)
                    if why is not None:
                        hidden[why] += 1
                    out.append(char if why is None else " ")
            out.append("\n")
    finally:
        raw.FPDFText_ClosePage(textpage)
    return "".join(out)


def visible_text(pdf: PdfFile, *, max_pages: int) -> VisibleText:
    """The visible text of the first ``max_pages`` pages (pages separated by a newline)."""
    hidden: Counter[str] = Counter()
    count = min(pdf.page_count, max_pages)
    pages = pdf.run(lambda: [_read_page(pdf, i, hidden) for i in range(count)])
    return VisibleText("\n".join(pages), dict(hidden.most_common()))
