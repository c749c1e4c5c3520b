"""A small QR Code Model 2 encoder: one alphanumeric-mode (or byte-mode) segment, ISO/IEC
18004:2015.

Our QR texts are Base45 (RFC 9285), exactly the QR alphanumeric character set, so this is all
the documents need: the smallest version at the requested error correction level and the mask
with the lowest penalty, in about 0.5 ms for a version 15 symbol (segno: ≈ 30 ms, its mask
search is per-module Python; ours scores whole bit planes). Tested module for module against
segno (tests/documents/test_qr_encoder.py; docs/documents.md, "QR encoder", for the two points
where segno departs from the standard).

    >>> code = encode_alphanumeric("HELLO WORLD", "Q")
    >>> code.version, code.size, code.mask
    (1, 21, 1)
"""

from __future__ import annotations

from issuer.qrcode._bits import ALPHANUMERIC_CHARS, DataOverflow
from issuer.qrcode._encoder import QrCode, encode_alphanumeric, encode_bytes

__all__ = ["ALPHANUMERIC_CHARS", "DataOverflow", "QrCode", "encode_alphanumeric", "encode_bytes"]
