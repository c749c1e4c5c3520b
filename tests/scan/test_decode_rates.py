"""The robustness set (issue requirement): decode rates per decoder, asserted loosely.

``bench/decode_rates.py`` prints the full table; this runs the same set once (about a minute).
"""

from __future__ import annotations

import pytest

from ._rates import SETS, documents, rate, run, table
from .conftest import needs_zbar


def _attempts(configs: tuple[str, ...]) -> list:  # type: ignore[type-arg]
    from conftest import CONFORMANCE_DIR

    attempts = run(documents(spec_dir=CONFORMANCE_DIR / "eehic-prc-poc"), (150, 300), SETS, configs)
    print("\n" + table(attempts))
    return attempts


@pytest.mark.slow
def test_zxing_decode_rates_on_the_robustness_set() -> None:
    attempts = _attempts(("zxing-cpp",))
    assert rate(attempts, transform="none") == 1.0
    assert rate(attempts, set="moderate") >= 0.9
    assert rate(attempts, set="hard", dpi=300) >= 0.8


@pytest.mark.slow
@needs_zbar
def test_decode_rates_with_the_pyzbar_fallback() -> None:
    attempts = _attempts(("zxing-cpp", "pyzbar", "combined"))
    assert rate(attempts, transform="none") == 1.0
    assert rate(attempts, set="moderate", config="combined") >= 0.9
    assert rate(attempts, set="moderate", config="pyzbar") >= 0.8
    assert rate(attempts, set="hard", config="combined", dpi=300) >= 0.8
    assert rate(attempts, set="hard", config="combined") >= rate(
        attempts, set="hard", config="pyzbar"
    )
