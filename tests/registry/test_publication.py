"""Signed trust list, bundle, pushed lists, Resolver API and issuer metadata (no HTTP;
SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from trust_registry.domain import BadRequest, Conflict, PushedList
from trust_registry.services import RegistryServices
from verifier.jose import sign_compact_json
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import StatusList, encode_status_list_cwt, encode_status_list_jwt
from verifier.trust import Bundle, load_certificate, verify_trust_list

from ._support import FakeClock, make_settings, public_jwk

STATUS_URI = "http://127.0.0.1:8701/status/3f1c"


def _active(services: RegistryServices, use: str) -> tuple[LocalSigner, str]:
    key = generate_private_key("ES256")
    view = services.certificates.issue(
        "admin#0", "BE:CBSS", use=use, public_jwk=public_jwk(LocalSigner(key))
    )
    services.certificates.activate("admin#0", view.x5t_s256)
    return LocalSigner(key, certificate_chain=(load_certificate(view.der),)), view.x5t_s256


def _status_jwt(signer: LocalSigner, clock: FakeClock, uri: str = STATUS_URI) -> str:
    iat = int(clock().timestamp())
    return encode_status_list_jwt(StatusList(1024), uri=uri, signer=signer, iat=iat, exp=iat + 3600)


def test_trust_list_verifies_against_the_root(services: RegistryServices, clock: FakeClock) -> None:
    _, x5t = _active(services, "document_signing")
    document = services.publication.trust_list()
    snapshot = verify_trust_list(document.body, services.ca.root, clock())
    assert snapshot.freshness.ok
    assert snapshot.trust_list.iss == "http://registry.test"
    assert document.next_update - document.issued_at == 24 * 3600
    assert {i.official_id for i in snapshot.trust_list.institutions} == {
        "BE:CBSS",
        "BE:0120",
        "BE:0320",
    }
    issuer, entry = snapshot.certificate(x5t) or (None, None)
    assert issuer is not None and issuer.id == "BE:CBSS" and entry is not None
    assert entry.state == "active" and entry.not_before == clock()


def test_trust_list_resigned_only_on_change_or_age(
    services: RegistryServices, clock: FakeClock
) -> None:
    first = services.publication.trust_list()
    clock.advance(minutes=10)
    assert services.publication.trust_list() == first  # byte-identical: stable ETag
    services.directory.update_institution("admin#0", "BE:0320", names={"en": "Renamed"})
    changed = services.publication.trust_list()
    assert changed.etag != first.etag and changed.issued_at == int(clock().timestamp())
    sequence = verify_trust_list(changed.body, services.ca.root, clock()).sequence
    assert sequence > verify_trust_list(first.body, services.ca.root, clock()).sequence
    clock.advance(hours=7)  # older than resign_after (6 h): same data, new signature
    resigned = services.publication.trust_list()
    assert resigned.etag != changed.etag
    assert verify_trust_list(resigned.body, services.ca.root, clock()).sequence == sequence


def test_retired_and_revoked_certificates_stay_listed(
    services: RegistryServices, clock: FakeClock
) -> None:
    _, old = _active(services, "document_signing")
    clock.advance(hours=1)
    _, new = _active(services, "document_signing")
    services.certificates.retire("admin#0", old)
    clock.advance(hours=1)
    services.certificates.revoke("admin#0", new, revoked_at=clock() - timedelta(minutes=30))
    snapshot = verify_trust_list(services.publication.trust_list().body, services.ca.root, clock())
    old_entry, new_entry = snapshot.certificate(old)[1], snapshot.certificate(new)[1]  # type: ignore[index]
    assert old_entry.state == "retired" and old_entry.not_after == clock() - timedelta(hours=1)
    assert new_entry.state == "revoked"
    assert new_entry.revoked_at == clock() - timedelta(minutes=30)


def test_push_status_lists_and_bundle(services: RegistryServices, clock: FakeClock) -> None:
    signer, _ = _active(services, "status_signing")
    cwt_uri = STATUS_URI + "-cwt"
    iat = int(clock().timestamp())
    cwt = encode_status_list_cwt(StatusList(64), uri=cwt_uri, signer=signer, iat=iat)
    rid = "http://127.0.0.1:8701/revocation/0"
    claims = {"rid": rid, "issued_at": iat, "next_update": iat + 3600, "revoked": []}
    revocation = sign_compact_json({"typ": "civicred-revocation-list+jwt"}, claims, signer)
    stored = services.lists.push(
        "admin#0",
        "BE:CBSS",
        status_lists=[
            PushedList(STATUS_URI, _status_jwt(signer, clock)),
            PushedList(cwt_uri, base64.b64encode(cwt).decode(), "application/statuslist+cwt"),
        ],
        revocation_lists=[PushedList(rid, revocation, "application/jwt")],
    )
    assert len(stored) == 3
    issuer = services.directory.get_issuer("BE:CBSS")
    assert issuer.status_lists == (STATUS_URI, cwt_uri)  # registered by the push
    assert services.audit.entries(limit=1)[0].after["sha256"]
    bundle = Bundle.parse(services.publication.bundle().body, root=services.ca.root, now=clock())
    assert set(bundle.status_tokens) == {STATUS_URI, cwt_uri}
    assert bundle.status_tokens[cwt_uri].media_type == "application/statuslist+cwt"
    assert list(bundle.revocation_lists) == [rid]
    wrong_rid = PushedList(rid + "1", revocation, "application/jwt")
    with pytest.raises(BadRequest, match="rid"):
        services.lists.push("admin#0", "BE:CBSS", revocation_lists=[wrong_rid])
    assert bundle.snapshot.trust_list.issuers[0].status_lists == (STATUS_URI, cwt_uri)
    assert all(check.ok for check in bundle.checks)


def test_bundle_follows_pushes(services: RegistryServices, clock: FakeClock) -> None:
    signer, _ = _active(services, "status_signing")
    services.lists.push(
        "admin#0", "BE:CBSS", status_lists=[PushedList(STATUS_URI, _status_jwt(signer, clock))]
    )
    first = services.publication.bundle()
    assert services.publication.bundle() == first
    clock.advance(minutes=5)
    services.lists.push(
        "admin#0", "BE:CBSS", status_lists=[PushedList(STATUS_URI, _status_jwt(signer, clock))]
    )
    second = services.publication.bundle()
    assert second.etag != first.etag
    assert second.next_update <= services.publication.trust_list().next_update


def test_push_refuses_unverifiable_tokens(services: RegistryServices, clock: FakeClock) -> None:
    stranger = LocalSigner(generate_private_key("ES256"))
    with pytest.raises(Conflict, match="no active status_signing"):
        services.lists.push("admin#0", "BE:CBSS", status_lists=[PushedList(STATUS_URI, "x.y.z")])
    signer, _ = _active(services, "status_signing")
    bad = [
        PushedList(STATUS_URI, _status_jwt(stranger, clock)),  # wrong key
        PushedList(STATUS_URI, _status_jwt(signer, clock, uri=STATUS_URI + "/other")),  # wrong sub
        PushedList(STATUS_URI, "not a token"),
    ]
    for pushed in bad:
        with pytest.raises(BadRequest, match="does not verify"):
            services.lists.push("admin#0", "BE:CBSS", status_lists=[pushed])
    assert services.directory.get_issuer("BE:CBSS").status_lists == ()


def test_resolver_filters(services: RegistryServices) -> None:
    _, document_x5t = _active(services, "document_signing")
    _active(services, "status_signing")
    everything = services.resolver.issuers()
    assert [(i["countryCode"], i["officialId"]) for i in everything] == [
        ("BE", "0120"),
        ("BE", "0320"),
        ("BE", "CBSS"),
    ]
    (one,) = services.resolver.issuers(country_code="BE", official_id="0120")
    assert [c["x5t#S256"] for c in one["certificates"]] == [document_x5t]  # document signing only
    assert one["publicKeys"][0]["x5t#S256"] == document_x5t and one["publicKeys"][0]["kty"] == "EC"
    assert one["certificates"][0]["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert {p["portableDocument"] for p in one["accreditationPeriods"]} == {"EHIC"}
    assert services.resolver.issuers(official_id="BE:0320")[0]["officialId"] == "0320"
    assert len(services.resolver.issuers(x509_thumbprint=document_x5t)) == 3
    assert services.resolver.issuers(x509_thumbprint="A" * 43) == []
    assert services.resolver.issuers(country_code="FR") == []
    (cbss,) = services.resolver.issuers(official_id="CBSS")
    assert {p["portableDocument"] for p in cbss["accreditationPeriods"]} == {
        "urn:civicred:social-status:1",
        "be.civicred:ssh:1.0",
    }


def test_issuer_metadata_and_jwks(services: RegistryServices) -> None:
    signer, active = _active(services, "document_signing")
    published = services.certificates.issue(
        "admin#0",
        "BE:CBSS",
        use="document_signing",
        public_jwk=public_jwk(LocalSigner(generate_private_key("ES256"))),
    ).x5t_s256
    _active(services, "status_signing")
    metadata = services.metadata.issuer_metadata("")
    assert metadata["issuer"] == "https://issuer.civicred.localhost"
    keys = metadata["jwks"]["keys"]
    assert [k["x5t#S256"] for k in keys] == [active, published]
    assert keys[0]["kid"] == signer.kid and keys[0]["alg"] == "ES256" and len(keys[0]["x5c"]) == 1
    assert services.metadata.issuer_metadata("issuer.civicred.localhost") == metadata
    services.certificates.retire("admin#0", active)
    assert [k["x5t#S256"] for k in services.metadata.jwks("BE:CBSS")["keys"]] == [published]


def _bundle_sequence(services: RegistryServices, clock: FakeClock) -> int | None:
    return Bundle.parse(
        services.publication.bundle().body, root=services.ca.root, now=clock()
    ).sequence


def test_bundle_sequence_grows_and_survives_a_restart(
    services: RegistryServices, clock: FakeClock, database_url: str, pki_dir: Path
) -> None:
    """docs/trust-list.md §Rollback: every bundle signed gets a larger number, kept in the DB."""
    signer, _ = _active(services, "status_signing")
    first = _bundle_sequence(services, clock)
    assert first is not None and first >= 1
    assert _bundle_sequence(services, clock) == first  # cached: the same bundle, same number
    clock.advance(minutes=1)
    services.lists.push(
        "admin#0", "BE:CBSS", status_lists=[PushedList(STATUS_URI, _status_jwt(signer, clock))]
    )
    second = _bundle_sequence(services, clock)
    assert second is not None and second > first
    clock.advance(hours=13)  # past resign_after: re-signed with nothing changed
    third = _bundle_sequence(services, clock)
    assert third is not None and third > second
    restarted = RegistryServices.build(make_settings(database_url, pki_dir), clock=clock)
    try:
        assert _bundle_sequence(restarted, clock) == third
        restarted.directory.update_institution("admin#0", "BE:0320", names={"en": "Renamed"})
        fourth = _bundle_sequence(restarted, clock)
        assert fourth is not None and fourth > third
    finally:
        restarted.close()


def test_replicas_never_sign_one_number_twice(
    services: RegistryServices, clock: FakeClock, database_url: str, pki_dir: Path
) -> None:
    """Two replicas on one database re-sign concurrently: each number names one body only."""
    replicas = [services, RegistryServices.build(make_settings(database_url, pki_dir), clock=clock)]
    seen: dict[int, set[str]] = {}
    errors: list[BaseException] = []

    def work(replica: RegistryServices, rounds: int) -> None:
        try:
            for n in range(rounds):
                replica.directory.update_institution(
                    "admin#0", "BE:0320", names={"en": f"Renamed {id(replica)} {n}"}
                )
                document = replica.publication.bundle()
                sequence = Bundle.parse(document.body, root=services.ca.root, now=clock()).sequence
                assert sequence == document.sequence
                seen.setdefault(sequence, set()).add(document.etag)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(replica, 8)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    replicas[1].close()
    assert not errors, errors
    assert all(len(etags) == 1 for etags in seen.values()), seen
    assert len(seen) >= 8
