"""Find the QR code of a PDF: render pages in-process with PDFium (pypdfium2), decode the images.

The QR is drawn as vectors, so it has to be rasterised. PDFium runs in this process (no external
program, no temporary files) under the same bounds a subprocess had:

- the file: at most :data:`MAX_PDF_BYTES`, a ``%PDF-`` header within the first KiB;
- pages: the first ``max_pages`` only;
- pixels: the resolution is lowered for oversized pages so no side exceeds
  :data:`MAX_PAGE_PIXELS_SIDE`, and a page whose images declare more than
  :data:`~verifier.scan.MAX_IMAGE_PIXELS` pixels is refused before it is rendered;
- time: ``timeout`` seconds per PDF. Every PDFium call runs on one PDFium thread and the caller
  waits for it until the deadline only (:mod:`verifier.scan._pdfium`: loading a hostile page —
  a small Flate stream inflating to millions of operators — cannot be interrupted, but it cannot
  hold the caller either); rendering is also progressive (``FPDF_RenderPageBitmap_Start`` /
  ``Continue``) with a pause callback that stops PDFium at the deadline. Past it:
  :class:`ScanError` (``scan.pdf``, "took more than … s").
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from verifier import codes
from verifier.scan._decoders import MAX_IMAGE_PIXELS, QrDecoder, decode_image, default_decoders
from verifier.scan._errors import ScanError, ScanUnavailable
from verifier.scan._pdfium import (
    IDENTITY,
    Deadline,
    Matrix,
    load_pdfium,
    multiply,
    post_pdfium,
    run_pdfium,
)

if TYPE_CHECKING:
    from PIL.Image import Image

_T = TypeVar("_T")

DEFAULT_DPI = 150  # our QR modules are ≥ 0.5 mm: 3 pixels each; 300 dpi is the retry
RETRY_DPI = 300
DEFAULT_MAX_PAGES = 4
DEFAULT_TIMEOUT = 60.0
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PAGE_PIXELS_SIDE = 7000
_PDF_HEADER_WINDOW = 1024  # ISO 32000-1 §7.5.2: readers accept the header within the first KiB


def read_pdf_bytes(source: str | Path | bytes | bytearray) -> bytes:
    """The PDF's bytes, size-checked, with a ``%PDF-`` header in the first KiB."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_PDF_BYTES:
                raise ScanError(
                    f"{path.name} is larger than {MAX_PDF_BYTES} bytes", code=codes.SCAN_PDF
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ScanError(f"cannot read {path}: {exc.strerror}", code=codes.SCAN_PDF) from None
    if len(data) > MAX_PDF_BYTES:
        raise ScanError(f"the PDF is larger than {MAX_PDF_BYTES} bytes", code=codes.SCAN_PDF)
    if b"%PDF-" not in data[:_PDF_HEADER_WINDOW]:
        raise ScanError("not a PDF (no %PDF- header)", code=codes.SCAN_PDF)
    return data


class PdfFile:
    """A PDF opened once with PDFium, shared by the renderer and the visible-text reader.

    Use as a context manager (or call :meth:`close`); pages are loaded on first use and kept
    until the file is closed. Every PDFium call runs through :meth:`run` on the PDFium thread,
    bounded by the file's deadline (``timeout`` seconds from opening).
    """

    def __init__(self, data: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.data = data
        self.deadline = Deadline.after(timeout)
        self._lib, self.raw = load_pdfium()
        self._pages: dict[int, Any] = {}
        self._objects: dict[int, list[tuple[Any, Matrix]]] = {}

        def load() -> Any:
            try:
                return self._lib.PdfDocument(data)
            except self._lib.PdfiumError as exc:
                raise ScanError(
                    f"PDFium cannot open the PDF ({exc})", code=codes.SCAN_PDF
                ) from None

        self._document = self.run(load)
        self.page_count: int = self.run(lambda: len(self._document))

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def run(self, fn: Callable[[], _T], deadline: Deadline | None = None) -> _T:
        """``fn()`` (which may call PDFium on this file) on the PDFium thread, by ``deadline``
        (default: the file's)."""
        return run_pdfium(fn, deadline or self.deadline)

    def close(self) -> None:
        """Close the pages and the document (queued behind any PDFium work still running)."""
        pages, document = list(self._pages.values()), self._document
        self._objects.clear()
        self._pages.clear()

        def close() -> None:
            for page in pages:
                page.close()
            document.close()

        post_pdfium(close)

    def page(self, index: int) -> Any:
        """The pypdfium2 ``PdfPage`` at ``index`` (0-based); :class:`ScanError` if unreadable."""
        if index not in self._pages:

            def load() -> Any:
                try:
                    return self._document[index]
                except self._lib.PdfiumError as exc:
                    raise ScanError(
                        f"PDFium cannot load page {index + 1} ({exc})", code=codes.SCAN_PDF
                    ) from None

            self._pages[index] = self.run(load)
        return self._pages[index]

    def objects(self, index: int) -> list[tuple[Any, Matrix]]:
        """Every page object of a page in painting order, form XObjects entered depth-first (a
        form object comes before its content), each with the matrix that maps its own
        coordinates (bounds, matrix) to the page: the product of the enclosing forms' matrices."""
        if index not in self._objects:
            self._objects[index] = self.run(lambda: self._walk(index))
        return self._objects[index]

    def _walk(self, index: int) -> list[tuple[Any, Matrix]]:
        raw = self.raw
        out: list[tuple[Any, Matrix]] = []
        page = self.page(index).raw
        count = raw.FPDFPage_CountObjects(page)
        stack = [(raw.FPDFPage_GetObject(page, i), IDENTITY) for i in reversed(range(count))]
        while stack:
            obj, parent = stack.pop()
            out.append((obj, parent))
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
                inner = multiply(self.matrix(obj), parent)
                children = range(raw.FPDFFormObj_CountObjects(obj))
                stack.extend((raw.FPDFFormObj_GetObject(obj, i), inner) for i in reversed(children))
        return out

    def matrix(self, obj: Any) -> Matrix:
        """A page object's own matrix ``(a, b, c, d, e, f)`` (for text: text matrix × CTM)."""
        found = self.raw.FS_MATRIX()
        if not self.raw.FPDFPageObj_GetMatrix(obj, found):
            return IDENTITY
        return (found.a, found.b, found.c, found.d, found.e, found.f)

    def _check_images(self, index: int) -> None:
        raw = self.raw
        width, height = ctypes.c_uint(), ctypes.c_uint()
        for obj, _ in self.objects(index):
            if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE:
                continue
            if raw.FPDFImageObj_GetImagePixelSize(obj, width, height) and (
                width.value * height.value > MAX_IMAGE_PIXELS
            ):
                raise ScanError(
                    f"page {index + 1} has an image of {width.value}×{height.value} pixels, "
                    f"more than {MAX_IMAGE_PIXELS}",
                    code=codes.SCAN_IMAGE_SIZE,
                )

    def render(self, index: int, *, dpi: int, deadline: Deadline) -> Image:
        """Page ``index`` as a grayscale PIL image at ``dpi`` (lowered for oversized pages),
        annotations drawn as a viewer draws them; :class:`ScanError` past ``deadline``."""
        bound = deadline if deadline.at < self.deadline.at else self.deadline
        return self.run(lambda: self._render(index, dpi, bound), bound)

    def _render(self, index: int, dpi: int, deadline: Deadline) -> Image:
        raw = self.raw
        page = self.page(index)
        self._check_images(index)
        width_pt, height_pt = page.get_size()
        side = max(width_pt, height_pt, 1.0)
        scale = min(dpi / 72, MAX_PAGE_PIXELS_SIDE / side)
        width = max(1, min(MAX_PAGE_PIXELS_SIDE, math.ceil(width_pt * scale)))
        height = max(1, min(MAX_PAGE_PIXELS_SIDE, math.ceil(height_pt * scale)))
        bitmap = self._lib.PdfBitmap.new_native(width, height, raw.FPDFBitmap_Gray)
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
        pause = raw.IFSDK_PAUSE(version=1)
        callback = type(pause.NeedToPauseNow)(lambda _pause: deadline.passed())
        pause.NeedToPauseNow = callback
        flags = raw.FPDF_ANNOT | raw.FPDF_GRAYSCALE
        try:
            status = raw.FPDF_RenderPageBitmap_Start(
                bitmap.raw, page.raw, 0, 0, width, height, 0, flags, pause
            )
            while status == raw.FPDF_RENDER_TOBECONTINUED:
                if deadline.passed():
                    raise deadline.error()
                status = raw.FPDF_RenderPage_Continue(page.raw, pause)
        finally:
            raw.FPDF_RenderPage_Close(page.raw)
        if status != raw.FPDF_RENDER_DONE:
            raise ScanError(f"PDFium could not render page {index + 1}", code=codes.SCAN_PDF)
        image: Image = bitmap.to_pil()
        return image.copy()  # own the pixels: the bitmap buffer goes with ``bitmap``


def open_pdf(
    source: str | Path | bytes | bytearray | PdfFile, *, timeout: float = DEFAULT_TIMEOUT
) -> PdfFile:
    """``source`` opened with PDFium (bounded by :func:`read_pdf_bytes`); a :class:`PdfFile`
    is returned as it is (the caller closes what it opened)."""
    if isinstance(source, PdfFile):
        return source
    return PdfFile(read_pdf_bytes(source), timeout=timeout)


class PdfRenderer(Protocol):
    """Rasterises one page of an opened PDF (the seam a test or another engine plugs into)."""

    @property
    def name(self) -> str: ...

    def render(self, pdf: PdfFile, index: int, *, dpi: int, deadline: Deadline) -> Image: ...


class PdfiumRenderer:
    """PDFium through pypdfium2, in-process (the default renderer)."""

    name = "pdfium"

    def render(self, pdf: PdfFile, index: int, *, dpi: int, deadline: Deadline) -> Image:
        return pdf.render(index, dpi=dpi, deadline=deadline)


def _pages(
    pdf: PdfFile, renderer: PdfRenderer, dpi: int, max_pages: int, timeout: float
) -> Iterator[Image]:
    if not 36 <= dpi <= 1200 or max_pages < 1:
        raise ValueError("dpi must be within 36..1200 and max_pages at least 1")
    deadline = Deadline.after(timeout)
    for index in range(min(pdf.page_count, max_pages)):
        if deadline.passed():
            raise deadline.error()
        yield renderer.render(pdf, index, dpi=dpi, deadline=deadline)


def render_pdf(
    source: str | Path | bytes | bytearray | PdfFile,
    *,
    dpi: int = DEFAULT_DPI,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    renderer: PdfRenderer | None = None,
) -> list[Image]:
    """The first ``max_pages`` pages as grayscale PIL images at ``dpi`` (lowered for huge
    pages), all within ``timeout`` seconds."""
    pdf = open_pdf(source, timeout=timeout)
    try:
        return list(_pages(pdf, renderer or PdfiumRenderer(), dpi, max_pages, timeout))
    finally:
        if pdf is not source:
            pdf.close()


def decode_pdf(
    source: str | Path | bytes | bytearray | PdfFile,
    *,
    dpi: int = DEFAULT_DPI,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    decoders: Sequence[QrDecoder] | None = None,
    renderer: PdfRenderer | None = None,
) -> list[str]:
    """The QR texts of a PDF's first pages, page by page (distinct; may be empty).

    Pages are rendered at ``dpi`` (150 by default) and decoded one at a time; when nothing is
    found the PDF is rendered once more at 300 dpi.
    """
    chosen = tuple(decoders) if decoders is not None else default_decoders()
    if not chosen:
        raise ScanUnavailable("no QR decoder given: the PDF cannot be read")
    pdf = open_pdf(source, timeout=timeout)
    try:
        found: list[str] = []
        for resolution in dict.fromkeys((dpi, max(dpi, RETRY_DPI))):
            for page in _pages(pdf, renderer or PdfiumRenderer(), resolution, max_pages, timeout):
                found.extend(decode_image(page, decoders=chosen))
            if found:
                break
        return list(dict.fromkeys(found))
    finally:
        if pdf is not source:
            pdf.close()
