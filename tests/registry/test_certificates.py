"""Certificate issuance and life cycle (domain services; SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from trust_registry.domain import BadRequest, CertificateService, InvalidInput, InvalidTransition
from trust_registry.services import RegistryServices
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import (
    certificate_use,
    create_issuer_certificate,
    create_root_ca,
    dump_pem,
    validate_chain,
)

from ._support import FakeClock, public_jwk


def _issue(services: RegistryServices, key: LocalSigner, use: str = "document_signing") -> str:
    view = services.certificates.issue("admin#0", "BE:CBSS", use=use, public_jwk=public_jwk(key))
    return view.x5t_s256


def test_issue_from_public_jwk(services: RegistryServices, issuer_key: LocalSigner) -> None:
    view = services.certificates.issue(
        "admin#0", "BE:CBSS", use="document_signing", public_jwk=public_jwk(issuer_key)
    )
    cert = view.certificate
    assert view.state == "published" and view.issuer_id == "BE:CBSS"
    assert cert.public_key() == issuer_key.public_key()
    assert certificate_use(cert) == "document_signing"
    subject = {a.oid: a.value for a in cert.subject}
    assert subject[NameOID.ORGANIZATION_NAME] == "BE:CBSS"
    assert subject[NameOID.COUNTRY_NAME] == "BE"
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [
        "https://issuer.civicred.localhost"
    ]
    validate_chain(
        cert,
        (),
        services.ca.root,
        at=view.not_before + timedelta(minutes=6),
        use="document_signing",
    )
    assert services.audit.entries(limit=1)[0].action == "certificate.issue"


def test_issue_from_csr_checks_proof_of_possession(services: RegistryServices) -> None:
    key = generate_private_key("ES256")
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ignored")]))
        .sign(key, hashes.SHA256())
    )
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    view = services.certificates.issue("admin#0", "BE:CBSS", use="status_signing", csr_pem=pem)
    assert view.certificate.public_key() == key.public_key()
    assert certificate_use(view.certificate) == "status_signing"
    with pytest.raises(BadRequest, match="csr"):
        services.certificates.issue("admin#0", "BE:CBSS", use="status_signing", csr_pem="junk")


def test_issue_refuses_private_or_bad_keys(services: RegistryServices) -> None:
    from verifier.jose import jwk_from_private_key

    private = jwk_from_private_key(generate_private_key("ES256"))
    with pytest.raises(BadRequest, match="private"):
        services.certificates.issue(
            "admin#0", "BE:CBSS", use="document_signing", public_jwk=private
        )
    with pytest.raises(BadRequest):
        services.certificates.issue(
            "admin#0", "BE:CBSS", use="document_signing", public_jwk={"kty": "EC"}
        )
    with pytest.raises(InvalidInput, match="use"):
        services.certificates.issue("admin#0", "BE:CBSS", use="tls", public_jwk={"kty": "EC"})
    assert services.certificates.list("BE:CBSS") == []


def test_add_external_certificate_must_chain_to_root(
    services: RegistryServices, clock: FakeClock, issuer_key: LocalSigner
) -> None:
    now = clock()
    foreign_key = generate_private_key("ES256")
    foreign_root = create_root_ca(
        foreign_key,
        name="not ours",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
    )
    cert = create_issuer_certificate(
        issuer_key.public_key(),
        ca_cert=foreign_root,
        ca_key=foreign_key,
        use="document_signing",
        name="CBSS",
        issuer_id="BE:CBSS",
        country="BE",
        credential_issuer="https://issuer.civicred.localhost",
        not_before=now - timedelta(hours=1),
        not_after=now + timedelta(days=3),
    )
    with pytest.raises(BadRequest, match="refused"):
        services.certificates.add(
            "admin#0", "BE:CBSS", use="document_signing", certificate=dump_pem(cert)
        )
    ours = services.ca.issue(
        issuer_key.public_key(),
        use="status_signing",
        name="CBSS",
        issuer_id="BE:CBSS",
        country="BE",
        credential_issuer="https://issuer.civicred.localhost",
        not_before=now - timedelta(hours=1),
        not_after=now + timedelta(days=3),
    )
    with pytest.raises(BadRequest, match="for status_signing, not document_signing"):
        services.certificates.add(
            "admin#0", "BE:CBSS", use="document_signing", certificate=dump_pem(ours)
        )
    view = services.certificates.add(
        "admin#0", "BE:CBSS", use="status_signing", certificate=dump_pem(ours)
    )
    assert view.state == "published"


def test_life_cycle_and_invalid_transitions(
    services: RegistryServices, issuer_key: LocalSigner
) -> None:
    x5t = _issue(services, issuer_key)
    assert services.certificates.revoke("admin#0", x5t).state == "revoked"  # from published
    with pytest.raises(InvalidTransition, match=r"cannot retire .*: it is revoked"):
        services.certificates.retire("admin#0", x5t)
    x5t = _issue(services, LocalSigner(generate_private_key("ES256")))
    assert services.certificates.activate("admin#0", x5t).state == "active"
    with pytest.raises(InvalidTransition, match="it is active"):
        services.certificates.activate("admin#0", x5t)
    retired = services.certificates.retire("admin#0", x5t)
    assert retired.state == "retired" and retired.retired_at is not None
    with pytest.raises(InvalidTransition, match="it is retired"):
        services.certificates.activate("admin#0", x5t)
    revoked = services.certificates.revoke("admin#0", x5t)
    assert revoked.state == "revoked" and revoked.revoked_at is not None
    for step in ("activate", "retire"):
        with pytest.raises(InvalidTransition, match="it is revoked"):
            getattr(services.certificates, step)("admin#0", x5t)
    with pytest.raises(InvalidTransition):
        services.certificates.revoke("admin#0", x5t)
    actions = [e.action for e in services.audit.entries(target=x5t)]
    assert actions == [
        "certificate.revoke",
        "certificate.retire",
        "certificate.activate",
        "certificate.issue",
    ]
    assert len(services.certificates.list("BE:CBSS")) == 2  # nothing is ever deleted


def test_revoked_at_may_be_backdated_not_future(
    services: RegistryServices, clock: FakeClock, issuer_key: LocalSigner
) -> None:
    x5t = _issue(services, issuer_key)
    with pytest.raises(InvalidInput, match="future"):
        services.certificates.revoke("admin#0", x5t, revoked_at=clock() + timedelta(hours=1))
    at = clock() - timedelta(hours=2)
    assert services.certificates.revoke("admin#0", x5t, revoked_at=at).revoked_at == at


def test_rotation_with_overlap(services: RegistryServices, clock: FakeClock) -> None:
    certificates = CertificateService(
        services.db, clock, services.ca, min_publication=timedelta(hours=24)
    )
    old = certificates.issue(
        "admin#0",
        "BE:CBSS",
        use="document_signing",
        public_jwk=public_jwk(LocalSigner(generate_private_key("ES256"))),
    )
    clock.advance(hours=24)
    certificates.activate("admin#0", old.x5t_s256)
    new = certificates.issue(
        "admin#0",
        "BE:CBSS",
        use="document_signing",
        public_jwk=public_jwk(LocalSigner(generate_private_key("ES256"))),
    )
    clock.advance(hours=23)
    with pytest.raises(InvalidTransition, match="overlap"):
        certificates.rotate("admin#0", "BE:CBSS", use="document_signing", x5t=new.x5t_s256)
    # During the overlap both are listed: the old one signs, the new one is announced.
    states = {c.x5t_s256: c.state for c in certificates.list("BE:CBSS")}
    assert states == {old.x5t_s256: "active", new.x5t_s256: "published"}
    clock.advance(hours=1)
    activated, retired = certificates.rotate(
        "admin#0", "BE:CBSS", use="document_signing", x5t=new.x5t_s256
    )
    assert (activated.x5t_s256, activated.state) == (new.x5t_s256, "active")
    assert (retired.x5t_s256, retired.state, retired.retired_at) == (
        old.x5t_s256,
        "retired",
        clock(),
    )
    with pytest.raises(InvalidInput, match="not a status_signing"):
        certificates.rotate("admin#0", "BE:CBSS", use="status_signing", x5t=new.x5t_s256)


def test_rotation_keeps_other_uses(services: RegistryServices) -> None:
    status = _issue(services, LocalSigner(generate_private_key("ES256")), "status_signing")
    services.certificates.activate("admin#0", status)
    first = _issue(services, LocalSigner(generate_private_key("ES256")))
    services.certificates.activate("admin#0", first)
    second = _issue(services, LocalSigner(generate_private_key("ES256")))
    services.certificates.rotate("admin#0", "BE:CBSS", use="document_signing", x5t=second)
    states = {c.x5t_s256: c.state for c in services.certificates.list("BE:CBSS")}
    assert states == {status: "active", first: "retired", second: "active"}


def test_activation_needs_a_valid_certificate(
    services: RegistryServices, clock: FakeClock, issuer_key: LocalSigner
) -> None:
    view = services.certificates.issue(
        "admin#0",
        "BE:CBSS",
        use="document_signing",
        public_jwk=public_jwk(issuer_key),
        not_before=clock() + timedelta(days=1),
        not_after=clock() + timedelta(days=30),
    )
    with pytest.raises(InvalidTransition, match="not valid now"):
        services.certificates.activate("admin#0", view.x5t_s256)
    clock.advance(days=2)
    assert services.certificates.activate("admin#0", view.x5t_s256).state == "active"
