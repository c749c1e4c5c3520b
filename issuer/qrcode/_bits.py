"""Data codewords of one alphanumeric-mode or one byte-mode segment (ISO/IEC 18004:2015 §7.4).

Bit stream: mode indicator 0010 (Table 2), character count indicator (Table 3: 9/11/13 bits),
the characters two by two as 45·a + b in 11 bits and a last odd one in 6 bits (§7.4.5), the
terminator of up to four 0 bits (§7.4.9), 0 bits up to the codeword boundary, then the pad
codewords 11101100 and 00010001 alternately up to the capacity (§7.4.10).

Byte mode (§7.4.6, for URLs such as credential offers, whose lowercase letters alphanumeric mode
lacks): mode indicator 0100, an 8-bit count up to version 9 and 16 bits above (Table 3), then the
bytes, 8 bits each; terminator and padding as above.
"""

from __future__ import annotations

from operator import add

from issuer.qrcode._tables import MAX_VERSION, byte_count_bits, char_count_bits, data_codewords

#: The 45 characters of alphanumeric mode, in value order (§7.4.5, Table 5).
ALPHANUMERIC_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 0xFF
_VALUE_OF_BYTE = bytes(
    ALPHANUMERIC_CHARS.find(chr(byte)) if chr(byte) in ALPHANUMERIC_CHARS else _INVALID
    for byte in range(256)
)
_MODE_ALPHANUMERIC = 0b0010  # Table 2
_MODE_BYTE = 0b0100
_TERMINATOR_BITS = 4  # §7.4.9
_PAD_CODEWORDS = b"\xec\x11"  # §7.4.10
_PAIR_BITS = tuple(format(value, "011b") for value in range(45 * 45))  # 11-bit pair codes


class DataOverflow(ValueError):
    """The text does not fit the requested (or any) QR version at that error correction level."""


def alphanumeric_values(text: str) -> bytes:
    """Character values 0..44 (Table 5); ``ValueError`` for a character outside the set."""
    try:
        values = text.encode("ascii").translate(_VALUE_OF_BYTE)
    except UnicodeEncodeError:
        values = bytes([_INVALID])
    if _INVALID in values:
        bad = sorted({char for char in text if char not in ALPHANUMERIC_CHARS})
        raise ValueError(f"not in the QR alphanumeric character set: {bad!r}")
    return values


def segment_bit_length(length: int, version: int) -> int:
    """Bits of one alphanumeric segment of ``length`` characters, header included (§7.4.5)."""
    return 4 + char_count_bits(version) + 11 * (length // 2) + 6 * (length % 2)


def fits(length: int, version: int, ecc: str) -> bool:
    return (
        length < 1 << char_count_bits(version)  # the count must fit its indicator
        and segment_bit_length(length, version) <= 8 * data_codewords(version, ecc)
    )


def smallest_version(length: int, ecc: str) -> int:
    """The smallest version holding ``length`` alphanumeric characters at level ``ecc``."""
    for version in range(1, MAX_VERSION + 1):
        if fits(length, version, ecc):
            return version
    raise DataOverflow(f"{length} alphanumeric characters fit no QR version at level {ecc}")


def data_codewords_of(values: bytes, version: int, ecc: str) -> bytes:
    """The data codewords (bit stream, terminator, padding) of one alphanumeric segment."""
    length = len(values)
    if not fits(length, version, ecc):
        raise DataOverflow(f"{length} alphanumeric characters do not fit version {version}-{ecc}")
    capacity = 8 * data_codewords(version, ecc)
    count_bits = char_count_bits(version)
    header = format((_MODE_ALPHANUMERIC << count_bits) | length, f"0{4 + count_bits}b")
    pair_values = map(add, map((45).__mul__, values[0::2]), values[1::2])  # stops at the last pair
    last = [format(values[-1], "06b")] if length % 2 else []  # an odd last character is alone
    text_bits = "".join([header, *map(_PAIR_BITS.__getitem__, pair_values), *last])
    return _terminated_and_padded(text_bits, capacity)


def byte_fits(length: int, version: int, ecc: str) -> bool:
    count_bits = byte_count_bits(version)
    return length < 1 << count_bits and 4 + count_bits + 8 * length <= 8 * data_codewords(
        version, ecc
    )


def smallest_byte_version(length: int, ecc: str) -> int:
    for version in range(1, MAX_VERSION + 1):
        if byte_fits(length, version, ecc):
            return version
    raise DataOverflow(f"{length} bytes fit no QR version at level {ecc}")


def byte_codewords_of(data: bytes, version: int, ecc: str) -> bytes:
    """The data codewords of one byte-mode segment (§7.4.6)."""
    if not byte_fits(len(data), version, ecc):
        raise DataOverflow(f"{len(data)} bytes do not fit version {version}-{ecc}")
    count_bits = byte_count_bits(version)
    header = format((_MODE_BYTE << count_bits) | len(data), f"0{4 + count_bits}b")
    text_bits = header + "".join(format(byte, "08b") for byte in data)
    return _terminated_and_padded(text_bits, 8 * data_codewords(version, ecc))


def _terminated_and_padded(text_bits: str, capacity: int) -> bytes:
    """§7.4.9 terminator, 0 bits to the codeword boundary, §7.4.10 pad codewords."""
    bits = len(text_bits)
    stream = int(text_bits, 2)
    terminator = min(_TERMINATOR_BITS, capacity - bits)
    bits += terminator
    boundary = -bits % 8  # 0 bits only if the stream does not end on a codeword boundary
    stream <<= terminator + boundary
    bits += boundary
    data = stream.to_bytes(bits // 8, "big")
    missing = capacity // 8 - len(data)
    return data + _PAD_CODEWORDS * (missing // 2) + _PAD_CODEWORDS[: missing % 2]
