"""The Status List itself (draft-ietf-oauth-status-list-20 §4.1, §7): a packed array of statuses.

Index ``i`` lives in byte ``i * bits // 8`` at bit offset ``(i % (8 // bits)) * bits``, counted
from the least significant bit (§4.1 step 3, §11.1). The wire form is that byte array compressed
with DEFLATE in the ZLIB format (RFC 1950/1951, §4.1 step 4).

Decompression is *bounded*: :meth:`StatusList.from_compressed` inflates at most the bytes that
``max_entries`` statuses need (plus one, to detect overflow), so a zlib bomb costs a verifier a
few milliseconds and ``max_entries * bits / 8`` bytes of memory, never the bomb's full size.
"""

from __future__ import annotations

import zlib
from collections import Counter
from enum import IntEnum
from typing import Any, Final

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import b64url_encode

ALLOWED_BITS: Final = (1, 2, 4, 8)  # §4.1 step 1
#: Default ceiling on the entries a verifier inflates (2-bit: 8 MiB; 8-bit: 32 MiB).
DEFAULT_MAX_ENTRIES: Final = 1 << 25
_SHIFT = {1: 3, 2: 2, 4: 1, 8: 0}  # log2(statuses per byte)


class TokenStatus(IntEnum):
    """Registered Status Type values (§7.1). 0x03 and 0x0C-0x0F are application specific."""

    VALID = 0x00
    INVALID = 0x01
    SUSPENDED = 0x02


class StatusList:
    """A mutable list of ``size`` statuses of ``bits`` bits each.

    The size is rounded up to fill whole bytes (§13.4 RECOMMENDS size-in-bits % 8 == 0), so a
    decoded list always has ``len(raw) * 8 // bits`` entries and equality is byte equality.
    """

    __slots__ = ("_bits", "_data", "_mask", "_shift", "_size", "_value_mask")

    def __init__(self, size: int, bits: int = 2) -> None:
        _check_bits(bits)
        if type(size) is not int or size < 1:
            raise ValueError("a status list needs at least one entry")
        self._init(bytearray(-(-size * bits // 8)), bits)

    def _init(self, data: bytearray, bits: int) -> None:
        self._data = data
        self._bits = bits
        self._shift = _SHIFT[bits]
        self._mask = (1 << self._shift) - 1
        self._value_mask = (1 << bits) - 1
        self._size = len(data) << self._shift  # the byte array is never resized

    @classmethod
    def from_bytes(cls, data: bytes, bits: int) -> StatusList:
        """A list over an uncompressed byte array (copied)."""
        _check_bits(bits)
        if not data:
            raise ValueError("a status list needs at least one byte")
        self = cls.__new__(cls)
        self._init(bytearray(data), bits)
        return self

    @classmethod
    def from_compressed(
        cls, data: bytes, bits: int, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> StatusList:
        """Inflate a ZLIB-compressed list (§4.1 step 4) without ever exceeding ``max_entries``."""
        if bits not in ALLOWED_BITS or type(bits) is not int:
            raise MalformedInput(f"bits must be 1, 2, 4 or 8, not {bits!r}", code=codes.STATUS_BITS)
        max_bytes = max_entries * bits // 8
        if max_bytes < 1:
            raise ValueError("max_entries is too small for a single byte of statuses")
        inflater = zlib.decompressobj(wbits=15)  # ZLIB format only: no raw DEFLATE, no gzip
        try:
            raw = inflater.decompress(bytes(data), max_bytes + 1)
        except zlib.error as exc:
            raise MalformedInput(
                f"lst is not valid ZLIB data ({exc})", code=codes.STATUS_LST
            ) from None
        if len(raw) > max_bytes:
            raise MalformedInput(
                f"the status list inflates beyond {max_entries} entries ({max_bytes} bytes)",
                code=codes.STATUS_INFLATE_LIMIT,
            )
        if not inflater.eof:
            raise MalformedInput("lst is a truncated ZLIB stream", code=codes.STATUS_LST)
        if inflater.unused_data:
            raise MalformedInput("lst has data after the ZLIB stream", code=codes.STATUS_LST)
        if not raw:
            raise MalformedInput("lst inflates to an empty status list", code=codes.STATUS_LST)
        self = cls.__new__(cls)
        self._init(bytearray(raw), bits)
        return self

    # -- access -----------------------------------------------------------------------------------
    @property
    def bits(self) -> int:
        return self._bits

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return self._size

    def get(self, index: int) -> int:
        """The status at ``index``; :class:`IndexError` outside ``0 <= index < size``."""
        if index < 0 or index >= self._size:
            raise IndexError(f"index {index} is outside the status list (size {self.size})")
        byte = self._data[index >> self._shift]
        return (byte >> ((index & self._mask) * self._bits)) & self._value_mask

    def set(self, index: int, value: int) -> None:
        """Set the status at ``index`` (§7: the whole ``bits`` wide value describes one status)."""
        if index < 0 or index >= self._size:
            raise IndexError(f"index {index} is outside the status list (size {self.size})")
        if type(value) is bool or not isinstance(value, int) or not 0 <= value <= self._value_mask:
            raise ValueError(f"status {value!r} does not fit in {self._bits} bit(s)")
        offset = (index & self._mask) * self._bits
        position = index >> self._shift
        byte = self._data[position] & ~(self._value_mask << offset)
        self._data[position] = byte | (value << offset)

    __getitem__ = get
    __setitem__ = set

    def count(self, value: int) -> int:
        """How many entries hold ``value`` (monitoring; one C-speed pass over the bytes)."""
        per_byte = 1 << self._shift
        hits = [0] * 256  # hits[b]: how many of the slots packed in byte b equal value
        for byte in range(256):
            for slot in range(per_byte):
                hits[byte] += (byte >> (slot * self._bits)) & self._value_mask == value
        return sum(hits[byte] * n for byte, n in Counter(self._data).items())

    # -- serialization ---------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def compressed(self, level: int = 9) -> bytes:
        """ZLIB-compressed bytes; highest level by default (§4.1 step 4 RECOMMENDS it)."""
        return zlib.compress(self._data, level)

    def json_object(self, aggregation_uri: str | None = None) -> dict[str, Any]:
        """The JSON StatusList (§4.2): bits, base64url ``lst``, optional aggregation_uri."""
        return self._structure(b64url_encode(self.compressed()), aggregation_uri)

    def cbor_map(self, aggregation_uri: str | None = None) -> dict[str, Any]:
        """The CBOR StatusList (§4.3) before encoding: text keys, ``lst`` as a byte string."""
        return self._structure(self.compressed(), aggregation_uri)

    def _structure(self, lst: str | bytes, aggregation_uri: str | None) -> dict[str, Any]:
        value: dict[str, Any] = {"bits": self._bits, "lst": lst}
        if aggregation_uri is not None:
            value["aggregation_uri"] = aggregation_uri
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return self._bits == other._bits and self._data == other._data

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"StatusList(size={self.size}, bits={self._bits})"


def _check_bits(bits: int) -> None:
    if type(bits) is not int or bits not in ALLOWED_BITS:
        raise ValueError(f"bits must be 1, 2, 4 or 8, not {bits!r}")
