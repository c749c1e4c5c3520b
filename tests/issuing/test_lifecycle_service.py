"""issuer.lifecycle on a real database: issuances recorded from the real issuing pipeline, and
what revoke / suspend / reinstate do to their status entries, jtis and published lists."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from issuer.errors import Conflict, InvalidRequest, NotFound, StatusTransitionRefused
from issuer.lifecycle import ISSUANCE_REFERENCE, IssuanceState, ReasonCode
from issuer.services import IssuerServices
from issuer.status import Change
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.revocation import decode_revocation_list
from verifier.status import TokenStatus, decode_status_list_jwt

from ._lifecycle import build_services, issue_paper, issue_wallet

OP = {"actor": "operator#0", "reason": ReasonCode.HOLDER_REQUEST}


@pytest.fixture
def services(database_url: str) -> Iterator[IssuerServices]:
    built = build_services(database_url)
    yield built
    built.close()


def published_status(services: IssuerServices, credential_id: str) -> TokenStatus:
    """The status a relying party reads from the *published* list for ``credential_id``."""
    with services.db.session() as session:
        (entry,) = services.status.entries(session, [credential_id])
        list_id, index = entry.list_id, entry.idx
    published = services.status.published(list_id)
    decoded = decode_status_list_jwt(
        published.token_jwt,
        key=services.status_signer.public_key(),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=published.uri,
        now=int(published.published_at.timestamp()),
    )
    return decoded.status(index)


def published_revoked(services: IssuerServices, jti: str) -> bool:
    with services.db.session() as session:
        (entry,) = services.revocation.entries(session, [jti])
        list_id = entry.list_id
    token = services.revocation.published(list_id)
    key = services.status_signer.public_key()
    rid = services.settings.endpoint(f"revocation/{list_id}")
    decoded = decode_revocation_list(token, key=key, policy=CREDENTIAL_ALGORITHMS, expected_rid=rid)
    return jti in decoded.revoked


def test_one_grant_is_one_issuance_and_references_are_pseudonymous(
    services: IssuerServices,
) -> None:
    reference, ids = issue_wallet(services, "grant-A", type_id="ehic", copies=3)
    assert ISSUANCE_REFERENCE.fullmatch(reference)
    # The OpenID4VCI side records once per credential response: the same grant appends.
    more, more_ids = issue_wallet(services, "grant-A", type_id="ehic", copies=1)
    assert more == reference
    # The paper eEHIC of the same grant joins it (its catalog type is ehic).
    document = issue_paper(services, "ehic", grant="grant-A")
    assert document.issuance == reference
    issuance = services.lifecycle.issuance(reference, actor="auditor#0")
    assert issuance.credential_type == "ehic" and issuance.state is IssuanceState.ACTIVE
    assert [m.id for m in issuance.members] == [*ids, *more_ids, document.rendered.payload["jti"]]
    assert [m.kind.value for m in issuance.members] == ["status"] * 4 + ["jti"]
    # Recording again changes nothing; another grant or type is another issuance.
    assert (
        services.lifecycle.record(
            grant_reference="grant-A", credential_type="ehic", credential_ids=ids[:1]
        )
        == reference
    )
    assert len(services.lifecycle.issuance(reference, actor="a").members) == 5
    other, _ = issue_wallet(services, "grant-B", type_id="ehic", copies=1)
    prc, _ = issue_wallet(services, "grant-A", type_id="ehic-prc", copies=1)
    assert len({reference, other, prc}) == 3
    # Neither the grant reference nor anything about the person is stored.
    with services.db.engine.connect() as connection:
        dump = repr(connection.exec_driver_sql("SELECT * FROM issuances").all())
    assert "grant-A" not in dump and "85073003328" not in dump and "Peeters" not in dump


def test_record_refuses_what_it_cannot_stand_for(services: IssuerServices) -> None:
    _, ids = issue_wallet(services, "grant-A", copies=1)
    record = services.lifecycle.record
    with pytest.raises(InvalidRequest):
        record(grant_reference="g", credential_type="social-status")
    with pytest.raises(InvalidRequest):
        record(grant_reference="g", credential_type="passport", credential_ids=ids)
    with pytest.raises(InvalidRequest):
        record(grant_reference="", credential_type="social-status", credential_ids=ids)
    with pytest.raises(NotFound):
        record(grant_reference="g", credential_type="social-status", credential_ids=["0" * 32])
    with pytest.raises(NotFound):
        record(grant_reference="g", credential_type="ehic", jtis=["urn:uuid:nope"])
    with pytest.raises(Conflict):  # already a member of grant-A's issuance
        record(grant_reference="grant-B", credential_type="social-status", credential_ids=ids)


def test_revoking_an_issuance_flips_every_status_entry_and_every_jti_in_the_published_lists(
    services: IssuerServices,
) -> None:
    reference, ids = issue_wallet(services, "grant-A", type_id="ehic", copies=2)
    jti = issue_paper(services, "ehic", grant="grant-A").rendered.payload["jti"]
    bystander, other_ids = issue_wallet(services, "grant-B", type_id="ehic", copies=1)
    result = services.lifecycle.change_issuance(reference, Change.REVOKE, **OP)
    assert [m.outcome.value for m in result.members] == ["changed"] * 3
    assert result.issuance is not None and result.issuance.state is IssuanceState.REVOKED
    for credential_id in ids:
        assert published_status(services, credential_id) is TokenStatus.INVALID
    assert published_revoked(services, jti)
    assert published_status(services, other_ids[0]) is TokenStatus.VALID
    # Revoking again is harmless; nothing brings it back (ARF: INVALID is final).
    again = services.lifecycle.change_issuance(reference, Change.REVOKE, **OP)
    assert {m.outcome.value for m in again.members} == {"unchanged"}
    for change in (Change.REINSTATE, Change.SUSPEND):
        with pytest.raises(StatusTransitionRefused, match="final"):
            services.lifecycle.change_issuance(reference, change, **OP)
    assert services.lifecycle.issuance(bystander, actor="a").state is IssuanceState.ACTIVE


def test_suspending_applies_to_status_entries_and_says_which_paper_documents_it_cannot(
    services: IssuerServices,
) -> None:
    reference, ids = issue_wallet(services, "grant-A", type_id="ehic", copies=2)
    jti = issue_paper(services, "ehic", grant="grant-A").rendered.payload["jti"]
    suspended = services.lifecycle.change_issuance(reference, Change.SUSPEND, **OP)
    outcomes = {m.member.id: (m.member.status, m.outcome.value) for m in suspended.members}
    assert outcomes == {
        ids[0]: ("suspended", "changed"),
        ids[1]: ("suspended", "changed"),
        jti: ("valid", "not_suspendable"),
    }
    # The paper document still verifies: the issuance is not wholly suspended.
    assert suspended.issuance is not None and suspended.issuance.state is IssuanceState.ACTIVE
    assert published_status(services, ids[0]) is TokenStatus.SUSPENDED
    assert not published_revoked(services, jti)
    reinstated = services.lifecycle.change_issuance(reference, Change.REINSTATE, **OP)
    assert [m.outcome.value for m in reinstated.members] == ["changed", "changed", "unchanged"]
    assert published_status(services, ids[1]) is TokenStatus.VALID


def test_an_issuance_of_paper_documents_only_cannot_be_suspended(
    services: IssuerServices,
) -> None:
    document = issue_paper(services, "prc")
    with pytest.raises(StatusTransitionRefused, match="revoke-only"):
        services.lifecycle.change_issuance(document.issuance, Change.SUSPEND, **OP)
    # A social-status venue document is on a Token Status List: it can be suspended.
    venue = issue_paper(services, "ssh")
    result = services.lifecycle.change_issuance(venue.issuance, Change.SUSPEND, **OP)
    assert result.issuance is not None and result.issuance.state is IssuanceState.SUSPENDED


def test_single_credentials_and_documents(services: IssuerServices) -> None:
    reference, ids = issue_wallet(services, "grant-A", copies=2)
    one = services.lifecycle.change_credential(ids[0], Change.SUSPEND, **OP)
    assert one.issuance is not None and one.issuance.reference == reference
    assert one.issuance.state is IssuanceState.ACTIVE  # the other copy is still valid
    services.lifecycle.change_credential(ids[1], Change.REVOKE, **OP)
    assert services.lifecycle.issuance(reference, actor="a").state is IssuanceState.SUSPENDED
    services.lifecycle.change_credential(ids[0], Change.REINSTATE, **OP)
    with pytest.raises(StatusTransitionRefused):
        services.lifecycle.change_credential(ids[1], Change.REINSTATE, **OP)
    # A partly revoked issuance: reinstating it leaves the revoked copy as it is.
    services.lifecycle.change_credential(ids[0], Change.SUSPEND, **OP)
    back = services.lifecycle.change_issuance(reference, Change.REINSTATE, **OP)
    assert [m.outcome.value for m in back.members] == ["changed", "final"]

    jti = issue_paper(services, "prc").rendered.payload["jti"]
    with pytest.raises(StatusTransitionRefused, match="cannot be suspended"):
        services.lifecycle.change_document(jti, Change.SUSPEND, **OP)
    assert services.lifecycle.change_document(jti, Change.REINSTATE, **OP).members[0].outcome == (
        "unchanged"
    )
    services.lifecycle.change_document(jti, Change.REVOKE, **OP)
    assert published_revoked(services, jti)
    with pytest.raises(StatusTransitionRefused, match="final"):
        services.lifecycle.change_document(jti, Change.REINSTATE, **OP)
    for missing in (
        lambda: services.lifecycle.change_credential("0" * 32, Change.REVOKE, **OP),
        lambda: services.lifecycle.change_document("urn:uuid:nope", Change.REVOKE, **OP),
        lambda: services.lifecycle.change_issuance("iss_" + "a" * 26, Change.REVOKE, **OP),
    ):
        with pytest.raises(NotFound):
            missing()


def test_listing_filters_by_type_state_and_day_and_pages(services: IssuerServices) -> None:
    active, _ = issue_wallet(services, "g1", type_id="social-status", copies=1)
    suspended, _ = issue_wallet(services, "g2", type_id="social-status", copies=1)
    revoked, _ = issue_wallet(services, "g3", type_id="ehic", copies=1)
    paper = issue_paper(services, "prc").issuance
    services.lifecycle.change_issuance(suspended, Change.SUSPEND, **OP)
    services.lifecycle.change_issuance(revoked, Change.REVOKE, **OP)
    services.lifecycle.change_issuance(paper, Change.REVOKE, **OP)
    listing = services.lifecycle.issuances

    def refs(**filters: object) -> list[str]:
        return [i.reference for i in listing(actor="a", **filters).issuances]  # type: ignore[arg-type]

    assert refs() == [active, suspended, revoked, paper]
    assert refs(credential_type="social-status") == [active, suspended]
    assert refs(state=IssuanceState.ACTIVE) == [active]
    assert refs(state=IssuanceState.SUSPENDED) == [suspended]
    assert refs(state=IssuanceState.REVOKED) == [revoked, paper]
    assert refs(state=IssuanceState.REVOKED, credential_type="ehic-prc") == [paper]
    # The SQL filter and each issuance's own state agree.
    for issuance in listing(actor="a").issuances:
        assert refs(state=issuance.state).count(issuance.reference) == 1
    today = services.clock().date()
    assert refs(since=today) == refs() and refs(since=today + timedelta(days=1)) == []
    first = listing(actor="a", limit=3)
    assert first.next_after == revoked and len(first.issuances) == 3
    rest = listing(actor="a", limit=3, after=first.next_after)
    assert [i.reference for i in rest.issuances] == [paper] and rest.next_after is None
    with pytest.raises(InvalidRequest):
        listing(actor="a", credential_type="85073003328")
    with pytest.raises(InvalidRequest):
        listing(actor="a", after="not-a-reference")
    with pytest.raises(InvalidRequest):
        listing(actor="a", after="iss_" + "a" * 26)  # names no issuance


@pytest.mark.parametrize(
    "note",
    [
        "85073003328",
        "RRN 85.07.30-333.28",
        "born 1985-07-30",
        "born 30/07/1985",
        "call 0470 12 34 56",
        "mail jan.peeters@example.be",
        "x" * 201,
        "two\nlines",
    ],
)
def test_a_note_that_looks_like_personal_data_is_refused_and_not_recorded(
    services: IssuerServices, note: str
) -> None:
    reference, _ = issue_wallet(services, "grant-A", copies=1)
    with pytest.raises(InvalidRequest) as refused:
        services.lifecycle.change_issuance(
            reference, Change.REVOKE, actor="operator#0", reason=ReasonCode.OTHER, note=note
        )
    assert note not in refused.value.message
    assert services.lifecycle.issuance(reference, actor="a").state is IssuanceState.ACTIVE
    with services.db.session() as session:
        (last,) = services.audit.entries(session, after=0, limit=500)[-2:-1]
    assert last.action == "issuance.revoke" and last.detail == {
        "outcome": "invalid_request",
        "reason": "other",
    }


def test_reasons_and_notes_are_recorded(services: IssuerServices) -> None:
    reference, _ = issue_wallet(services, "grant-A", copies=1)
    with pytest.raises(InvalidRequest, match="needs a note"):
        services.lifecycle.change_issuance(
            reference, Change.REVOKE, actor="operator#0", reason=ReasonCode.OTHER
        )
    services.lifecycle.change_issuance(
        reference,
        Change.REVOKE,
        actor="operator#0",
        reason=ReasonCode.DEVICE_LOST,
        note="INC-20431",
    )
    with services.db.session() as session:
        entry = services.audit.entries(session, limit=500)[-1]
    assert (entry.actor, entry.action, entry.target) == (
        "operator#0",
        "issuance.revoke",
        f"issuance:{reference}",
    )
    assert entry.detail == {
        "outcome": "ok",
        "reason": "device_lost",
        "note": "INC-20431",
        "changed": 1,
    }


def test_concurrent_recordings_of_one_grant_make_one_issuance(services: IssuerServices) -> None:
    """Replicas answering the credential requests of one grant at the same moment."""
    allocations = [services.status.allocate().credential_id for _ in range(6)]
    barrier = threading.Barrier(len(allocations))
    references: list[str] = []
    failures: list[BaseException] = []

    def record(credential_id: str) -> None:
        try:
            barrier.wait()
            references.append(
                services.lifecycle.record(
                    grant_reference="grant-A",
                    credential_type="ehic",
                    credential_ids=[credential_id],
                )
            )
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=record, args=(c,)) for c in allocations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(set(references)) == 1
    issuance = services.lifecycle.issuance(references[0], actor="a")
    assert sorted(m.id for m in issuance.members) == sorted(allocations)
