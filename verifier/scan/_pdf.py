"""Find the QR code of a PDF: render pages with poppler's ``pdftoppm``, decode the images.

The QR is drawn as vectors, so it has to be rasterised: ``pdftoppm -r 200 -png`` in a fresh
temporary directory (removed afterwards), with a timeout, a bounded page count and a resolution
lowered for oversized pages so no page exceeds :data:`MAX_PAGE_PIXELS_SIDE` pixels. No shell is
involved, and the PDF is copied to an absolute path in that directory first (never an option).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from verifier.scan._decoders import QrDecoder, decode_image, default_decoders, load_image
from verifier.scan._errors import ScanError, ScanUnavailable

if TYPE_CHECKING:
    from PIL.Image import Image

DEFAULT_DPI = 200
RETRY_DPI = 300
DEFAULT_MAX_PAGES = 4
DEFAULT_TIMEOUT = 60.0
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PAGE_PIXELS_SIDE = 7000
_PAGE_FILE = re.compile(r"page-(\d+)\.png")


def read_pdf_bytes(source: str | Path | bytes | bytearray) -> bytes:
    """The PDF's bytes, size-checked, with a ``%PDF-`` header in the first KiB."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_PDF_BYTES:
                raise ScanError(
                    f"{path.name} is larger than {MAX_PDF_BYTES} bytes", code="scan.pdf"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ScanError(f"cannot read {path}: {exc.strerror}", code="scan.pdf") from None
    if len(data) > MAX_PDF_BYTES:
        raise ScanError(f"the PDF is larger than {MAX_PDF_BYTES} bytes", code="scan.pdf")
    if b"%PDF-" not in data[:1024]:
        raise ScanError("not a PDF (no %PDF- header)", code="scan.pdf")
    return data


def _largest_page_side(data: bytes, max_pages: int) -> float:
    """The longest page side in points among the first pages (72 if pypdf cannot tell)."""
    try:
        import io

        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        sides = [
            max(float(page.mediabox.width), float(page.mediabox.height))
            for page in list(reader.pages)[:max_pages]
        ]
    except Exception:  # pypdf missing or a PDF it cannot read: pdftoppm will tell
        return 72.0
    return max(sides, default=72.0)


def render_pdf(
    source: str | Path | bytes | bytearray,
    *,
    dpi: int = DEFAULT_DPI,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    pdftoppm: str = "pdftoppm",
) -> list[Image]:
    """The first ``max_pages`` pages as PIL images at ``dpi`` (lowered for huge pages)."""
    if not 36 <= dpi <= 1200 or max_pages < 1:
        raise ValueError("dpi must be within 36..1200 and max_pages at least 1")
    data = read_pdf_bytes(source)
    executable = shutil.which(pdftoppm)
    if executable is None:
        raise ScanUnavailable("pdftoppm (poppler-utils) is not installed")
    side = _largest_page_side(data, max_pages)
    dpi = max(36, min(dpi, int(MAX_PAGE_PIXELS_SIDE * 72 / max(side, 1.0))))
    with tempfile.TemporaryDirectory(prefix="civicred-pdf-") as tmp:
        folder = Path(tmp)
        pdf_path = folder / "input.pdf"
        pdf_path.write_bytes(data)
        command = [executable, "-r", str(dpi), "-png", "-f", "1", "-l", str(max_pages)]
        command += [str(pdf_path), str(folder / "page")]
        try:
            done = subprocess.run(  # noqa: S603 - fixed executable, no shell, our own paths
                command, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ScanError(
                f"rendering the PDF took more than {timeout:g} s", code="scan.pdf"
            ) from None
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise ScanError(
                f"pdftoppm could not render the PDF: {reason[0][:200]}", code="scan.pdf"
            )
        pages = sorted(
            (int(m.group(1)), p) for p in folder.iterdir() if (m := _PAGE_FILE.fullmatch(p.name))
        )
        return [load_image(path.read_bytes()) for _, path in pages]


def decode_pdf(
    source: str | Path | bytes | bytearray,
    *,
    dpi: int = DEFAULT_DPI,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    decoders: Sequence[QrDecoder] | None = None,
) -> list[str]:
    """The QR texts of a PDF's first pages, page by page (distinct; may be empty).

    Pages are rendered at ``dpi`` (200 by default); when nothing is found the PDF is rendered
    once more at 300 dpi.
    """
    chosen = tuple(decoders) if decoders is not None else default_decoders()
    data = read_pdf_bytes(source)
    found: list[str] = []
    for resolution in dict.fromkeys((dpi, max(dpi, RETRY_DPI))):
        for page in render_pdf(data, dpi=resolution, max_pages=max_pages, timeout=timeout):
            found.extend(decode_image(page, decoders=chosen))
        if found:
            break
    return list(dict.fromkeys(found))
