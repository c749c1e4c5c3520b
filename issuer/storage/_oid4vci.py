"""OpenID4VCI state (docs/openid4vci.md): offers and their pre-authorized codes, access tokens,
nonces, DPoP replay records and credential responses. All of it lives here, none in memory, so
any number of processes on one database serve one flow; single use is a conditional ``UPDATE`` /
``DELETE`` whose row count is checked, or an ``INSERT`` under a unique key.

Secrets are stored as SHA-256 digests (hex), never in clear: offer handles, pre-authorized codes,
transaction codes (hashed with their pre-authorized code, so a database reader cannot try the
few million numeric values), access tokens, ``c_nonce`` values and DPoP ``jti`` values. Server
DPoP nonces are public challenges handed to every client: they are kept as they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from issuer.storage._models import Base
from servicekit.storage import UtcDateTime

DIGEST = String(64)  # SHA-256, hex


class OfferRow(Base):
    """A credential offer with its pre-authorized grant (OpenID4VCI 1.0 §4.1). ``id`` is the
    grant reference (random, never shown to the wallet)."""

    __tablename__ = "oid4vci_offers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The offer URI's random handle (``/offers/<handle>``), which also derives the code.
    handle_digest: Mapped[str] = mapped_column(DIGEST, unique=True)
    code_digest: Mapped[str] = mapped_column(DIGEST, unique=True)
    #: The pseudonymous subject id of the authentic source (never a national number or name).
    subject_id: Mapped[str] = mapped_column(String(128))
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    tx_code_digest: Mapped[str | None] = mapped_column(DIGEST, nullable=True)
    tx_code_length: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    #: Transaction codes tried so far (each try reserves one before it is checked).
    tx_code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AccessTokenRow(Base):
    """An opaque DPoP-bound access token (RFC 9449 §6: ``jkt`` is its key's thumbprint)."""

    __tablename__ = "oid4vci_access_tokens"

    digest: Mapped[str] = mapped_column(DIGEST, primary_key=True)
    grant_reference: Mapped[str] = mapped_column(ForeignKey("oid4vci_offers.id"), index=True)
    jkt: Mapped[str] = mapped_column(String(64))
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    #: The token response carried ``authorization_details``: requests name a
    #: ``credential_identifier`` (OpenID4VCI 1.0 §8.2).
    by_identifier: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CNonceRow(Base):
    """An unused ``c_nonce`` (OpenID4VCI 1.0 §7); deleted when used."""

    __tablename__ = "oid4vci_c_nonces"

    digest: Mapped[str] = mapped_column(DIGEST, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DpopNonceRow(Base):
    """A server-provided DPoP nonce (RFC 9449 §8), accepted until ``expires_at``."""

    __tablename__ = "oid4vci_dpop_nonces"

    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DpopJtiRow(Base):
    """A DPoP proof seen (digest of key thumbprint and ``jti``, RFC 9449 §11.1), kept while its
    ``iat`` is inside the acceptance window."""

    __tablename__ = "oid4vci_dpop_jtis"

    digest: Mapped[str] = mapped_column(DIGEST, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class CredentialResponseRow(Base):
    """One credential response: the copies of one credential configuration issued for one grant
    (at most one per grant and configuration), and the wallet's notification about them."""

    __tablename__ = "oid4vci_credential_responses"
    __table_args__ = (
        UniqueConstraint("grant_reference", "configuration_id", name="uq_oid4vci_response_grant"),
    )

    notification_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    grant_reference: Mapped[str] = mapped_column(ForeignKey("oid4vci_offers.id"))
    configuration_id: Mapped[str] = mapped_column(String(64))
    #: The status handles (``StatusAllocation.credential_id``) of the copies, once issued.
    credential_ids: Mapped[Any] = mapped_column(JSON, nullable=True)
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: ``credential_accepted`` / ``credential_failure`` / ``credential_deleted`` (§11.1), latest.
    event: Mapped[str | None] = mapped_column(String(32), nullable=True)
    event_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AuthorizationRow(Base):
    """A wallet's authorization request (OpenID4VCI 1.0 §5, pushed: RFC 9126) and, once the
    citizen logged in, its authorization code. ``id`` is the grant reference: an
    :class:`OfferRow` with the same id is made for the grant when the code is issued, so access
    tokens, credential responses and issuances treat both grants alike."""

    __tablename__ = "oid4vci_authorizations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_uri_digest: Mapped[str] = mapped_column(DIGEST, unique=True)
    client_id: Mapped[str] = mapped_column(String(256))
    #: RFC 7638 thumbprint of the client instance key (the wallet attestation's ``cnf.jwk``).
    client_jkt: Mapped[str] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(String(1024))
    state: Mapped[str | None] = mapped_column(String(512), nullable=True)
    code_challenge: Mapped[str] = mapped_column(String(128))
    configuration_ids: Mapped[list[str]] = mapped_column(JSON)
    #: Asked with ``authorization_details``: the token names credential identifiers (§6.2).
    by_identifier: Mapped[bool] = mapped_column(default=False)
    #: The DPoP key the code is bound to (RFC 9449 §10: a DPoP proof at PAR, or ``dpop_jkt``).
    dpop_jkt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    request_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    code_digest: Mapped[str | None] = mapped_column(DIGEST, unique=True, nullable=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    code_redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
