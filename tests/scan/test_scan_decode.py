"""Decoding QR codes from images and PDFs rendered with PDFium (zxing-cpp, pyzbar where libzbar0
is installed, preprocessing retries)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image, ImageFilter

from verifier.qr import CIVICRED_SSH_SID, EESSI_PRC_SID
from verifier.scan import (
    PyzbarDecoder,
    ScanError,
    ScanUnavailable,
    ZxingDecoder,
    decode_image,
    decode_pdf,
    default_decoders,
    render_pdf,
)

from ._corpus import LATIN_1_4, QrIssuer, document_pdf, worst_case
from .conftest import ZBAR_MISSING, needs_zbar


def _png(text: str, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="l", mode="alphanumeric", micro=False).save(
        buffer, kind="png", scale=scale
    )
    return buffer.getvalue()


def test_default_decoders_start_with_zxing() -> None:
    assert [d.name for d in default_decoders()][:1] == ["zxing-cpp"]


@needs_zbar
def test_default_decoders_are_zxing_then_pyzbar() -> None:
    assert [d.name for d in default_decoders()] == ["zxing-cpp", "pyzbar"]


@pytest.mark.parametrize("decoder", [ZxingDecoder, pytest.param(PyzbarDecoder, marks=needs_zbar)])
def test_each_decoder_reads_a_png_from_bytes_path_and_pil(
    decoder: Any, prc_text: str, tmp_path: Path
) -> None:
    png = _png(prc_text)
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    for source in (png, bytearray(png), path, str(path), Image.open(io.BytesIO(png))):
        assert decode_image(source, decoders=[decoder()]) == [prc_text]


def test_no_qr_and_unreadable_images() -> None:
    blank = Image.new("RGB", (400, 300), "white")
    assert decode_image(blank) == []
    with pytest.raises(ScanError) as info:
        decode_image(b"\x89PNG\r\n\x1a\nnot really")
    assert info.value.code == "scan.image"
    with pytest.raises(ScanError) as info:
        decode_image(Path("/nonexistent/qr.png"))
    assert info.value.code == "scan.image"


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(ScanError) as info:
        decode_image(_png_header_only(60_000, 60_000))
    assert info.value.code == "scan.image_size"


class OnlyBinarized:
    """A decoder that only reads pure black/white images: proves the retries run in order."""

    name = "only-binarized"

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: list[str] = []

    def decode(self, image: Any) -> list[str]:
        self.seen.append(image.mode)
        colors = image.getcolors(2) if image.mode == "L" else None
        return [self.text] if colors is not None and len(colors) <= 2 else []


class NoRenderer:
    """A renderer whose engine is not installed."""

    name = "none"

    def render(self, pdf: Any, index: int, **kwargs: Any) -> Any:
        raise ScanUnavailable("no PDF renderer installed")


class Crashing:
    name = "crashing"

    def decode(self, image: Any) -> list[str]:
        raise RuntimeError("decoder bug")


def test_preprocessing_retries_and_the_decoder_callback(prc_text: str) -> None:
    photo = Image.open(io.BytesIO(_png(prc_text))).convert("RGB").filter(ImageFilter.BLUR)
    stub = OnlyBinarized("found")
    used: list[tuple[str, str]] = []
    result = decode_image(
        photo, decoders=[Crashing(), stub], on_decoded=lambda d, v: used.append((d, v))
    )
    assert result == ["found"]
    assert used == [("only-binarized", "binarized")]
    assert stub.seen[0] == "RGB"  # the original first
    assert decode_image(photo, decoders=[stub], retries=False) == []


def test_decode_pdf_finds_the_qr_and_cleans_up(
    prc_pdf: bytes, prc_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"  # this test's own temp root: other workers use the system one
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert decode_pdf(prc_pdf) == [prc_text]
    path = tmp_path / "doc.pdf"
    path.write_bytes(prc_pdf)
    assert decode_pdf(path, dpi=150) == [prc_text]
    assert list(scratch.iterdir()) == []  # the rendering folders are gone


def test_decode_pdf_bounds_and_failures(prc_pdf: bytes, prc_text: str) -> None:
    from reportlab.pdfgen import canvas

    from ._corpus import draw_qr

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    for _ in range(2):
        pdf.drawString(72, 720, "cover page")
        pdf.showPage()
    draw_qr(pdf, prc_text, x=72, y=300, size=170)
    pdf.showPage()
    pdf.save()
    three_pages = buffer.getvalue()
    assert decode_pdf(three_pages, max_pages=2) == []
    assert decode_pdf(three_pages, max_pages=3) == [prc_text]
    for bad, code in ((b"hello", "scan.pdf"), (b"%PDF-1.4\ngarbage\n", "scan.pdf")):
        with pytest.raises(ScanError) as info:
            decode_pdf(bad)
        assert info.value.code == code
    with pytest.raises(ScanUnavailable):
        decode_pdf(prc_pdf, renderer=NoRenderer())
    with pytest.raises(ValueError):
        render_pdf(prc_pdf, dpi=5000)


def test_the_worst_case_document_decodes_at_150_dpi(qr_issuer: QrIssuer) -> None:
    """Longest names, all Latin-1..4 letters (two windows cover the repertoire): version 17-L."""
    covered: set[str] = set()
    for sid, window in ((EESSI_PRC_SID, 0), (EESSI_PRC_SID, 96), (CIVICRED_SSH_SID, 40)):
        payload = worst_case(sid, window)
        body = payload["ssh" if sid == CIVICRED_SSH_SID else "prc"]
        covered |= set(body["fn"] + body["gn"] + body.get("in", ""))
        text = qr_issuer.issue(payload)
        pdf = document_pdf(payload, text)
        (page,) = render_pdf(pdf, dpi=150)
        assert decode_image(page, decoders=[ZxingDecoder()]) == [text], (sid, window)
        if ZBAR_MISSING is None:
            pair = [ZxingDecoder(), PyzbarDecoder()]
            assert decode_image(page, decoders=pair) == [text], (sid, window)
    assert covered >= set(LATIN_1_4)


def test_importing_the_verifier_stays_light() -> None:
    code = (
        "import sys, verifier, verifier.qr, verifier.scan, verifier.pdf, verifier.inputs\n"
        "heavy = [m for m in ('PIL', 'zxingcpp', 'pyzbar', 'pypdf', 'pypdfium2', 'pyhanko',"
        " 'reportlab')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _raw_pdf(content: bytes, *, media: str = "0 0 595 842", resources: bytes = b"<<>>") -> bytes:
    """A one-page PDF written by hand (offsets computed), for inputs a writer would not make."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + media.encode() + b"] /Contents 4 0 R"
        b" /Resources " + resources + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_rendering_bounds_hold_on_hostile_pages() -> None:
    from verifier.scan import MAX_PAGE_PIXELS_SIDE

    # A 200 × 200 inch page at 300 dpi would be 60 000 px a side: the resolution is lowered.
    (huge,) = render_pdf(_raw_pdf(b"0 0 1 1 re f", media="0 0 14400 14400"), dpi=300)
    assert max(huge.size) <= MAX_PAGE_PIXELS_SIDE
    # An image that declares 40 000 × 40 000 pixels is refused before PDFium decodes it.
    image = b"<< /XObject << /Im 5 0 R >> >>"
    bomb = _raw_pdf(b"q 100 0 0 100 0 0 cm /Im Do Q", resources=image).replace(
        b"trailer",
        b"5 0 obj\n<< /Type /XObject /Subtype /Image /Width 40000 /Height 40000"
        b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 0 >>\nstream\n\nendstream\n"
        b"endobj\ntrailer",
    )
    with pytest.raises(ScanError) as info:
        render_pdf(bomb)
    assert info.value.code == "scan.image_size"
    # 200 000 operators from a 1 KiB Flate stream: loading the page alone keeps PDFium busy for
    # far longer than the budget, and the call still returns on time.
    import time
    import zlib

    content = zlib.compress(b"0 0 1 1 re f\n" * 200_000, 9)
    busy = _raw_pdf(content).replace(b"<< /Length", b"<< /Filter /FlateDecode /Length")
    started = time.monotonic()
    with pytest.raises(ScanError, match=r"took more than 0\.05 s"):
        render_pdf(busy, dpi=72, timeout=0.05)
    assert time.monotonic() - started < 0.5
