"""What kind of input the user gave: the CLI's ``civicred verify FILE|TEXT`` dispatches on it.

Stdlib only (no optional dependency), so detecting never needs the ``scan`` extra. Binary
formats are recognised by their magic bytes; text by its alphabet: a QR text of ours is Base45
(RFC 9285: ``0-9 A-Z``, space and ``$%*+-./:``), a compact JWS is base64url with two dots, an
SD-JWT has ``~`` separators, and its JSON serialization is a JSON object.

A file that is more than one type is :attr:`InputKind.AMBIGUOUS`: an image (magic at offset 0)
with ``%PDF-`` anywhere in it — a PNG chunk, JPEG trailing data — is also a PDF to a PDF reader
(readers search for the header beyond the first KiB, and for the trailer from the end). Verifying
it as an image would skip every PDF check while a PDF viewer shows another page, so it is
refused (``input.ambiguous``). A file starting with ``%PDF-`` is a PDF: image readers need their
magic at offset 0 (a PDF that is also a ZIP is out of scope). The price is that an image whose
bytes happen to contain ``%PDF-`` is refused too (about 2⁻⁴⁰ per byte of compressed data).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum

from verifier.qr import BASE45_ALPHABET as _BASE45_ALPHABET


class InputKind(StrEnum):
    SD_JWT = "sd-jwt"  # compact SD-JWT or SD-JWT+KB (``~``-separated)
    SD_JWT_JSON = "sd-jwt-json"  # JWS JSON serialization (RFC 9901 §8)
    JWS = "jws"  # a bare compact JWS (e.g. the JWT inside a QR)
    QR_TEXT = "qr-text"  # Base45(zlib(JWS)) as read from a QR code
    PNG = "png"
    JPEG = "jpeg"
    IMAGE = "image"  # another raster format PIL reads (GIF, BMP, TIFF, WebP)
    PDF = "pdf"
    AMBIGUOUS = "ambiguous"  # an image that is also a PDF (a polyglot): refused, input.ambiguous
    UNKNOWN = "unknown"


_MAGIC: tuple[tuple[bytes, InputKind], ...] = (
    (b"\x89PNG\r\n\x1a\n", InputKind.PNG),
    (b"\xff\xd8\xff", InputKind.JPEG),
    (b"GIF87a", InputKind.IMAGE),
    (b"GIF89a", InputKind.IMAGE),
    (b"BM", InputKind.IMAGE),
    (b"II*\x00", InputKind.IMAGE),
    (b"MM\x00*", InputKind.IMAGE),
)
_IMAGE_NAMES = {InputKind.PNG: "a PNG image", InputKind.JPEG: "a JPEG image"}
PDF_HEADER = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # ISO 32000-1 §7.5.2: readers accept the header within the first 1 KiB
_BASE45 = frozenset(_BASE45_ALPHABET) | frozenset("\r\n\t")
_B64URL = r"[A-Za-z0-9_-]"
_JWS = re.compile(rf"eyJ{_B64URL}*\.{_B64URL}*\.{_B64URL}*", re.ASCII)
_SD_JWT = re.compile(rf"eyJ{_B64URL}*\.{_B64URL}*\.{_B64URL}*~[A-Za-z0-9_~.-]*", re.ASCII)
_MAX_TEXT_PROBE = 1 << 20


def detect_input(data: bytes | str) -> InputKind:
    """Classify ``data`` (file content or pasted text); never raises, never decodes fully."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data[:_MAX_TEXT_PROBE])
        kind = _binary_kind(raw, bytes(data))
        if kind is not None:
            return kind
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return InputKind.UNKNOWN
    elif isinstance(data, str):
        if data[:_PDF_HEADER_WINDOW].lstrip().startswith("%PDF-"):
            return InputKind.PDF
        text = data[:_MAX_TEXT_PROBE]
    else:
        return InputKind.UNKNOWN
    return _text_kind(text)


def image_kind(raw: bytes) -> InputKind | None:
    """The image kind named by the magic bytes at offset 0, if any."""
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return InputKind.IMAGE
    return None


def _binary_kind(raw: bytes, whole: bytes) -> InputKind | None:
    image = image_kind(raw)
    if image is not None:
        return InputKind.AMBIGUOUS if ambiguity(whole) else image
    if PDF_HEADER in raw[:_PDF_HEADER_WINDOW]:
        return InputKind.PDF
    return None


def ambiguity(data: bytes) -> str | None:
    """Why ``data`` is more than one type (an image that is also a PDF), else ``None``."""
    image = image_kind(data[:16])
    at = data.find(PDF_HEADER) if image is not None else -1
    if image is None or at < 0:
        return None
    name = _IMAGE_NAMES.get(image, "an image")
    return (
        f"the file is both {name} and a PDF (a %PDF- header at byte {at}): "
        "a viewer may show either, so it is not verified"
    )


def _text_kind(text: str) -> InputKind:
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        return InputKind.UNKNOWN
    if stripped.startswith("{"):
        return InputKind.SD_JWT_JSON if _is_jws_json(stripped) else InputKind.UNKNOWN
    if "~" in stripped and _SD_JWT.fullmatch(stripped):
        return InputKind.SD_JWT
    if _JWS.fullmatch(stripped):
        return InputKind.JWS
    if all(ch in _BASE45 for ch in stripped):
        return InputKind.QR_TEXT
    return InputKind.UNKNOWN


def _is_jws_json(text: str) -> bool:
    """A JWS JSON serialization (RFC 7515 §7.2): ``payload`` and ``signature(s)`` members."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return (
        isinstance(value, dict)
        and "payload" in value
        and bool({"signature", "signatures"} & value.keys())
    )
