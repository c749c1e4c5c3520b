"""The issuer's tables (SQLAlchemy 2, typed). Migrations live in ``issuer/migrations``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.storage import UtcDateTime


class Base(DeclarativeBase):
    pass


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


class AuditRow(Base):
    """What an operator did (no personal data: credential handles and codes only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(256))
    detail: Mapped[str] = mapped_column(Text, default="")


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
