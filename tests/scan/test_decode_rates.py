"""The robustness set (issue requirement): decode rates per decoder, asserted loosely.

``bench/decode_rates.py`` prints the full table; this runs the same set once (about a minute).
"""

from __future__ import annotations

import pytest

from ._rates import SETS, documents, rate, run, table


@pytest.mark.slow
def test_decode_rates_on_the_robustness_set() -> None:
    from conftest import CONFORMANCE_DIR

    attempts = run(documents(spec_dir=CONFORMANCE_DIR / "eehic-prc-poc"), (150, 300), SETS)
    print("\n" + table(attempts))
    assert rate(attempts, transform="none") == 1.0
    assert rate(attempts, set="moderate", config="combined") >= 0.9
    assert rate(attempts, set="moderate", config="zxing-cpp") >= 0.9
    assert rate(attempts, set="moderate", config="pyzbar") >= 0.8
    assert rate(attempts, set="hard", config="combined", dpi=300) >= 0.8
    assert rate(attempts, set="hard", config="combined") >= rate(
        attempts, set="hard", config="pyzbar"
    )
