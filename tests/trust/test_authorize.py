"""The authorization rule (trust-list.md) and the QR-document resolvers (DOMAIN §1.8)."""

from __future__ import annotations

from datetime import date

import pytest

from verifier import CheckResult, UntrustedIssuer
from verifier.trust import (
    TrustListDocumentResolver,
    TrustSnapshot,
    kid_for,
    x5t_s256,
)

from ._world import EHIC, PRC, REVOCATION_URI, SOCIAL, SSH, STATUS_URI, World, utc


def _tp(world: World, name: str) -> str:
    return x5t_s256(world.certs[name])


def _denied(snapshot: TrustSnapshot, world: World, name: str, *args: object) -> str:
    decision = snapshot.authorize(_tp(world, name), *args)  # type: ignore[arg-type]
    assert not decision.allowed
    assert decision.failure is not None
    with pytest.raises(UntrustedIssuer) as exc:
        decision.raise_if_denied()
    assert exc.value.code == decision.failure.code
    return decision.failure.code


def test_indexes(snapshot: TrustSnapshot, world: World) -> None:
    issuer, entry = snapshot.certificate(_tp(world, "new")) or (None, None)
    assert issuer is not None and issuer.id == "BE:CBSS" and entry is not None
    assert snapshot.certificate_for_kid(kid_for(world.certs["new"], "EESSI")) == (issuer, entry)
    assert snapshot.issuer_for("https://issuer.civicred.localhost") is issuer
    assert snapshot.issuer("BE:OTHER") is not None
    inst = snapshot.institution("BE:0120")
    assert inst is not None and inst.accreditation_for(EHIC, date(2031, 1, 1)) is None
    assert snapshot.certificate("nope") is None


def test_allowed_with_reasons(snapshot: TrustSnapshot, world: World) -> None:
    decision = snapshot.authorize(_tp(world, "new"), PRC, "BE:0120", date(2027, 3, 1))
    assert decision.allowed
    assert [s.code for s in decision.steps] == [
        "trust.cert_use",
        "trust.cert_window",
        "trust.institution",
        "trust.accreditation",
    ]
    assert decision.accreditation is not None and decision.accreditation.document_type == PRC
    decision.raise_if_denied()


def test_rotation_overlap(snapshot: TrustSnapshot, world: World) -> None:
    overlap = date(2026, 12, 15)
    assert snapshot.authorize(_tp(world, "old"), PRC, "BE:0120", overlap).allowed
    assert snapshot.authorize(_tp(world, "new"), PRC, "BE:0120", overlap).allowed
    # retired on 2027-01-01: it still verifies what it signed, nothing dated later
    assert snapshot.authorize(_tp(world, "old"), PRC, "BE:0120", date(2027, 1, 1)).allowed
    code = _denied(snapshot, world, "old", PRC, "BE:0120", date(2027, 2, 1))
    assert code == "trust.cert_retired"
    assert snapshot.authorize(_tp(world, "new"), PRC, "BE:0120", date(2027, 2, 1)).allowed


def test_published_certificate_signs_from_its_window(snapshot: TrustSnapshot, world: World) -> None:
    code = _denied(snapshot, world, "next", PRC, "BE:0120", date(2027, 5, 31))
    assert code == "trust.cert_not_valid_on_date"
    assert snapshot.authorize(_tp(world, "next"), PRC, "BE:0120", date(2027, 6, 1)).allowed


def test_revoked_certificate(snapshot: TrustSnapshot, world: World) -> None:
    before = snapshot.authorize(_tp(world, "lost"), PRC, "BE:0120", date(2026, 6, 30))
    assert before.allowed
    assert any(s.result is CheckResult.WARNING for s in before.steps)
    for day in (date(2026, 7, 1), date(2026, 9, 1)):
        assert _denied(snapshot, world, "lost", PRC, "BE:0120", day) == "trust.cert_revoked"
    at = snapshot.authorize(_tp(world, "lost"), PRC, "BE:0120", utc(2026, 6, 30, 23))
    assert at.allowed


def test_expired_and_not_yet_valid(snapshot: TrustSnapshot, world: World) -> None:
    code = _denied(snapshot, world, "new", PRC, "BE:0120", date(2029, 1, 2))
    assert code == "trust.cert_not_valid_on_date"
    code = _denied(snapshot, world, "new", PRC, "BE:0120", date(2026, 11, 30))
    assert code == "trust.cert_not_valid_on_date"


def test_institution_of_another_issuer(snapshot: TrustSnapshot, world: World) -> None:
    code = _denied(snapshot, world, "new", PRC, "BE:0999", date(2027, 3, 1))
    assert code == "trust.not_for_institution"
    assert snapshot.authorize(_tp(world, "other"), PRC, "BE:0999", date(2027, 3, 1)).allowed
    code = _denied(snapshot, world, "other", PRC, "BE:0120", date(2027, 3, 1))
    assert code == "trust.not_for_institution"


