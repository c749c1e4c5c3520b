"""Base45 (RFC 9285), strict.

Encoding: every 2 bytes ``n = a*256 + b`` become three characters ``c d e`` with
``n = c + d*45 + e*45²``; a trailing single byte becomes two characters (RFC 9285 §4). Decoding
refuses anything an encoder cannot produce (RFC 9285 §6): characters outside the 45-character
alphabet (lower case included), a length ≡ 1 (mod 3), a triplet above 65535 and a trailing pair
above 255. Every refusal is a :class:`MalformedInput` with code ``qr.base45``.
"""

from __future__ import annotations

from verifier._errors import MalformedInput

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CODE = "qr.base45"


def b45encode(data: bytes) -> str:
    """RFC 9285 §4: the Base45 text of ``data``."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("b45encode() needs bytes")
    raw = bytes(data)
    out: list[str] = []
    full = len(raw) - len(raw) % 2
    for i in range(0, full, 2):
        n = raw[i] << 8 | raw[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if full != len(raw):
        e, c = divmod(raw[-1], 45)
        out += (ALPHABET[c], ALPHABET[e])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """RFC 9285 §4.2/§6: the bytes of a Base45 text, or :class:`MalformedInput` (``qr.base45``)."""
    if not isinstance(text, str):
        raise MalformedInput("Base45 input is not text", code=_CODE)
    if len(text) % 3 == 1:
        raise MalformedInput(
            f"Base45 text has an impossible length ({len(text)} ≡ 1 mod 3; RFC 9285 §4)",
            code=_CODE,
        )
    try:
        values = [_VALUE[ch] for ch in text]
    except KeyError as exc:
        bad = str(exc.args[0])
        where = text.index(bad)
        raise MalformedInput(
            f"Base45 text has a character outside the alphabet at offset {where}: {bad!r}",
            code=_CODE,
        ) from None
    out = bytearray()
    full = len(values) - len(values) % 3
    for i in range(0, full, 3):
        n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025
        if n > 0xFFFF:
            raise MalformedInput(
                f"Base45 triplet at offset {i} decodes to {n} > 65535 (RFC 9285 §6)", code=_CODE
            )
        out.append(n >> 8)
        out.append(n & 0xFF)
    if full != len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise MalformedInput(
                f"Base45 final pair decodes to {n} > 255 (RFC 9285 §6)", code=_CODE
            )
        out.append(n)
    return bytes(out)


def b45decoded_size(length: int) -> int:
    """How many bytes a Base45 text of ``length`` characters decodes to (to bound work early)."""
    return length // 3 * 2 + (1 if length % 3 == 2 else 0)
