"""QR decoding from images: one :class:`QrDecoder` interface, zxing-cpp first, pyzbar second.

Both libraries are optional (the ``scan`` extra) and imported when a decoder is built. An image
that neither reads as is gets simple retries (grayscale + autocontrast, Otsu binarization,
upscale ×2, the same sharpened, upscale ×3 for small images, median filter, downscale), each
variant made only when the previous ones failed.
Images are bounded before decoding (bytes and pixels: no decompression bombs).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from verifier import codes
from verifier.scan._errors import ScanError, ScanUnavailable

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_IMAGE_BYTES = 40 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
_UPSCALE_LIMIT = 3000  # longest side below which an upscale ×2 is tried
_UPSCALE3_LIMIT = 1200  # longest side below which an upscale ×3 is tried


class QrDecoder(Protocol):
    """Decodes every QR code of an image into its text (empty list: none found)."""

    @property
    def name(self) -> str: ...

    def decode(self, image: Image) -> list[str]: ...


class ZxingDecoder:
    """zxing-cpp: fast, robust to rotation, blur and perspective (the primary decoder)."""

    name = "zxing-cpp"

    def __init__(self) -> None:
        try:
            import zxingcpp
        except ImportError as exc:
            raise ScanUnavailable("zxing-cpp is not installed (civicred[scan])") from exc
        self._zxing = zxingcpp

    def decode(self, image: Image) -> list[str]:
        zx = self._zxing
        results = zx.read_barcodes(
            image,
            # QR Model 2 only (EHIC PDF QR PoC v0.5 §3): the QR family would also report
            # Micro QR symbols, which a page's glyphs can mimic (seen: a spurious "9346").
            formats=zx.BarcodeFormat.QRCodeModel2,
            try_rotate=True,
            try_downscale=True,
            try_invert=True,
            text_mode=zx.TextMode.Plain,
        )
        return [r.text for r in results if r.valid and r.text]


class PyzbarDecoder:
    """pyzbar (libzbar0): an independent second opinion (the fallback decoder)."""

    name = "pyzbar"

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except ImportError as exc:  # the module, or the libzbar shared library
            raise ScanUnavailable("pyzbar/libzbar0 is not installed (civicred[scan])") from exc
        self._pyzbar: Any = pyzbar

    def decode(self, image: Image) -> list[str]:
        zbar = self._pyzbar
        results = zbar.decode(_gray(image), symbols=[zbar.ZBarSymbol.QRCODE])
        return [r.data.decode("utf-8", "replace") for r in results if r.data]


_INSTALLED: list[tuple[QrDecoder, ...]] = []  # found once per process (see default_decoders)


def default_decoders() -> tuple[QrDecoder, ...]:
    """Every decoder installed, zxing-cpp first; :class:`ScanUnavailable` if none is.

    Looked up once per process: a failed import is not cached by Python, and pyzbar looks for
    libzbar with ``ctypes.util.find_library`` (a subprocess), which cost ~25 ms per document on
    a machine without it. The decoders are stateless, so one set serves every call."""
    if not _INSTALLED:
        decoders: list[QrDecoder] = []
        for factory in (ZxingDecoder, PyzbarDecoder):
            try:
                decoders.append(factory())
            except ScanUnavailable:
                continue
        if not decoders:
            raise ScanUnavailable("no QR decoder installed: install civicred[scan]")
        _INSTALLED.append(tuple(decoders))
    return _INSTALLED[0]


def _pil() -> Any:
    try:
        from PIL import Image, ImageFilter, ImageOps
    except ImportError as exc:
        raise ScanUnavailable("Pillow is not installed (civicred[scan])") from exc
    return Image, ImageFilter, ImageOps


def load_image(source: str | Path | bytes | bytearray | Image) -> Image:
    """A decoded, size-checked PIL image (EXIF orientation applied), or :class:`ScanError`."""
    pil, _, ops = _pil()
    if isinstance(source, str | Path | bytes | bytearray):
        image = _open(pil, read_image_bytes(source))
    else:
        image = source
    if image.width * image.height > MAX_IMAGE_PIXELS:
        raise ScanError("the image is too large", code=codes.SCAN_IMAGE_SIZE)
    try:
        transposed: Image = ops.exif_transpose(image)
    except (OSError, ValueError, KeyError, TypeError, ArithmeticError):
        transposed = image  # a corrupt EXIF orientation: decode the image as it is
    return transposed


def _open(pil: Any, data: bytes) -> Image:
    try:
        image: Image = pil.open(io.BytesIO(data))
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ScanError(
                f"the image has {image.width}×{image.height} pixels, more than {MAX_IMAGE_PIXELS}",
                code=codes.SCAN_IMAGE_SIZE,
            )
        image.load()
    except ScanError:
        raise
    except pil.DecompressionBombError:
        raise ScanError("the image declares too many pixels", code=codes.SCAN_IMAGE_SIZE) from None
    except Exception as exc:  # PIL raises many types on hostile input
        raise ScanError(
            f"not a readable image ({type(exc).__name__})", code=codes.SCAN_IMAGE
        ) from None
    return image


def read_image_bytes(source: str | Path | bytes | bytearray) -> bytes:
    """An image file's bytes, size-checked (:class:`ScanError` ``scan.image``/``scan.image_size``)."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_IMAGE_BYTES:
                raise ScanError(
                    f"{path.name} is larger than {MAX_IMAGE_BYTES} bytes",
                    code=codes.SCAN_IMAGE_SIZE,
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ScanError(f"cannot read {path}: {exc.strerror}", code=codes.SCAN_IMAGE) from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ScanError(
            f"the image is larger than {MAX_IMAGE_BYTES} bytes", code=codes.SCAN_IMAGE_SIZE
        )
    return data


def _gray(image: Image) -> Image:
    return image if image.mode == "L" else image.convert("L")


def _otsu(image: Image) -> int:
    """Otsu's threshold over the 256-bin histogram of a grayscale image."""
    histogram = image.histogram()[:256]
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, threshold, background, weight_b = -1.0, 128, 0.0, 0
    for level, count in enumerate(histogram):
        weight_b += count
        if weight_b == 0 or weight_b == total:
            continue
        background += level * count
        mean_b = background / weight_b
        mean_f = (weighted - background) / (total - weight_b)
        between = weight_b * (total - weight_b) * (mean_b - mean_f) ** 2
        if between > best:
            best, threshold = between, level
    return threshold


def variants(image: Image) -> Iterator[tuple[str, Image]]:
    """The image, then the preprocessing retries, each built lazily."""
    pil, flt, ops = _pil()
    yield "original", image
    gray = ops.autocontrast(_gray(image), cutoff=1)
    yield "autocontrast", gray
    threshold = _otsu(gray)
    yield "binarized", gray.point(lambda v: 255 if v > threshold else 0)
    if max(gray.size) <= _UPSCALE_LIMIT:
        big = gray.resize((gray.width * 2, gray.height * 2), pil.Resampling.LANCZOS)
        yield "upscaled", big
        # Blur and small modules (3 px at 150 dpi): unsharp masking on the ×2 image restores
        # module edges that binarisation alone cannot.
        yield "upscaled+sharpened", big.filter(flt.UnsharpMask(radius=4, percent=250, threshold=0))
    if max(gray.size) <= _UPSCALE3_LIMIT:  # a small image (a far photo, a thumbnail): ×3
        yield "upscaled×3", gray.resize((gray.width * 3, gray.height * 3), pil.Resampling.LANCZOS)
    smooth = gray.filter(flt.MedianFilter(5))
    level = _otsu(smooth)
    yield "median+binarized", smooth.point(lambda v: 255 if v > level else 0)
    if max(gray.size) > 1200:
        yield "downscaled", gray.reduce(2)


def decode_image(
    source: str | Path | bytes | bytearray | Image,
    *,
    decoders: Sequence[QrDecoder] | None = None,
    retries: bool = True,
    on_decoded: Callable[[str, str], None] | None = None,
) -> list[str]:
    """The texts of the QR codes in an image (distinct, in the order found; may be empty).

    Each decoder is tried on the image as is, then (``retries``) on each preprocessing variant
    in turn; the first variant where a decoder finds something wins. ``on_decoded(decoder,
    variant)`` reports which one did (benchmarks, logs).
    """
    chosen = tuple(decoders) if decoders is not None else default_decoders()
    if not chosen:
        raise ScanUnavailable("no QR decoder given: the image cannot be read")
    image = load_image(source)
    for variant, candidate in variants(image) if retries else iter([("original", image)]):
        for decoder in chosen:
            try:
                texts = decoder.decode(candidate)
            except Exception:  # noqa: S112 - a decoder crash on odd pixels: try the next one
                continue
            if texts:
                if on_decoded is not None:
                    on_decoded(decoder.name, variant)
                return list(dict.fromkeys(texts))
    return []
