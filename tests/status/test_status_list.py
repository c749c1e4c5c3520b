"""StatusList: §4.1 packing, bounds, and bounded inflation (zlib bombs, truncation, garbage)."""

from __future__ import annotations

import tracemalloc
import zlib

import pytest

from verifier import MalformedInput
from verifier.status import DEFAULT_MAX_ENTRIES, StatusList, TokenStatus

GIB = 1 << 30


def zlib_bomb(total: int = GIB, chunk: int = 1 << 20) -> bytes:
    """A valid ZLIB stream of ``total`` zero bytes, built without ever holding them.

    After a full flush DEFLATE forgets its history, so every full-flushed chunk of zeros
    compresses to the same bytes: compress two, repeat the second, patch in the Adler-32 of
    ``total`` zeros (a = 1, b = total mod 65521).
    """
    deflater = zlib.compressobj(9)
    zeros = bytes(chunk)
    head = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    body = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    tail = deflater.flush()[:-4]
    adler = ((total % 65521) << 16) | 1
    return head + body * (total // chunk - 1) + tail + adler.to_bytes(4, "big")


def test_draft_section_4_1_examples() -> None:
    one = StatusList(16, bits=1)
    for i, v in enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]):
        one.set(i, v)
    assert one.to_bytes() == bytes.fromhex("b9a3")
    assert one.compressed() == bytes.fromhex("78dadbb918000217015d")
    two = StatusList(12, bits=2)
    for i, v in enumerate([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]):
        two[i] = v
    assert two.to_bytes() == bytes.fromhex("c944f9")
    assert two.compressed() == bytes.fromhex("78da3be9f2130003df0207")
    assert two.json_object() == {"bits": 2, "lst": "eNo76fITAAPfAgc"}


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_get_set_every_slot(bits: int) -> None:
    size = 3 * (8 // bits)
    status_list = StatusList(size, bits)
    top = (1 << bits) - 1
    for i in range(size):
        status_list.set(i, (i * 7 + 1) & top)
    assert [status_list.get(i) for i in range(size)] == [(i * 7 + 1) & top for i in range(size)]
    status_list.set(1, 0)
    assert status_list.get(1) == 0 and status_list.get(0) == 1 & top
    assert StatusList.from_bytes(status_list.to_bytes(), bits) == status_list


def test_size_is_rounded_up_to_whole_bytes() -> None:
    assert StatusList(12, bits=1).size == 16
    assert len(StatusList(1, bits=2)) == 4
    assert StatusList(10, bits=8).size == 10


def test_bounds_and_values() -> None:
    status_list = StatusList(8, bits=2)
    for index in (-1, 8, 10**20):
        with pytest.raises(IndexError):
            status_list.get(index)
        with pytest.raises(IndexError):
            status_list.set(index, 0)
    for value in (4, -1, True, 1.0, "1"):
        with pytest.raises(ValueError):
            status_list.set(0, value)  # type: ignore[arg-type]
    status_list.set(0, TokenStatus.SUSPENDED)
    assert status_list.get(0) == TokenStatus.SUSPENDED


@pytest.mark.parametrize("bits", [0, 3, 5, 16, True, 2.0])
def test_bits_must_be_1_2_4_8(bits: object) -> None:
    with pytest.raises(ValueError):
        StatusList(8, bits)  # type: ignore[arg-type]
    with pytest.raises(MalformedInput) as info:
        StatusList.from_compressed(zlib.compress(b"\x00"), bits)  # type: ignore[arg-type]
    assert info.value.code == "status.bits"


def test_count() -> None:
    status_list = StatusList(1000, bits=2)
    for i in range(0, 1000, 10):
        status_list.set(i, TokenStatus.INVALID)
    status_list.set(1, TokenStatus.SUSPENDED)
    assert status_list.count(TokenStatus.INVALID) == 100
    assert status_list.count(TokenStatus.SUSPENDED) == 1
    assert status_list.count(TokenStatus.VALID) == 899


def test_round_trip_compressed() -> None:
    status_list = StatusList(100_000, bits=4)
    status_list.set(99_999, 15)
    decoded = StatusList.from_compressed(status_list.compressed(), 4)
    assert decoded == status_list and decoded.get(99_999) == 15


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (zlib.compress(bytes(100))[:-3], "status.lst"),  # truncated (adler cut)
        (zlib.compress(bytes(100))[:6], "status.lst"),  # truncated mid-stream
        (zlib.compress(bytes(100)) + b"x", "status.lst"),  # trailing garbage
        (zlib.compress(b""), "status.lst"),  # empty list
        (b"", "status.lst"),
        (b"not zlib", "status.lst"),
        (bytes(zlib.compress(bytes(100))[:-1]) + b"\x00", "status.lst"),  # bad Adler-32
    ],
)
def test_from_compressed_refuses_broken_streams(data: bytes, code: str) -> None:
    with pytest.raises(MalformedInput) as info:
        StatusList.from_compressed(data, 1)
    assert info.value.code == code


def test_only_zlib_format_is_accepted() -> None:
    raw = bytes(64)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    gzip = zlib.compressobj(9, zlib.DEFLATED, 31)
    for other in (deflate.compress(raw) + deflate.flush(), gzip.compress(raw) + gzip.flush()):
        with pytest.raises(MalformedInput):
            StatusList.from_compressed(other, 1)
    preset = zlib.compressobj(9, zdict=b"dictionary")
    with pytest.raises(MalformedInput):
        StatusList.from_compressed(preset.compress(raw) + preset.flush(), 1)


def test_limit_is_exact() -> None:
    data = zlib.compress(bytes(1000))  # 1000 bytes = 4000 two-bit entries
    assert StatusList.from_compressed(data, 2, max_entries=4000).size == 4000
    with pytest.raises(MalformedInput) as info:
        StatusList.from_compressed(data, 2, max_entries=3999)
    assert info.value.code == "status.inflate_limit"
    with pytest.raises(ValueError):
        StatusList.from_compressed(data, 2, max_entries=3)  # less than one byte


def test_zlib_bomb_is_refused_with_bounded_memory() -> None:
    bomb = zlib_bomb()  # 1 GiB of zeros in about 1 MiB
    assert len(bomb) < 2 << 20
    max_bytes = DEFAULT_MAX_ENTRIES * 2 // 8
    tracemalloc.start()
    try:
        with pytest.raises(MalformedInput) as info:
            StatusList.from_compressed(bomb, 2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.code == "status.inflate_limit"
    assert peak < 3 * max_bytes  # the output cap plus zlib state, never the 1 GiB


def test_small_limit_bounds_memory_tightly() -> None:
    bomb = zlib_bomb(total=64 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(MalformedInput):
            StatusList.from_compressed(bomb, 8, max_entries=1 << 16)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
