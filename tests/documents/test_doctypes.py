"""One home per document type: the verifier's table and the issuer's registry agree."""

from __future__ import annotations

from issuer.documents import DOC_TYPE_ALIASES, ECC_POLICY, PRINTED_TYPES, printed_type
from verifier.qr import DEFAULT_QR_POLICY, DOCTYPES


def test_the_issuer_prints_exactly_the_verifiers_types() -> None:
    assert set(PRINTED_TYPES) == set(DOCTYPES)
    assert sorted(DOC_TYPE_ALIASES.values()) == sorted(DOCTYPES)
    assert set(ECC_POLICY) == set(DOCTYPES)
    for sid, printed in PRINTED_TYPES.items():
        assert printed.sid == sid and printed_type(printed.alias) is printed_type(sid) is printed


def test_the_default_revocation_modes_come_from_the_type_data() -> None:
    assert dict(DEFAULT_QR_POLICY.revocation) == {
        sid: doctype.revocation.default_mode for sid, doctype in DOCTYPES.items()
    }
    assert DEFAULT_QR_POLICY.revocation_mode("eessi:prc:1.0") == "optional"
    assert DEFAULT_QR_POLICY.revocation_mode("be.civicred:ssh:1.0") == "required"
