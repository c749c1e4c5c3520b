"""Data masking and the choice of the mask (ISO/IEC 18004:2015 §7.8).

The eight mask patterns (§7.8.2, Table 10; i = row, j = column) are XORed onto the encoding
region only. Each masked symbol is scored (§7.8.3.1, Table 11; N1 = 3, N2 = 3, N3 = 40, N4 = 10):

- N1: each run of ≥ 5 same-colour modules in a row or column: 3 + (length − 5);
- N2: each 2×2 block of same-colour modules: 3 (an m×n block counts (m−1)(n−1) times);
- N3: each 1:1:3:1:1 dark:light:dark:light:dark pattern in a row or column with a light area
  4 modules wide before or after it: 40 (once per pattern occurrence; outside the symbol counts
  as light: the quiet zone);
- N4: 10·k, k = ⌊|dark% − 50| / 5⌋.

The mask with the lowest total wins; a tie goes to the lower mask number. The score is taken
on the complete symbol with the format and version information areas and the dark module
still light: they are written after the mask is chosen (§7.1 steps 6 and 7). ISO/IEC 18004
does not settle that point; this is segno's reading, which keeps our symbols the ones segno
made before (see docs/documents.md, "QR encoder").

Speed: a symbol is held as one "plane", a big int with the rows one after the other, 4 light
guard bits before each row and 4 light rows above and below (the quiet zone, for N3). A
horizontal neighbour is a shift by 1, a vertical one a shift by a row (``stride``), so every
rule is a handful of shifts, ANDs and ``int.bit_count()`` over the whole symbol.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from issuer.qrcode._matrix import layout

MaskCondition = Callable[[int, int], bool]
#: Table 10: the module at row i, column j is inverted when the condition holds.
MASK_CONDITIONS: tuple[MaskCondition, ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
N1, N2, N3, N4 = 3, 3, 40, 10  # §7.8.3.1, Table 11
_PERIOD = 12  # every condition is periodic in i and j with a period dividing 12
QUIET = 4  # light guard bits before every row, light rows above and below the symbol


@dataclass(frozen=True, slots=True)
class Plane:
    """Per version: function patterns, masks and data placement as planes (big ints).

    Plane bit ``(QUIET + y)·stride + QUIET + x`` is the module (x, y); ``stride = size + QUIET``.
    """

    size: int
    stride: int
    function: int  # dark modules of the function patterns (reserved areas light)
    masks: tuple[int, ...]  # per mask: its pattern within the encoding region
    gather: Callable[[str], tuple[str, ...]]  # message bits → plane, as bit characters
    placed_bits: int  # modules of the encoding region (message + remainder bits)
    across: int  # modules (x, y) with x < size − 1: they have a right neighbour
    down: int  # modules (x, y) with y < size − 1: they have a neighbour below
    everything: int  # every bit of a plane (outside the symbol is light)


def plane_of(rows: Sequence[int], size: int) -> int:
    """Rows (bit x = column x) as a plane."""
    stride = size + QUIET
    plane = 0
    for row in reversed(rows):
        plane = (plane << stride) | (row << QUIET)
    return plane << (QUIET * stride)


def _gather(
    positions: Sequence[tuple[int, int]], size: int, blank: int
) -> Callable[[str], tuple[str, ...]]:
    """Picks, most significant plane bit first, the message bit character of each module."""
    stride = size + QUIET
    total = (size + 2 * QUIET) * stride
    source = [blank] * total
    for index, (x, y) in enumerate(positions):
        source[total - 1 - ((QUIET + y) * stride + QUIET + x)] = index
    return itemgetter(*source)


@cache
def plane(version: int) -> Plane:
    fixed = layout(version)
    size = fixed.size
    region = [0] * size
    for x, y in fixed.data_positions:
        region[y] |= 1 << x
    width = (1 << size) - 1
    repeat = sum(1 << (_PERIOD * k) for k in range(size // _PERIOD + 1))
    masks = []
    for condition in MASK_CONDITIONS:
        rows = []
        for i in range(size):
            tile = sum(1 << j for j in range(_PERIOD) if condition(i, j))
            rows.append(tile * repeat & width & region[i])
        masks.append(plane_of(rows, size))
    count = len(fixed.data_positions)
    return Plane(
        size=size,
        stride=size + QUIET,
        function=plane_of(fixed.function_rows, size),
        masks=tuple(masks),
        gather=_gather(fixed.data_positions, size, count),
        placed_bits=count,
        across=plane_of([width >> 1] * size, size),
        down=plane_of([width] * (size - 1) + [0], size),
        everything=(1 << ((size + 2 * QUIET) * (size + QUIET))) - 1,
    )


def place(message: bytes, geometry: Plane) -> int:
    """The message bits in the encoding region (§7.7.3), unmasked, as a plane. Remainder bits
    and the modules outside the encoding region are 0."""
    bits = format(int.from_bytes(message, "big"), f"0{8 * len(message)}b")
    bits += "0" * (geometry.placed_bits - len(bits) + 1)  # + the "blank" character
    return int("".join(geometry.gather(bits)), 2)


def _runs_and_finders(symbol: int, same: int, light: int, step: int) -> tuple[int, int]:
    """N1 and N3 points along one direction (step 1: rows, step = stride: columns).

    ``same`` has a bit for each module alike its next one in that direction."""
    five = same & (same >> step) & (same >> 2 * step) & (same >> 3 * step)  # 5 alike
    runs = (five & ~(five << step)).bit_count()  # one start bit per run of ≥ 5
    n1 = N1 * runs + (five.bit_count() - runs)  # a run of 5 + i sets i + 1 bits of `five`
    light4 = light & (light >> step) & (light >> 2 * step) & (light >> 3 * step)
    dark3 = symbol & (symbol >> step) & (symbol >> 2 * step)
    finder = (  # 1011101 starting at each bit
        symbol & (light >> step) & (dark3 >> 2 * step) & (light >> 5 * step) & (symbol >> 6 * step)
    )
    n3 = N3 * (finder & ((light4 << 4 * step) | (light4 >> 7 * step))).bit_count()
    return n1, n3


def penalty_parts(symbol: int, geometry: Plane) -> tuple[int, int, int, int]:
    """(N1, N2, N3, N4) points of one symbol plane (§7.8.3.1, Table 11)."""
    stride = geometry.stride
    light = geometry.everything ^ symbol
    same_across = geometry.across & ~(symbol ^ (symbol >> 1))
    same_down = geometry.down & ~(symbol ^ (symbol >> stride))
    n1_rows, n3_rows = _runs_and_finders(symbol, same_across, light, 1)
    n1_columns, n3_columns = _runs_and_finders(symbol, same_down, light, stride)
    blocks = same_across & (same_across >> stride) & same_down  # 2×2 alike
    modules = geometry.size * geometry.size
    k = abs(20 * symbol.bit_count() - 10 * modules) // modules  # |dark% − 50| / 5
    return n1_rows + n1_columns, N2 * blocks.bit_count(), n3_rows + n3_columns, N4 * k


def masked(data: int, mask: int, geometry: Plane) -> int:
    """Function patterns plus the data XOR the mask pattern (§7.8.2)."""
    return geometry.function | (data ^ geometry.masks[mask])


def best_mask(data: int, geometry: Plane) -> int:
    """The mask with the lowest penalty (§7.8.3.1); ties go to the lower mask number."""
    scores = [sum(penalty_parts(masked(data, mask, geometry), geometry)) for mask in range(8)]
    return scores.index(min(scores))


def rows_of(symbol: int, geometry: Plane) -> tuple[int, ...]:
    width, stride = (1 << geometry.size) - 1, geometry.stride
    return tuple(symbol >> ((QUIET + y) * stride + QUIET) & width for y in range(geometry.size))
