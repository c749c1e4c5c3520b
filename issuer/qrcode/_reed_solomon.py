"""Reed-Solomon error correction codewords (ISO/IEC 18004:2015 §7.5.2, Annex A).

Arithmetic in GF(2⁸) with the prime polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D); the generator
polynomial of degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) with α = 2. The EC codewords are the
remainder of data(x)·xⁿ divided by the generator.

Speed: the remainder register is one Python int of n bytes; for every possible feedback byte
the product "feedback × generator" is precomputed as an int (256 per degree, cached), so each
data codeword costs one shift, one mask and two XORs.
"""

from __future__ import annotations

from functools import cache

_PRIME = 0x11D


def _exp_log() -> tuple[tuple[int, ...], tuple[int, ...]]:
    exp = [0] * 512
    log = [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= _PRIME
    for power in range(255, 512):  # so that exp[log a + log b] needs no "mod 255"
        exp[power] = exp[power - 255]
    return tuple(exp), tuple(log)


EXP, LOG = _exp_log()


def gf_mul(a: int, b: int) -> int:
    """Product in GF(2⁸) (0x11D)."""
    if a == 0 or b == 0:
        return 0
    return EXP[LOG[a] + LOG[b]]


@cache
def generator(degree: int) -> tuple[int, ...]:
    """Coefficients of the generator polynomial, highest power first (leading 1 included)."""
    poly = [1]
    for i in range(degree):  # multiply by (x - α^i); minus is plus in GF(2^8)
        root = EXP[i]
        poly = [a ^ gf_mul(b, root) for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return tuple(poly)


@cache
def _feedback_table(degree: int) -> tuple[int, ...]:
    """For each feedback byte f: f × (generator without its leading 1), as one big-endian int."""
    coefficients = generator(degree)[1:]
    return tuple(
        int.from_bytes(bytes(gf_mul(f, c) for c in coefficients), "big") for f in range(256)
    )


def ec_codewords(data: bytes, degree: int) -> bytes:
    """The ``degree`` error correction codewords of one block of data codewords."""
    table = _feedback_table(degree)
    top = 8 * (degree - 1)
    keep = (1 << top) - 1  # the register without its top byte
    register = 0
    for codeword in data:
        register = ((register & keep) << 8) ^ table[(register >> top) ^ codeword]
    return register.to_bytes(degree, "big")
