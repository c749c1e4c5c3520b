"""The registry PKI: certificate profiles, thumbprints, x5c and chain validation."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from verifier import MalformedInput, UntrustedIssuer
from verifier.trust import (
    DOCUMENT_SIGNING_OID,
    STATUS_SIGNING_OID,
    certificate_from_b64,
    certificate_use,
    dump_der,
    dump_pem,
    kid_for,
    load_certificate,
    load_pem_certificates,
    parse_x5c,
    validate_chain,
    x5c_header,
    x5t_s256,
)

from ._world import ISSUER_URI, Pki, World, utc


def _code(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return getattr(exc.value, "code", "")


def test_root_profile(world: World) -> None:
    root = world.pki.root
    bc = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 1
    assert root.subject == root.issuer
    assert root.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign


def test_issuer_leaf_profile(world: World) -> None:
    cert = world.certs["new"]
    names = {a.oid: a.value for a in cert.subject}
    assert names == {
        NameOID.COMMON_NAME: "BE:CBSS signer",
        NameOID.ORGANIZATION_NAME: "BE:CBSS",
        NameOID.COUNTRY_NAME: "BE",
    }
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == [ISSUER_URI]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [DOCUMENT_SIGNING_OID]
    assert certificate_use(cert) == "document_signing"
    assert certificate_use(world.certs["status"]) == "status_signing"
    assert STATUS_SIGNING_OID.dotted_string.endswith(".2")
    assert certificate_use(world.pki.registry_cert) is None


def test_thumbprint_and_kid(world: World) -> None:
    cert = world.certs["new"]
    digest = hashlib.sha256(dump_der(cert)).digest()
    assert x5t_s256(cert) == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert x5t_s256(dump_der(cert)) == x5t_s256(cert)
    assert kid_for(cert, "EESSI") == f"EESSI:x5t#S256:{x5t_s256(cert)}"
    with pytest.raises(ValueError):
        kid_for(cert, "A:B")


def test_pem_der_round_trip(world: World) -> None:
    cert = world.certs["old"]
    assert load_certificate(dump_pem(cert)) == cert
    assert load_certificate(dump_der(cert)) == cert
    both = dump_pem(cert) + dump_pem(world.pki.root)
    assert load_pem_certificates(both) == (cert, world.pki.root)
    with pytest.raises(MalformedInput):
        load_certificate(b"not a certificate")


def test_x5c_header_excludes_root_and_parses_back(world: World) -> None:
    chain = (world.certs["new"], world.pki.root)
    header = x5c_header(chain)
    assert len(header) == 1  # HAIP: never the trust anchor
    assert base64.b64decode(header[0]) == dump_der(world.certs["new"])
    assert parse_x5c(header) == (world.certs["new"],)
    assert certificate_from_b64(header[0]) == world.certs["new"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "trust.x5c"),
        ([], "trust.x5c"),
        (["a"] * 5, "trust.x5c"),
        (["%%%"], "trust.certificate"),
    ],
)
def test_parse_x5c_rejects(value: object, code: str) -> None:
    with pytest.raises((UntrustedIssuer, MalformedInput)) as exc:
        parse_x5c(value)
    assert _code(exc) == code


def test_chain_ok(world: World) -> None:
    chain = validate_chain(
        world.certs["new"], [], world.pki.root, at=utc(2027, 3, 1), use="document_signing"
    )
    assert chain == (world.certs["new"], world.pki.root)


def test_chain_ignores_the_root_inside_x5c(world: World) -> None:
    chain = validate_chain(
        world.certs["new"],
        [world.pki.root],
        world.pki.root,
        at=utc(2027, 3, 1),
        use="document_signing",
    )
    assert chain[-1] == world.pki.root


def test_wrong_root(world: World) -> None:
    stranger = Pki(name="someone else's root")
    with pytest.raises(UntrustedIssuer) as exc:
        validate_chain(
            world.certs["new"], [], stranger.root, at=utc(2027, 3, 1), use="document_signing"
        )
    assert _code(exc) == "trust.chain"


def test_self_signed_leaf_is_not_a_chain(world: World) -> None:
    with pytest.raises(UntrustedIssuer) as exc:
        validate_chain(
            world.pki.root, [], world.pki.root, at=utc(2027, 1, 1), use="document_signing"
        )
    assert _code(exc) == "trust.chain"


@pytest.mark.parametrize(
    ("at", "code"),
    [(utc(2029, 1, 2), "trust.cert_expired"), (utc(2026, 11, 30), "trust.cert_not_yet_valid")],
)
def test_validity_window(world: World, at: object, code: str) -> None:
    with pytest.raises(UntrustedIssuer) as exc:
        validate_chain(world.certs["new"], [], world.pki.root, at=at, use="document_signing")  # type: ignore[arg-type]
    assert _code(exc) == code


@pytest.mark.parametrize(
    ("name", "use"),
    [
        ("status", "document_signing"),
        ("new", "status_signing"),
        ("new", "registry_signing"),  # an issuer cannot sign a trust list
    ],
)
def test_wrong_use(world: World, name: str, use: str) -> None:
    with pytest.raises(UntrustedIssuer) as exc:
        validate_chain(world.certs[name], [], world.pki.root, at=utc(2027, 3, 1), use=use)  # type: ignore[arg-type]
    assert _code(exc) == "trust.wrong_use"


def test_registry_certificate_validates_for_registry_use(world: World) -> None:
    validate_chain(
        world.pki.registry_cert, [], world.pki.root, at=utc(2027, 1, 1), use="registry_signing"
    )
    with pytest.raises(UntrustedIssuer) as exc:
        validate_chain(
            world.pki.registry_cert, [], world.pki.root, at=utc(2027, 1, 1), use="document_signing"
        )
    assert _code(exc) == "trust.wrong_use"


def test_naive_time_is_refused(world: World) -> None:
    with pytest.raises(ValueError):
        validate_chain(
            world.certs["new"],
            [],
            world.pki.root,
            at=utc(2027, 1, 1).replace(tzinfo=None),
            use="document_signing",
        )
