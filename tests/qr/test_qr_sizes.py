"""QR symbol sizes (``segno``, test only): which version each document type needs at ECC L/M/Q.

EHIC PDF QR PoC v0.5 §3: alphanumeric mode, ECC L, smallest version. Worst case = every
length-limited field at its maximum and names made only of Latin-1..4 letters (2 UTF-8 bytes
each, the least compressible realistic text); windows over the repertoire use every letter.
Run with ``-s`` to see the table. Measured values are in docs/qr-documents.md.
"""

from __future__ import annotations

import json

import pytest
import segno
from conftest import conformance_path
from qr_samples import LATIN_1_4, sample, self_signed, worst_case

from verifier.qr import DOCTYPES, EESSI_PRC_SID, framework_kid, sign_document
from verifier.signing import LocalSigner, generate_private_key

LEVELS = ("L", "M", "Q")
WINDOWS = range(0, len(LATIN_1_4), 19)  # 9 windows x 75-96 letters each: every letter is used
_KEY = generate_private_key("ES256")
_CERT = self_signed(_KEY)  # type: ignore[arg-type]
_SIGNER = LocalSigner(_KEY)


def _versions(text: str) -> dict[str, int]:
    out = {}
    for level in LEVELS:
        qr = segno.make(text, error=level, boost_error=False, micro=False)
        assert qr.mode == "alphanumeric"  # Base45 is exactly the QR alphanumeric alphabet
        out[level] = int(qr.version)
    return out


def _largest(sid: str, payloads: list[dict[str, object]]) -> str:
    kid = framework_kid(DOCTYPES[sid].kid_framework, _CERT)
    texts = [sign_document(p, _SIGNER, kid)[1] for p in payloads]
    return max(texts, key=len)


def test_worst_case_uses_every_latin_1_to_4_letter() -> None:
    used = set()
    for window in WINDOWS:
        body = worst_case(EESSI_PRC_SID, window)["prc"]
        used |= set(body["fn"] + body["gn"] + body["in"])
    assert used == set(LATIN_1_4) and len(LATIN_1_4) > 160
    assert {"Ħ", "Ğ", "Ŗ", "ĸ", "Ő", "Ł", "ß", "Þ"} <= used  # Maltese, Turkish, Baltic, Hungarian…


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, dict[str, int]]]:
    rows: dict[str, dict[str, dict[str, int]]] = {}
    for sid in sorted(DOCTYPES):
        typical = _largest(sid, [sample(sid)])
        worst = _largest(sid, [worst_case(sid, w) for w in WINDOWS])
        rows[sid] = {
            "typical": {"chars": len(typical), **_versions(typical)},
            "worst": {"chars": len(worst), **_versions(worst)},
        }
    print("\nQR versions (ES256, alphanumeric):")
    for sid, row in rows.items():
        for case, v in row.items():
            print(
                f"  {sid:22} {case:8} {v['chars']:4} chars  L {v['L']:2}  M {v['M']:2}  Q {v['Q']:2}"
            )
    return rows


def test_versions_per_document_type(table: dict[str, dict[str, dict[str, int]]]) -> None:
    # Bounds leave one version of headroom over the measured values for ECDSA's random signatures.
    bounds = {
        "eessi:prc:1.0": {"typical": (15, 17, 21), "worst": (18, 21, 25)},
        "be.civicred:ehic:1.0": {"typical": (15, 17, 21), "worst": (18, 21, 25)},
        "be.civicred:ssh:1.0": {"typical": (13, 15, 19), "worst": (17, 19, 23)},
    }
    for sid, cases in bounds.items():
        for case, limits in cases.items():
            got = table[sid][case]
            assert all(got[level] <= limit for level, limit in zip(LEVELS, limits, strict=True)), (
                sid,
                case,
                got,
            )
    assert table["be.civicred:ssh:1.0"]["worst"]["L"] <= 16  # the venue document stays small


def test_the_eprc_signed_es256_fits_version_16_at_ecc_l() -> None:
    spec = json.loads(
        conformance_path("eehic-prc-poc", "prc_john_doe.decoded.json").read_text("utf-8")
    )
    assert (
        _versions(_largest(EESSI_PRC_SID, [spec["payload"]] * 5))["L"] <= 14
    )  # RS256 needs 18 (§3.3)
    assert _versions(_largest(EESSI_PRC_SID, [sample(EESSI_PRC_SID)] * 5))["L"] <= 16
    # Longest names in Latin-1..4 letters: fits 16-L only without the optional jti/rid.
    bare = [worst_case(EESSI_PRC_SID, w) for w in WINDOWS]
    for payload in bare:
        del payload["jti"], payload["rid"]
    assert _versions(_largest(EESSI_PRC_SID, bare))["L"] <= 16


def test_the_absolute_worst_eprc_with_revocation_needs_version_17_at_ecc_l(
    table: dict[str, dict[str, dict[str, int]]],
) -> None:
    """Not 16: with jti (UUID) + rid (52-char URL) and 96 two-byte letters the text is ~910-932
    characters; version 16-L holds 854. A finding, asserted so a change in size is noticed."""
    assert table[EESSI_PRC_SID]["worst"]["L"] in (17, 18)
    assert table[EESSI_PRC_SID]["worst"]["chars"] > 854
