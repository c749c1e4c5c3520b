"""The final message codeword sequence (ISO/IEC 18004:2015 §7.5.1, §7.6).

The data codewords are divided into the blocks of Table 9 (short blocks first); each block gets
its Reed-Solomon codewords; the message is the data codewords interleaved column by column
(first codeword of every block, then the second, …), followed by the EC codewords interleaved
the same way. Remainder bits (Table 1) are added at placement time (the modules stay light).
"""

from __future__ import annotations

from issuer.qrcode._reed_solomon import ec_codewords
from issuer.qrcode._tables import data_block_lengths, ec_codewords_per_block


def _interleave(blocks: list[bytes]) -> bytes:
    """Codeword i of every block, for i = 0, 1, …; blocks are at most one codeword longer than
    the first one (Table 9), and the longer ones come last."""
    count, short = len(blocks), len(blocks[0])
    out = bytearray(count * short)
    for index, block in enumerate(blocks):
        out[index::count] = block[:short]
    return bytes(out) + bytes(block[short] for block in blocks if len(block) > short)


def final_message(data: bytes, version: int, ecc: str) -> bytes:
    """Interleaved data codewords, then interleaved error correction codewords (§7.6)."""
    degree = ec_codewords_per_block(version, ecc)
    data_blocks: list[bytes] = []
    start = 0
    for length in data_block_lengths(version, ecc):
        data_blocks.append(data[start : start + length])
        start += length
    if start != len(data):
        raise ValueError(f"{len(data)} data codewords for a symbol of {start}")
    ec_blocks = [ec_codewords(block, degree) for block in data_blocks]
    return _interleave(data_blocks) + _interleave(ec_blocks)
