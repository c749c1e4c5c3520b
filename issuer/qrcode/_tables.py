"""Per-version constants of QR Code Model 2 (ISO/IEC 18004:2015).

- Table 1: total codewords per version (data + error correction).
- Table 9: error correction codewords per block and number of blocks, per version and level.
  The table lists up to two groups of blocks per version; their data lengths differ by one
  codeword and the shorter blocks come first, so (total, blocks, EC per block) determines them.
- Table 3: bits of the character count indicator in alphanumeric mode.
- Table E.1: row/column coordinates of the centres of the alignment patterns.
"""

from __future__ import annotations

from functools import cache

MIN_VERSION = 1
MAX_VERSION = 40
#: Error correction levels (§6.5.1) with their 2-bit format information indicators (Table 12).
ECC_INDICATORS: dict[str, int] = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}

# Table 1 — total number of codewords, versions 1..40.
_TOTAL_CODEWORDS = (
    26, 44, 70, 100, 134, 172, 196, 242, 292, 346,
    404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
    1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185,
    2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706,
)  # fmt: skip

# Table 9 — error correction codewords per block, versions 1..40.
_EC_PER_BLOCK: dict[str, tuple[int, ...]] = {
    "L": (
        7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
        28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ),
    "M": (
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ),
    "Q": (
        13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
        28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ),
    "H": (
        17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
        30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ),
}  # fmt: skip

# Table 9 — number of error correction blocks, versions 1..40.
_BLOCKS: dict[str, tuple[int, ...]] = {
    "L": (
        1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
        8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ),
    "M": (
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ),
    "Q": (
        1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
        23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ),
    "H": (
        1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
        25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ),
}  # fmt: skip

# Table E.1 — alignment pattern centre coordinates, versions 1..40 (version 1 has none).
_ALIGNMENT_CENTRES: tuple[tuple[int, ...], ...] = (
    (),
    (6, 18), (6, 22), (6, 26), (6, 30), (6, 34),
    (6, 22, 38), (6, 24, 42), (6, 26, 46), (6, 28, 50), (6, 30, 54), (6, 32, 58), (6, 34, 62),
    (6, 26, 46, 66), (6, 26, 48, 70), (6, 26, 50, 74), (6, 30, 54, 78), (6, 30, 56, 82),
    (6, 30, 58, 86), (6, 34, 62, 90),
    (6, 28, 50, 72, 94), (6, 26, 50, 74, 98), (6, 30, 54, 78, 102), (6, 28, 54, 80, 106),
    (6, 32, 58, 84, 110), (6, 30, 58, 86, 114), (6, 34, 62, 90, 118),
    (6, 26, 50, 74, 98, 122), (6, 30, 54, 78, 102, 126), (6, 26, 52, 78, 104, 130),
    (6, 30, 56, 82, 108, 134), (6, 34, 60, 86, 112, 138), (6, 30, 58, 86, 114, 142),
    (6, 34, 62, 90, 118, 146),
    (6, 30, 54, 78, 102, 126, 150), (6, 24, 50, 76, 102, 128, 154),
    (6, 28, 54, 80, 106, 132, 158), (6, 32, 58, 84, 110, 136, 162),
    (6, 26, 54, 82, 110, 138, 166), (6, 30, 58, 86, 114, 142, 170),
)  # fmt: skip


def check_version(version: int) -> None:
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise ValueError(f"QR version must be 1..40, not {version}")


def check_ecc(ecc: str) -> None:
    if ecc not in ECC_INDICATORS:
        raise ValueError(f"error correction level must be one of L, M, Q, H, not {ecc!r}")


def size_of(version: int) -> int:
    """Modules per side, quiet zone excluded (§6.3.1: 21 for version 1, +4 per version)."""
    return 17 + 4 * version


def total_codewords(version: int) -> int:
    return _TOTAL_CODEWORDS[version - 1]


def ec_codewords_per_block(version: int, ecc: str) -> int:
    return _EC_PER_BLOCK[ecc][version - 1]


@cache
def data_block_lengths(version: int, ecc: str) -> tuple[int, ...]:
    """Data codewords of each block in order (Table 9: the short blocks first)."""
    blocks = _BLOCKS[ecc][version - 1]
    data = total_codewords(version) - blocks * ec_codewords_per_block(version, ecc)
    short, longer = divmod(data, blocks)
    return (short,) * (blocks - longer) + (short + 1,) * longer


def data_codewords(version: int, ecc: str) -> int:
    """Number of data codewords of the symbol (Table 7)."""
    return sum(data_block_lengths(version, ecc))


def char_count_bits(version: int) -> int:
    """Length of the alphanumeric-mode character count indicator (Table 3)."""
    return 9 if version <= 9 else 11 if version <= 26 else 13


def byte_count_bits(version: int) -> int:
    """Length of the byte-mode character count indicator (Table 3)."""
    return 8 if version <= 9 else 16


def alignment_centres(version: int) -> tuple[int, ...]:
    return _ALIGNMENT_CENTRES[version - 1]
