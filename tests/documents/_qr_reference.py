"""Reference material for the QR encoder tests: segno with the ISO §7.4.10 padding patched in,
random texts of a given version, and a plain, module-by-module ISO/IEC 18004 §7.8.3 penalty
(with segno's N3 counting as an option) to arbitrate where segno and the standard differ."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, cast
from unittest import mock

import segno
from segno import consts as segno_consts
from segno import encoder as segno_encoder

from issuer.qrcode import ALPHANUMERIC_CHARS, QrCode

LEVELS = "LMQH"
SEGNO_LEVEL = {
    "L": segno_consts.ERROR_LEVEL_L,
    "M": segno_consts.ERROR_LEVEL_M,
    "Q": segno_consts.ERROR_LEVEL_Q,
    "H": segno_consts.ERROR_LEVEL_H,
}
SEGNO_CAPACITY = cast(dict[int, dict[int, int]], segno_consts.SYMBOL_CAPACITY)
SEGNO_BLOCKS = cast(dict[int, dict[int, tuple[Any, ...]]], segno_consts.ECC)
Matrix = Sequence[Sequence[bool]]


# --- helpers ------------------------------------------------------------------------------------


def iso_padding_bits(buff: Any, version: int, length: int) -> None:
    """§7.4.10: 0 bits up to the codeword boundary, none when the stream is already on it."""
    buff.extend([0] * (-length % 8))


@contextmanager
def iso_segno() -> Iterator[None]:
    with mock.patch.object(segno_encoder, "write_padding_bits", iso_padding_bits):
        yield


def reference_symbol(
    text: str, ecc: str, version: int | None = None, mask: int | None = None
) -> segno.QRCode:
    with iso_segno():
        return segno.make(
            text,
            error=ecc,
            mode="alphanumeric",
            boost_error=False,
            micro=False,
            version=version,
            mask=mask,
        )


def bools(matrix: Sequence[Sequence[int]]) -> list[list[bool]]:
    return [[bool(module) for module in row] for row in matrix]


def same(ours: QrCode, reference: segno.QRCode) -> bool:
    return (ours.version, ours.mask) == (reference.version, reference.mask) and bools(
        ours.matrix()
    ) == bools(reference.matrix)


def random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHANUMERIC_CHARS) for _ in range(length))


def capacity(version: int, ecc: str) -> int:
    """Most alphanumeric characters of a version/level, from segno's capacity in bits."""
    bits = SEGNO_CAPACITY[version][SEGNO_LEVEL[ecc]]
    count_bits = 9 if version <= 9 else 11 if version <= 26 else 13
    length = 0
    while 4 + count_bits + 11 * ((length + 1) // 2) + 6 * ((length + 1) % 2) <= bits:
        length += 1
    return length


def lengths_forcing(version: int, ecc: str) -> range:
    """Text lengths whose smallest version at ``ecc`` is ``version``."""
    return range(0 if version == 1 else capacity(version - 1, ecc) + 1, capacity(version, ecc) + 1)


def reserved(size: int, version: int) -> set[tuple[int, int]]:
    """(x, y) of the format information, the dark module and the version information."""
    cells = {(x, 8) for x in range(9) if x != 6} | {(8, y) for y in range(9) if y != 6}
    cells |= {(x, 8) for x in range(size - 8, size)} | {(8, y) for y in range(size - 8, size)}
    if version >= 7:
        block = {(x, y) for x in range(size - 11, size - 8) for y in range(6)}
        cells |= block | {(y, x) for x, y in block}
    return cells


def scored_matrix(matrix: Matrix, version: int) -> list[list[bool]]:
    """The symbol as scored for the mask choice: reserved areas light (see _mask.py)."""
    out = [list(row) for row in matrix]
    for x, y in reserved(len(out), version):
        out[y][x] = False
    return out


def reference_penalty(matrix: Matrix, *, segno_n3: bool = False) -> tuple[int, int, int, int]:
    """ISO/IEC 18004:2015 §7.8.3.1 Table 11, written plainly (N1=3, N2=3, N3=40, N4=10).

    ``segno_n3`` reproduces segno's N3 search (resume 7 modules after a counted pattern)."""
    size = len(matrix)
    lines = [list(row) for row in matrix] + [list(column) for column in zip(*matrix, strict=True)]
    n1 = 0
    for line in lines:
        run = 1
        for k in range(1, size + 1):
            if k < size and line[k] == line[k - 1]:
                run += 1
                continue
            if run >= 5:
                n1 += 3 + (run - 5)
            run = 1
    n2 = 0
    for y in range(size - 1):
        for x in range(size - 1):
            if matrix[y][x] == matrix[y][x + 1] == matrix[y + 1][x] == matrix[y + 1][x + 1]:
                n2 += 3
    n3 = 0
    finder = [True, False, True, True, True, False, True]
    for line in lines:
        padded = [False] * 4 + line + [False] * 4  # the quiet zone is light
        i = 4
        while i <= 4 + size - 7:
            if padded[i : i + 7] == finder and (
                not any(padded[i - 4 : i]) or not any(padded[i + 7 : i + 11])
            ):
                n3 += 40
                i += 7 if segno_n3 else 1
            else:
                i += 1
    dark = sum(map(sum, matrix))
    k = int(abs(Fraction(100 * dark, size * size) - 50) / 5)
    return n1, n2, n3, 10 * k


def reference_best(matrices: Sequence[Matrix], version: int, *, segno_n3: bool = False) -> int:
    scores = [
        sum(reference_penalty(scored_matrix(m, version), segno_n3=segno_n3)) for m in matrices
    ]
    return scores.index(min(scores))
