"""Issuer-side Token Status Lists against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from issuer.errors import NotFound, StatusTransitionRefused
from issuer.settings import IssuerSettings
from issuer.status import StatusService
from issuer.storage import Database
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import TokenStatus, decode_status_list_cwt, decode_status_list_jwt

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BASE_URL = "https://issuer.example"


@pytest.fixture
def signer() -> LocalSigner:
    return LocalSigner(generate_private_key("ES256"))


def make_service(url: str, signer: LocalSigner, **overrides: object) -> StatusService:
    options: dict[str, object] = {"status_list_size": 4096, **overrides}
    settings = IssuerSettings(database_url=url, public_base_url=BASE_URL, **options)  # type: ignore[arg-type]
    db = Database(url)
    db.migrate()
    return StatusService(db, settings, signer, clock=lambda: NOW)


def decode(service: StatusService, signer: LocalSigner, list_id: str, uri: str):  # type: ignore[no-untyped-def]
    published = service.published(list_id)
    assert published is not None
    now = int(NOW.timestamp())
    jwt = decode_status_list_jwt(
        published.token_jwt,
        key=signer.public_key(),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=uri,
        now=now,
    )
    cwt = decode_status_list_cwt(
        published.token_cwt,
        key=signer.public_key(),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=uri,
        now=now,
    )
    return jwt, cwt


def test_allocation_is_random_unique_and_published(database_url: str, signer: LocalSigner) -> None:
    service = make_service(database_url, signer)
    allocations = [service.allocate() for _ in range(300)]
    indices = [(a.list_id, a.index) for a in allocations]
    assert len(set(indices)) == len(indices)
    # random, not sequential: the indices are spread over the list
    assert max(a.index for a in allocations) - min(a.index for a in allocations) > 2048
    assert sorted(a.index for a in allocations) != [a.index for a in allocations]
    # every list referenced is already served, and every entry is VALID
    for allocation in allocations[:5]:
        jwt, cwt = decode(service, signer, allocation.list_id, allocation.uri)
        assert jwt.status(allocation.index) == cwt.status(allocation.index) == TokenStatus.VALID


def test_revoke_suspend_reinstate_flip_the_published_list(
    database_url: str, signer: LocalSigner
) -> None:
    service = make_service(database_url, signer)
    a, b = service.allocate(), service.allocate()
    service.set_status(a.credential_id, TokenStatus.INVALID, actor="test")
    service.set_status(b.credential_id, TokenStatus.SUSPENDED, actor="test")
    jwt, _ = decode(service, signer, a.list_id, a.uri)
    assert jwt.status(a.index) == TokenStatus.INVALID
    assert jwt.status(b.index) == TokenStatus.SUSPENDED
    service.set_status(b.credential_id, TokenStatus.VALID, actor="test")
    jwt, _ = decode(service, signer, b.list_id, b.uri)
    assert jwt.status(b.index) == TokenStatus.VALID


def test_revocation_is_final(database_url: str, signer: LocalSigner) -> None:
    service = make_service(database_url, signer)
    a = service.allocate()
    service.set_status(a.credential_id, TokenStatus.INVALID, actor="test")
    for target in (TokenStatus.VALID, TokenStatus.SUSPENDED):
        with pytest.raises(StatusTransitionRefused, match="cannot change"):
            service.set_status(a.credential_id, target, actor="test")


def test_batch_revocation_by_group(database_url: str, signer: LocalSigner) -> None:
    service = make_service(database_url, signer)
    batch = [service.allocate(group_id="holder-42/museum") for _ in range(5)]
    other = service.allocate(group_id="holder-43/museum")
    assert service.set_group_status("holder-42/museum", TokenStatus.INVALID, actor="test") == 5
    jwt, _ = decode(service, signer, other.list_id, other.uri)
    assert all(
        jwt.status(a.index) == TokenStatus.INVALID for a in batch if a.list_id == other.list_id
    )
    assert jwt.status(other.index) == TokenStatus.VALID
    with pytest.raises(NotFound, match="unknown group"):
        service.set_group_status("no-such-group", TokenStatus.INVALID, actor="test")


def test_full_list_rolls_over_to_a_new_published_list(
    database_url: str, signer: LocalSigner
) -> None:
    service = make_service(database_url, signer, status_list_size=64, status_list_fill_limit=0.25)
    allocations = [service.allocate() for _ in range(40)]
    lists = {a.list_id for a in allocations}
    assert len(lists) >= 3  # 16 per list before it closes
    for allocation in allocations:
        assert service.published(allocation.list_id) is not None


def test_concurrent_allocations_never_collide(database_url: str, signer: LocalSigner) -> None:
    """Replicas share the database: the unique constraint makes allocation atomic."""
    service = make_service(database_url, signer, status_list_size=256)
    results: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(20):
                a = service.allocate()
                results.append((a.list_id, a.index))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 80 and len(set(results)) == 80


def test_stale_tokens_are_resigned_on_read(database_url: str, signer: LocalSigner) -> None:
    clock = [NOW]
    settings = IssuerSettings(
        database_url=database_url,
        public_base_url=BASE_URL,
        status_list_size=1024,
        status_list_ttl_seconds=60,
    )
    db = Database(database_url)
    db.migrate()
    service = StatusService(db, settings, signer, clock=lambda: clock[0])
    a = service.allocate()
    first = service.published(a.list_id)
    clock[0] = NOW + timedelta(minutes=5)
    second = service.published(a.list_id)
    assert first is not None and second is not None
    assert second.published_at > first.published_at and second.token_jwt != first.token_jwt


def test_jti_revocation_lists(database_url: str, signer: LocalSigner) -> None:
    from issuer.status import JtiRevocationService
    from verifier.revocation import decode_revocation_list

    settings = IssuerSettings(
        database_url=database_url, public_base_url=BASE_URL, revocation_list_capacity=3
    )
    db = Database(database_url)
    db.migrate()
    service = JtiRevocationService(db, settings, signer, clock=lambda: NOW)
    assignments = [service.assign() for _ in range(7)]
    assert len({a.jti for a in assignments}) == 7 and all(
        a.jti.startswith("urn:uuid:") for a in assignments
    )
    assert len({a.rid for a in assignments}) == 3  # capacity 3: lists roll over
    first = assignments[0]
    service.revoke(first.jti, actor="test")
    list_id = first.rid.rsplit("/", 1)[-1]
    token = service.published(list_id)
    assert token is not None
    decoded = decode_revocation_list(
        token, key=signer.public_key(), policy=CREDENTIAL_ALGORITHMS, expected_rid=first.rid
    )
    assert decoded.is_revoked(first.jti) and not decoded.is_revoked(assignments[1].jti)
    with pytest.raises(NotFound, match="unknown document"):
        service.revoke("urn:uuid:unknown", actor="test")
