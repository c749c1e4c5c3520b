"""What ``/readyz`` checks on the issuer: the database answers a real query, its schema is at
the newest migration, and each signing key signs and verifies with a certificate valid now (a
status list signed with an expired certificate is refused by every verifier)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from servicekit.observability import Check, NotReady
from verifier.signing import Signer

if TYPE_CHECKING:  # the services import the protocol code, which records metrics here
    from issuer.services import IssuerServices

_PROBE = b"civicred readiness probe"


def readiness_checks(services: IssuerServices) -> dict[str, Check]:
    return {
        "database": lambda: _database(services),
        "schema": lambda: _schema(services),
        "document_signing": lambda: _signer(services.document_signer, services.clock),
        "status_signing": lambda: _signer(services.status_signer, services.clock),
    }


def _database(services: IssuerServices) -> None:
    try:
        services.db.ping()
    except Exception as exc:
        raise NotReady(f"unreachable ({type(exc).__name__})") from None


def _schema(services: IssuerServices) -> None:
    try:
        current, head = services.db.schema_revisions()
    except Exception as exc:
        raise NotReady(f"unreadable ({type(exc).__name__})") from None
    if current != head:
        raise NotReady(f"at revision {current or 'none'}, not {head}: run civicred issuer migrate")


def _signer(signer: Signer, clock: Callable[[], datetime]) -> None:
    try:
        signature = signer.sign(_PROBE)
        verified = signer.algorithm.verify(signer.public_key(), signature, _PROBE)
    except Exception as exc:
        raise NotReady(f"cannot sign ({type(exc).__name__})") from None
    if not verified:
        raise NotReady("its signature does not verify with its public key")
    chain = signer.certificate_chain
    if not chain:
        raise NotReady("no certificate")
    if _spki(chain[0].public_key()) != _spki(signer.public_key()):
        raise NotReady("the certificate is not the key's")
    now = clock()
    if now > chain[0].not_valid_after_utc:
        raise NotReady(f"certificate expired at {chain[0].not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}")
    if now < chain[0].not_valid_before_utc:
        raise NotReady(
            f"certificate not valid before {chain[0].not_valid_before_utc:%Y-%m-%dT%H:%M:%SZ}"
        )


def _spki(key: object) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)  # type: ignore[attr-defined,no-any-return]
