"""issuances and the hash-chained audit log

The flat ``audit_log`` table becomes the chain ``audit_entries`` + ``audit_head``: its rows are
carried over in ``id`` order as seq 1, 2, … with their hashes computed here (the encoding of
issuer.audit, version 1, which never changes meaning), then the table is dropped.

Revision ID: 0003
Revises: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

from issuer.audit import GENESIS_HASH, canonical_json, entry_hash
from servicekit.storage import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_old_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", UtcDateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("target", sa.String()),
    sa.column("detail", sa.Text()),
)
_entries = sa.table(
    "audit_entries",
    sa.column("seq", sa.BigInteger()),
    sa.column("at", UtcDateTime()),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("target", sa.String()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_head = sa.table(
    "audit_head", sa.column("id", sa.Integer()), sa.column("seq", sa.BigInteger()),
    sa.column("hash", sa.String()),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=256), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "issuances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("grant_digest", sa.String(length=64), nullable=False),
        sa.Column("credential_type", sa.String(length=64), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grant_digest", "credential_type", name="uq_issuance_grant_type"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issuances_credential_type"), ["credential_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_issuances_created_on"), ["created_on"], unique=False)
    op.create_table(
        "issuance_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=True),
        sa.Column("jti", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "(kind = 'status' AND credential_id IS NOT NULL AND jti IS NULL)"
            " OR (kind = 'jti' AND jti IS NOT NULL AND credential_id IS NULL)",
            name="ck_issuance_member_kind",
        ),
        sa.ForeignKeyConstraint(["credential_id"], ["status_entries.credential_id"]),
        sa.ForeignKeyConstraint(["issuance_id"], ["issuances.id"]),
        sa.ForeignKeyConstraint(["jti"], ["revocation_entries.jti"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
        sa.UniqueConstraint("jti"),
    )
    with op.batch_alter_table("issuance_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issuance_members_issuance_id"), ["issuance_id"], unique=False
        )
    _chain_old_entries()
    op.drop_table("audit_log")


def _chain_old_entries() -> None:
    connection = op.get_bind()
    previous, seq = GENESIS_HASH, 0
    for row in connection.execute(sa.select(_old_audit).order_by(_old_audit.c.id)):
        seq += 1
        detail = {"text": row.detail} if row.detail else {}
        digest = entry_hash(
            seq=seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            detail=detail,
            prev_hash=previous,
        )
        connection.execute(
            _entries.insert().values(
                seq=seq, at=row.at, actor=row.actor, action=row.action, target=row.target,
                detail=canonical_json(detail), prev_hash=previous, hash=digest,
            )
        )  # fmt: skip
        previous = digest
    connection.execute(_head.insert().values(id=1, seq=seq, hash=previous))


def downgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=256), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(_entries).order_by(_entries.c.seq)):
        connection.execute(
            _old_audit.insert().values(
                id=row.seq, at=row.at, actor=row.actor, action=row.action, target=row.target,
                detail=_flat_detail(row.detail),
            )
        )  # fmt: skip
    with op.batch_alter_table("issuance_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuance_members_issuance_id"))
    op.drop_table("issuance_members")
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuances_created_on"))
        batch_op.drop_index(batch_op.f("ix_issuances_credential_type"))
    op.drop_table("issuances")
    op.drop_table("audit_head")
    op.drop_table("audit_entries")


def _flat_detail(text: str) -> str:
    """A chained detail back as the old free text: carried-over text as it was, else the JSON."""
    detail = json.loads(text)
    if set(detail) <= {"text"}:
        return str(detail.get("text", ""))
    return text
