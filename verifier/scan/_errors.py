"""Errors of the scan layer (reading QR codes from images and PDFs)."""

from __future__ import annotations

from verifier import codes
from verifier._errors import MalformedInput


class ScanError(MalformedInput):
    """The image or PDF could not be read (``scan.image``, ``scan.image_size``, ``scan.pdf``…)."""

    default_code = codes.SCAN_INPUT


class ScanUnavailable(ScanError):
    """An optional dependency (zxing-cpp, pyzbar, Pillow, pypdfium2, pyHanko) is missing:
    the input cannot be checked here, which is not a verdict on it."""

    default_code = codes.SCAN_UNAVAILABLE
