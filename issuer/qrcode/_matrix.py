"""Module layout of a QR Code Model 2 symbol, per version (ISO/IEC 18004:2015 §6.3, §7.7–7.10).

Coordinates: ``x`` is the column (left → right), ``y`` the row (top → bottom); a row is an int
whose bit ``x`` is the module in column ``x`` (1 = dark).

- Function patterns (§6.3.2–6.3.6): three finder patterns with their light separators, the
  timing patterns in row 6 and column 6, the alignment patterns of Table E.1 (not where they
  would overlap a finder pattern).
- Reserved areas: format information (§7.9.1) around the finders plus the dark module at
  (8, size − 8), version information (§7.10) for versions ≥ 7. They are light while the masks
  are evaluated (:mod:`issuer.qrcode._mask`) and written by :func:`info_rows` afterwards.
- Everything else is the encoding region. Data placement (§7.7.3): two-module-wide columns from
  the right edge, alternately upwards and downwards, right module before left, skipping function
  modules and the vertical timing pattern column; remainder bits stay light (before masking).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from issuer.qrcode._tables import ECC_INDICATORS, alignment_centres, size_of

_FREE, _LIGHT, _DARK = -1, 0, 1
_FORMAT_GENERATOR = 0b10100110111  # BCH(15,5), G(x) = x¹⁰+x⁸+x⁵+x⁴+x²+x+1 (Annex C)
_FORMAT_MASK = 0b101010000010010  # 0x5412, XORed so that no format string is all zeros (§7.9.1)
_VERSION_GENERATOR = 0b1111100100101  # BCH(18,6), G(x) = x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1 (Annex D)


@dataclass(frozen=True, slots=True)
class Layout:
    """The fixed part of every symbol of one version."""

    version: int
    size: int
    #: dark modules of the function patterns; the reserved areas are light here
    function_rows: tuple[int, ...]
    #: modules of the encoding region in placement order (§7.7.3), remainder bits included
    data_positions: tuple[tuple[int, int], ...]


def _bch_remainder(value: int, generator: int) -> int:
    """Remainder of ``value`` divided by ``generator`` (polynomials over GF(2))."""
    degree = generator.bit_length() - 1
    value <<= degree
    while value.bit_length() > degree:
        value ^= generator << (value.bit_length() - generator.bit_length())
    return value


def format_bits(ecc: str, mask: int) -> int:
    """The 15-bit format information: EC level and mask, BCH(15,5), XOR 0x5412 (§7.9.1)."""
    data = (ECC_INDICATORS[ecc] << 3) | mask
    return ((data << 10) | _bch_remainder(data, _FORMAT_GENERATOR)) ^ _FORMAT_MASK


def version_bits(version: int) -> int:
    """The 18-bit version information: version, BCH(18,6) (§7.10)."""
    return (version << 12) | _bch_remainder(version, _VERSION_GENERATOR)


def _format_positions(size: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per format bit 0 (least significant) .. 14: its two modules (x, y) (§7.9.1, Figure 25)."""
    first = [(8, y) for y in (0, 1, 2, 3, 4, 5, 7, 8)] + [(x, 8) for x in (7, 5, 4, 3, 2, 1, 0)]
    second = [(size - 1 - i, 8) for i in range(8)] + [(8, size - 15 + i) for i in range(8, 15)]
    return tuple(zip(first, second, strict=True))


def _version_positions(size: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per version bit 0 .. 17: its two modules (x, y) (§7.10, Figure 27)."""
    return tuple(((size - 11 + i % 3, i // 3), (i // 3, size - 11 + i % 3)) for i in range(18))


def _draw_function_patterns(grid: list[list[int]], version: int) -> None:
    size = len(grid)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finders + separators (§6.3.3)
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                x, y = cx + dx, cy + dy
                if 0 <= x < size and 0 <= y < size:
                    ring = max(abs(dx), abs(dy))
                    grid[y][x] = _DARK if ring in (0, 1, 3) else _LIGHT
    for i in range(size):  # timing patterns (§6.3.5)
        for x, y in ((i, 6), (6, i)):
            if grid[y][x] == _FREE:
                grid[y][x] = _DARK if i % 2 == 0 else _LIGHT
    centres = alignment_centres(version)
    for cy in centres:  # alignment patterns (§6.3.6), not over the finder patterns
        for cx in centres:
            if (cx, cy) in ((6, 6), (6, size - 7), (size - 7, 6)):
                continue
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    ring = max(abs(dx), abs(dy))
                    grid[cy + dy][cx + dx] = _DARK if ring in (0, 2) else _LIGHT


def _reserve_information_areas(grid: list[list[int]], version: int) -> None:
    size = len(grid)
    for pair in _format_positions(size):
        for x, y in pair:
            grid[y][x] = _LIGHT
    grid[size - 8][8] = _LIGHT  # the dark module (§7.9.1), drawn with the format information
    if version >= 7:
        for pair in _version_positions(size):
            for x, y in pair:
                grid[y][x] = _LIGHT


def _placement_order(grid: list[list[int]]) -> tuple[tuple[int, int], ...]:
    """Free modules in the order the message bits fill them (§7.7.3, Figure 21)."""
    size = len(grid)
    order: list[tuple[int, int]] = []
    right = size - 1
    while right > 0:
        if right == 6:  # the vertical timing pattern is skipped entirely
            right = 5
        upwards = (right + 1) & 2 == 0
        for step in range(size):
            y = size - 1 - step if upwards else step
            for x in (right, right - 1):
                if grid[y][x] == _FREE:
                    order.append((x, y))
        right -= 2
    return tuple(order)


def _rows(grid: list[list[int]]) -> tuple[int, ...]:
    return tuple(sum(1 << x for x, value in enumerate(row) if value == _DARK) for row in grid)


@cache
def layout(version: int) -> Layout:
    size = size_of(version)
    grid = [[_FREE] * size for _ in range(size)]
    _draw_function_patterns(grid, version)
    _reserve_information_areas(grid, version)
    return Layout(version, size, _rows(grid), _placement_order(grid))


@cache
def info_rows(version: int, ecc: str, mask: int) -> tuple[int, ...]:
    """Dark modules of the format information, the dark module and the version information."""
    size = size_of(version)
    rows = [0] * size
    information = [(format_bits(ecc, mask), _format_positions(size))]
    if version >= 7:
        information.append((version_bits(version), _version_positions(size)))
    for bits, positions in information:
        for bit, pair in enumerate(positions):
            if bits >> bit & 1:
                for x, y in pair:
                    rows[y] |= 1 << x
    rows[size - 8] |= 1 << 8  # dark module
    return tuple(rows)
