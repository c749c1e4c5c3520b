"""The automatic mask choice and the penalty score (ISO/IEC 18004 §7.8.3) of our QR encoder.

Where segno's choice differs (its N3 counting skips overlapping finder-like patterns; see
test_qr_encoder.py), both choices are checked against a plain reference penalty: the standard
counting gives ours, segno's counting gives segno's.
"""

from __future__ import annotations

import random

import pytest

from issuer.qrcode import encode_alphanumeric
from issuer.qrcode._mask import penalty_parts, plane, plane_of

from ._qr_reference import (
    LEVELS,
    Matrix,
    bools,
    capacity,
    random_text,
    reference_best,
    reference_penalty,
    reference_symbol,
    same,
    scored_matrix,
)


def _check_automatic_mask(text: str, ecc: str) -> bool:
    """True when the automatic choices agree; else both are checked against the reference."""
    ours = encode_alphanumeric(text, ecc)
    reference = reference_symbol(text, ecc)
    assert ours.version == reference.version
    if same(ours, reference):
        return True
    forced = [bools(reference_symbol(text, ecc, ours.version, mask).matrix) for mask in range(8)]
    assert reference_best(forced, ours.version) == ours.mask
    assert reference_best(forced, ours.version, segno_n3=True) == reference.mask
    assert bools(ours.matrix()) == forced[ours.mask]
    return False


def test_automatic_mask_equals_segno_or_the_standard() -> None:
    rng = random.Random(2026)
    agree = [
        _check_automatic_mask(random_text(rng, rng.randint(1, 300)), rng.choice(LEVELS))
        for _ in range(300)
    ]
    assert sum(agree) >= 0.95 * len(agree)


@pytest.mark.slow
def test_automatic_mask_equals_segno_or_the_standard_large() -> None:
    rng = random.Random(18004)
    agree = []
    for _ in range(300):
        ecc = rng.choice(LEVELS)
        text = random_text(rng, rng.randint(300, capacity(40, ecc)))
        agree.append(_check_automatic_mask(text, ecc))
    assert sum(agree) >= 0.95 * len(agree)


def test_segno_n3_corner_case_is_where_we_differ() -> None:
    # Version 2-M: the standard counting of overlapping 1:1:3:1:1 patterns gives mask 7,
    # segno's search (which skips the second pattern) gives mask 1.
    text = "CO7/%$DV6-N+S.%Y7FR5LOOMN"
    assert (encode_alphanumeric(text, "M").mask, reference_symbol(text, "M").mask) == (7, 1)
    assert not _check_automatic_mask(text, "M")


# --- the penalty itself ------------------------------------------------------------------------


def _our_penalty(matrix: Matrix, version: int) -> tuple[int, ...]:
    rows = [sum(1 << x for x, dark in enumerate(row) if dark) for row in matrix]
    return penalty_parts(plane_of(rows, len(rows)), plane(version))


@pytest.mark.parametrize("seed", range(40))
def test_penalty_equals_plain_reference_on_random_matrices(seed: int) -> None:
    rng = random.Random(seed)
    version = rng.choice([1, 2, 3])
    size = 17 + 4 * version
    density = rng.choice([0.2, 0.5, 0.8])
    matrix = [[rng.random() < density for _ in range(size)] for _ in range(size)]
    # two overlapping 1:1:3:1:1 patterns with light areas on the outer sides, at an edge too
    matrix[3][2:21] = [bool(int(c)) for c in "0000101110111010000"]
    matrix[size - 1][size - 17 :] = [bool(int(c)) for c in "00001011101011101"]
    for y, c in enumerate("00001011101011101"):
        matrix[y][5] = c == "1"
    assert _our_penalty(matrix, version) == reference_penalty(matrix)


def test_penalty_equals_reference_on_real_symbols() -> None:
    rng = random.Random(11)
    for _ in range(12):
        ecc = rng.choice(LEVELS)
        text = random_text(rng, rng.randint(1, 200))
        version = encode_alphanumeric(text, ecc).version
        for mask in range(8):
            evaluated = scored_matrix(encode_alphanumeric(text, ecc, mask=mask).matrix(), version)
            assert _our_penalty(evaluated, version) == reference_penalty(evaluated)
