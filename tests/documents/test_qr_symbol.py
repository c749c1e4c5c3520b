"""The QR symbol: ECC policy per type, smallest version, alphanumeric mode, exact vector
rectangles, size limits (≥ 6 cm², ≤ 6 cm wide with the quiet zone)."""

from __future__ import annotations

import random

import pytest
import segno

from issuer.documents import ECC_POLICY, DocumentError, make_symbol
from issuer.documents._qr import GRID_PT, MM, PREFERRED_MAX_VERSION, QUIET_ZONE
from verifier.qr import BASE45_ALPHABET, CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID


def _base45_text(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(BASE45_ALPHABET) for _ in range(n))


def test_ecc_policy() -> None:
    assert ECC_POLICY == {
        EESSI_PRC_SID: ("L",),  # EHIC PDF QR PoC v0.5 §3
        CIVICRED_EHIC_SID: ("M",),
        CIVICRED_SSH_SID: ("Q", "M"),
    }


@pytest.mark.parametrize("sid", [EESSI_PRC_SID, CIVICRED_EHIC_SID, CIVICRED_SSH_SID])
@pytest.mark.parametrize("length", [600, 760, 930])
def test_smallest_version_in_alphanumeric_mode(sid: str, length: int) -> None:
    text = _base45_text(length)
    symbol = make_symbol(sid, text)
    assert symbol.ecc == ECC_POLICY[sid][0]
    assert symbol.size == 17 + 4 * symbol.version
    reference = segno.make(text, error=symbol.ecc, mode="alphanumeric", boost_error=False)
    assert (reference.version, reference.mode) == (symbol.version, "alphanumeric")
    with pytest.raises(segno.DataOverflowError):
        segno.make(text, error=symbol.ecc, version=symbol.version - 1, mode="alphanumeric")


def test_rectangles_cover_exactly_the_dark_modules() -> None:
    symbol = make_symbol(CIVICRED_SSH_SID, _base45_text(650))
    reference = segno.make(symbol.text, error="q", mode="alphanumeric", boost_error=False)
    drawn = [[False] * symbol.size for _ in range(symbol.size)]
    for x, y, w, h in symbol.rects:
        for row in range(y, y + h):
            for col in range(x, x + w):
                assert not drawn[row][col]  # no overlaps
                drawn[row][col] = True
    assert drawn == [[bool(v) for v in row] for row in reference.matrix]
    assert len(symbol.rects) < sum(map(sum, drawn)) / 2  # runs, not one rectangle per module


@pytest.mark.parametrize("version_text", [200, 930, 1800, 4000])
def test_size_limits(version_text: int) -> None:
    symbol = make_symbol(EESSI_PRC_SID, _base45_text(version_text))
    module = symbol.module_pt()
    assert abs(module / GRID_PT - round(module / GRID_PT)) < 1e-9  # 1/600 inch grid
    assert symbol.width_pt() <= 60 * MM + 1e-9
    side_cm = symbol.size * module / MM / 10
    assert side_cm * side_cm >= 6.0
    assert symbol.width_pt() == (symbol.size + 2 * QUIET_ZONE) * module


def test_social_status_falls_back_to_m_above_version_25() -> None:
    small = make_symbol(CIVICRED_SSH_SID, _base45_text(800))
    assert small.ecc == "Q" and small.version <= PREFERRED_MAX_VERSION
    large = make_symbol(CIVICRED_SSH_SID, _base45_text(1300))  # Q would need version 28
    assert large.ecc == "M" and large.version > PREFERRED_MAX_VERSION - 3


def test_refuses_text_outside_the_alphanumeric_alphabet_or_too_long() -> None:
    with pytest.raises(DocumentError, match="alphanumeric"):
        make_symbol(EESSI_PRC_SID, "lower case is byte mode")
    with pytest.raises(DocumentError, match="fits no QR symbol"):
        make_symbol(CIVICRED_EHIC_SID, _base45_text(4000))


@pytest.mark.parametrize("sid", [EESSI_PRC_SID, CIVICRED_EHIC_SID, CIVICRED_SSH_SID])
def test_png_is_the_printed_symbol_and_decodes(sid: str) -> None:
    import io

    import zxingcpp
    from PIL import Image

    symbol = make_symbol(sid, _base45_text(640, seed=11))
    image = Image.open(io.BytesIO(symbol.png(scale=3))).convert("L")
    assert image.size == ((symbol.size + 2 * QUIET_ZONE) * 3,) * 2
    dark = {
        (x, y)
        for x in range(symbol.size)
        for y in range(symbol.size)
        if image.getpixel(((QUIET_ZONE + x) * 3 + 1, (QUIET_ZONE + y) * 3 + 1)) == 0
    }
    from_rects = {
        (x + dx, y + dy) for x, y, w, h in symbol.rects for dx in range(w) for dy in range(h)
    }
    assert dark == from_rects
    (found,) = zxingcpp.read_barcodes(image)
    assert found.text == symbol.text
    assert found.symbology_identifier.startswith("]Q")
