"""The issuer's tables (SQLAlchemy 2, typed). Migrations live in ``issuer/migrations``."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.storage import UtcDateTime


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for statements built once and executed on the connection
    (what the issuance path does: a fraction of the ORM's cost per statement)."""
    return cast(Table, model.__table__)


class StatusListRow(Base):
    """One Token Status List: fixed size, 2 bits per entry, published before any index is used."""

    __tablename__ = "status_lists"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uri: Mapped[str] = mapped_column(String(512), unique=True)
    bits: Mapped[int] = mapped_column(SmallInteger)
    size: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    open: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    published_version: Mapped[int] = mapped_column(Integer, default=-1)
    token_jwt: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_cwt: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class StatusEntryRow(Base):
    """An allocated index. The unique constraint makes allocation atomic across replicas."""

    __tablename__ = "status_entries"
    __table_args__ = (
        UniqueConstraint("list_id", "idx", name="uq_status_entry_index"),
        Index("ix_status_entries_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("status_lists.id"))
    idx: Mapped[int] = mapped_column(Integer)
    #: Opaque credential handle (a random id, never personal data).
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: Credentials issued together for one holder and purpose share a group (batch revocation).
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[int] = mapped_column(SmallInteger, default=0)
    allocated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RevocationListRow(Base):
    """A size-limited jti revocation list (the ``rid`` of a paper document)."""

    __tablename__ = "revocation_lists"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uri: Mapped[str] = mapped_column(String(512), unique=True)
    capacity: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer, default=0)
    open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    token: Mapped[str | None] = mapped_column(Text, nullable=True)


class RevocationEntryRow(Base):
    """A jti assigned to a list at issuance; ``revoked_at`` set when it is revoked."""

    __tablename__ = "revocation_entries"

    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("revocation_lists.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AuditEntryRow(Base):
    """One entry of the hash-chained audit log (issuer/audit, docs/operator-api.md): appended
    under the chain head's lock, never updated or deleted. No personal data: pseudonymous
    targets, codes and counts only."""

    __tablename__ = "audit_entries"

    #: Position in the chain: 1, 2, 3, … without gaps.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(256))
    #: A JSON object (canonical JSON, RFC 8785).
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain head (one row, ``id = 1``): the last entry's ``seq`` and ``hash``. Appenders
    lock it (``SELECT … FOR UPDATE``) so that appends from several processes form one chain."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class IssuanceRow(Base):
    """Everything issued of one credential type for one grant, under a random pseudonymous
    reference (``iss_…``). Neither the grant reference itself nor anything about the person is
    stored: the grant only as its SHA-256."""

    __tablename__ = "issuances"
    __table_args__ = (
        UniqueConstraint("grant_digest", "credential_type", name="uq_issuance_grant_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    grant_digest: Mapped[str] = mapped_column(String(64))
    credential_type: Mapped[str] = mapped_column(String(64), index=True)
    #: Day precision is all the operator API needs.
    created_on: Mapped[date] = mapped_column(Date, index=True)
    #: The subject as a labelled SHA-256 of the source's pseudonymous subject id (what the
    #: portal lists and source events find); ``NULL`` for issuances recorded without one.
    subject_digest: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class IssuanceBasisRow(Base):
    """A source fact an issuance is built on (``status:<code>``, ``insurance``): a source event
    on that fact of that subject revokes or suspends the issuance (issuer.source_events)."""

    __tablename__ = "issuance_bases"
    __table_args__ = (UniqueConstraint("issuance_id", "basis", name="uq_issuance_basis"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuance_id: Mapped[int] = mapped_column(ForeignKey("issuances.id"), index=True)
    basis: Mapped[str] = mapped_column(String(32), index=True)


class IssuanceMemberRow(Base):
    """A status entry (``kind = 'status'``, a wallet credential or a status-list document) or a
    jti on a revocation list (``kind = 'jti'``, a paper document) of one issuance."""

    __tablename__ = "issuance_members"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'status' AND credential_id IS NOT NULL AND jti IS NULL)"
            " OR (kind = 'jti' AND jti IS NOT NULL AND credential_id IS NULL)",
            name="ck_issuance_member_kind",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuance_id: Mapped[int] = mapped_column(ForeignKey("issuances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    credential_id: Mapped[str | None] = mapped_column(
        ForeignKey("status_entries.credential_id"), unique=True, nullable=True
    )
    jti: Mapped[str | None] = mapped_column(
        ForeignKey("revocation_entries.jti"), unique=True, nullable=True
    )
