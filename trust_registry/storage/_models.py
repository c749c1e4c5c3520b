"""The registry's tables (SQLAlchemy 2, typed). Migrations live in ``trust_registry/migrations``.

Certificates and audit entries are never deleted: a retired or revoked certificate still
explains documents signed while it was valid.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.storage import UtcDateTime


class Base(DeclarativeBase):
    pass


class InstitutionRow(Base):
    """An EESSI institution / authentic source (``CC:<4-10 alphanumerics>``)."""

    __tablename__ = "institutions"

    official_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    role: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(256))
    name_fr: Mapped[str | None] = mapped_column(String(256))
    name_nl: Mapped[str | None] = mapped_column(String(256))
    name_de: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IssuerRow(Base):
    """A key holder that signs documents for one or more institutions."""

    __tablename__ = "issuers"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    name_en: Mapped[str] = mapped_column(String(256))
    name_fr: Mapped[str | None] = mapped_column(String(256))
    name_nl: Mapped[str | None] = mapped_column(String(256))
    name_de: Mapped[str | None] = mapped_column(String(256))
    credential_issuer: Mapped[str] = mapped_column(String(512), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IssuerSignsForRow(Base):
    __tablename__ = "issuer_signs_for"

    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"), primary_key=True)
    institution_id: Mapped[str] = mapped_column(
        ForeignKey("institutions.official_id"), primary_key=True
    )


class CertificateRow(Base):
    """An issuer certificate with its life cycle: published → active → retired, or revoked."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_issuer_use", "issuer_id", "use"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    use: Mapped[str] = mapped_column(String(20))
    x5t_s256: Mapped[str] = mapped_column(String(64), unique=True)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime())
    not_after: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(12))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AccreditationRow(Base):
    """What an institution may have issued in its name, and when (local calendar dates)."""

    __tablename__ = "accreditations"
    __table_args__ = (
        UniqueConstraint("institution_id", "document_type", name="uq_accreditation_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    institution_id: Mapped[str] = mapped_column(ForeignKey("institutions.official_id"))
    document_type: Mapped[str] = mapped_column(String(128))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)


class IssuerListRow(Base):
    """A status list or jti revocation list of an issuer, with the token it last pushed."""

    __tablename__ = "issuer_lists"
    __table_args__ = (Index("ix_issuer_lists_issuer", "issuer_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("issuers.id"))
    kind: Mapped[str] = mapped_column(String(12))  # "status" | "revocation"
    uri: Mapped[str] = mapped_column(String(1024), unique=True)
    media_type: Mapped[str | None] = mapped_column(String(64))
    token: Mapped[str | None] = mapped_column(Text)
    pushed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """Who changed what, when; before/after snapshots (registry data only, no personal data)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(1024))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class TrustListSequenceRow(Base):
    """One row: ``sequence`` grows with every trust-list change, ``lists_version`` with every
    pushed status/revocation list (the bundle depends on both)."""

    __tablename__ = "trust_list_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)
    lists_version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignedDocumentRow(Base):
    """The last signed trust list / bundle, shared by every replica.

    ``sequence``: the number in the body — the trust list's ``sequence`` (its content version),
    or the bundle's own counter, one more for every bundle signed (docs/trust-list.md
    §Rollback), so replicas and restarts never reuse or lower it."""

    __tablename__ = "signed_documents"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[int] = mapped_column(Integer)
    next_update: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(BigInteger, server_default="0")