def test_no_accreditation_on_the_document_date(snapshot: TrustSnapshot, world: World) -> None:
    # BE:0320 is accredited for the ePRC only from 2026-06-01
    assert _denied(snapshot, world, "old", PRC, "BE:0320", date(2026, 5, 31)) == (
        "trust.not_accredited"
    )
    assert snapshot.authorize(_tp(world, "old"), PRC, "BE:0320", date(2026, 6, 1)).allowed
    # not accredited for that type at all, or an institution the list does not know
    assert _denied(snapshot, world, "new", SOCIAL, "BE:0120", date(2027, 3, 1)) == (
        "trust.not_accredited"
    )
    decision = snapshot.authorize(_tp(world, "new"), EHIC, "BE:0120", date(2031, 1, 1))
    assert decision.failure is not None  # the certificate has also expired by then
    assert {s.code for s in decision.steps if not s.ok} == {
        "trust.cert_not_valid_on_date",
        "trust.not_accredited",
    }


def test_status_certificate_cannot_sign_documents(snapshot: TrustSnapshot, world: World) -> None:
    assert _denied(snapshot, world, "status", PRC, "BE:0120", date(2027, 3, 1)) == (
        "trust.wrong_use"
    )


def test_unknown_certificate(snapshot: TrustSnapshot) -> None:
    decision = snapshot.authorize("A" * 43, PRC, "BE:0120", date(2027, 3, 1))
    assert decision.failure is not None and decision.failure.code == "trust.unknown_kid"


def test_list_signers(snapshot: TrustSnapshot, world: World) -> None:
    signers = snapshot.list_signers(STATUS_URI)
    assert [e.x5t_s256 for _, e in signers] == [_tp(world, "status")]
    assert snapshot.list_signers(REVOCATION_URI) == signers
    assert snapshot.list_signers("https://elsewhere/status/1") == ()
    ok = snapshot.authorize_list_signer(STATUS_URI, _tp(world, "status"), utc(2027, 1, 1))
    assert ok.allowed
    wrong = snapshot.authorize_list_signer(STATUS_URI, _tp(world, "new"), utc(2027, 1, 1))
    assert wrong.failure is not None and wrong.failure.code == "trust.wrong_use"
    other = snapshot.authorize_list_signer("https://x/1", _tp(world, "status"), utc(2027, 1, 1))
    assert other.failure is not None and other.failure.code == "trust.not_for_list"


# -- QR documents: kid + ic + ii (DOMAIN §1.8 step 4) ----------------------------------------
def test_qr_resolver(snapshot: TrustSnapshot, world: World) -> None:
    resolver = TrustListDocumentResolver(snapshot)
    kid = kid_for(world.certs["new"], "EESSI")
    found = resolver.resolve_document(kid, "BE", "0120", PRC, date(2027, 3, 1))
    assert found.key.public_numbers() == world.certs["new"].public_key().public_numbers()  # type: ignore[union-attr]
    assert found.official_id == "BE:0120"
    assert found.issuer is not None and found.issuer.id == "BE:CBSS"
    assert found.institution is not None and found.accreditation is not None
    assert found.certificate is not None and found.certificate.state == "active"
    lower = "eessi" + kid[len("EESSI") :]  # the spec's own examples vary the case
    resolver.resolve_document(lower, "BE", "0120", PRC, date(2027, 3, 1))
    ssh = kid_for(world.certs["new"], "BE-SSH")
    resolver.resolve_document(ssh, "BE", "CBSS", SSH, date(2027, 3, 1))


@pytest.mark.parametrize(
    ("name", "framework", "ii", "day", "code"),
    [
        ("new", "XX", "0120", date(2027, 3, 1), "trust.framework"),
        ("new", "BE-SSH", "0120", date(2027, 3, 1), "trust.framework"),
        ("new", "EESSI", "0999", date(2027, 3, 1), "trust.not_for_institution"),
        ("old", "EESSI", "0320", date(2026, 5, 1), "trust.not_accredited"),
        ("new", "EESSI", "0120", date(2029, 6, 1), "trust.cert_not_valid_on_date"),
        ("lost", "EESSI", "0120", date(2026, 8, 1), "trust.cert_revoked"),
        ("old", "EESSI", "0120", date(2027, 8, 1), "trust.cert_retired"),
    ],
)
def test_qr_resolver_refuses(
    snapshot: TrustSnapshot, world: World, name: str, framework: str, ii: str, day: date, code: str
) -> None:
    with pytest.raises(UntrustedIssuer) as exc:
        TrustListDocumentResolver(snapshot).resolve_document(
            kid_for(world.certs[name], framework), "BE", ii, PRC, day
        )
    assert exc.value.code == code


@pytest.mark.parametrize("kid", ["EESSI:jkt:" + "A" * 43, "EESSI:x5t#S256:" + "A" * 43, "x", ""])
def test_qr_resolver_unknown_kids(snapshot: TrustSnapshot, kid: str) -> None:
    with pytest.raises(UntrustedIssuer) as exc:
        TrustListDocumentResolver(snapshot).resolve_document(
            kid, "BE", "0120", PRC, date(2027, 3, 1)
        )
    assert exc.value.code == "trust.unknown_kid"
