"""Base45 (RFC 9285), strict.

Encoding: every 2 bytes ``n = a*256 + b`` become three characters ``c d e`` with
``n = c + d*45 + e*45²``; a trailing single byte becomes two characters (RFC 9285 §4). Decoding
refuses anything an encoder cannot produce (RFC 9285 §6): characters outside the 45-character
alphabet (lower case included), a length ≡ 1 (mod 3), a triplet above 65535 and a trailing pair
above 255. Every refusal is a :class:`MalformedInput` with code ``qr.base45``.
"""

from __future__ import annotations

from verifier import codes
from verifier._errors import MalformedInput

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_INVALID = 0xFF
_VALUES = bytes(_VALUE.get(chr(b), _INVALID) for b in range(256))  # byte -> digit value
_CODE = codes.QR_BASE45


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
    """RFC 9285 §4.2/§6: the bytes of a Base45 text, or :class:`MalformedInput` (``qr.base45``).

    Vectorised in C: ``bytes.translate`` maps characters to digit values (0xFF for any other
    character); the digits of all triplets are laid out as 24-bit fields of three big integers
    (first, second and third digits), so ``c + 45·d + 45²·e`` is computed for every triplet at
    once. A field cannot carry into its neighbour (at most 44·(1 + 45 + 2025) = 91124 < 2²⁴), and
    a non-zero top byte of a field is exactly a triplet above 65535.
    """
    if not isinstance(text, str):
        raise MalformedInput("Base45 input is not text", code=_CODE)
    if len(text) % 3 == 1:
        raise MalformedInput(
            f"Base45 text has an impossible length ({len(text)} ≡ 1 mod 3; RFC 9285 §4)",
            code=_CODE,
        )
    try:
        values = text.encode("ascii").translate(_VALUES)
    except UnicodeEncodeError:
        values = b"\xff"
    if _INVALID in values:
        bad = next((ch for ch in text if ch not in _VALUE), "?")
        raise MalformedInput(
            f"Base45 text has a character outside the alphabet at offset {text.find(bad)}: {bad!r}",
            code=_CODE,
        )
    full = len(values) - len(values) % 3
    triplets = full // 3
    fields = bytearray(3 * triplets)  # one 24-bit big-endian field per triplet
    fields[2::3] = values[0:full:3]
    first = int.from_bytes(fields, "big")
    fields[2::3] = values[1:full:3]
    second = int.from_bytes(fields, "big")
    fields[2::3] = values[2:full:3]
    third = int.from_bytes(fields, "big")
    numbers = (first + second * 45 + third * 2025).to_bytes(3 * triplets, "big")
    overflow = numbers[0::3]
    if overflow.count(0) != triplets:
        index = next(i for i, high in enumerate(overflow) if high)
        raise MalformedInput(
            f"Base45 triplet at offset {3 * index} decodes to a value > 65535 (RFC 9285 §6)",
            code=_CODE,
        )
    out = bytearray(2 * triplets + (full != len(values)))
    out[0 : 2 * triplets : 2] = numbers[1::3]
    out[1 : 2 * triplets : 2] = numbers[2::3]
    if full != len(values):
        n = values[full] + values[full + 1] * 45
        if n > 0xFF:
            raise MalformedInput(
                f"Base45 final pair decodes to {n} > 255 (RFC 9285 §6)", code=_CODE
            )
        out[-1] = n
    return bytes(out)


def b45decoded_size(length: int) -> int:
    """How many bytes a Base45 text of ``length`` characters decodes to (to bound work early)."""
    return length // 3 * 2 + (1 if length % 3 == 2 else 0)
