"""initial schema: institutions, issuers, certificates, accreditations, lists, audit

Revision ID: 0001
Revises:
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=1024), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "institutions",
        sa.Column("official_id", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=256), nullable=False),
        sa.Column("name_fr", sa.String(length=256), nullable=True),
        sa.Column("name_nl", sa.String(length=256), nullable=True),
        sa.Column("name_de", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("official_id"),
    )
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institutions_country"), ["country"], unique=False)

    op.create_table(
        "issuers",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name_en", sa.String(length=256), nullable=False),
        sa.Column("name_fr", sa.String(length=256), nullable=True),
        sa.Column("name_nl", sa.String(length=256), nullable=True),
        sa.Column("name_de", sa.String(length=256), nullable=True),
        sa.Column("credential_issuer", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_issuer"),
    )
    documents = op.create_table(
        "signed_documents",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("issued_at", sa.Integer(), nullable=False),
        sa.Column("next_update", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    sequence = op.create_table(
        "trust_list_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("lists_version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one state row: trust-list sequence and lists version start at 0.
    op.bulk_insert(
        sequence,
        [
            {
                "id": 1,
                "sequence": 0,
                "lists_version": 0,
                "changed_at": datetime(1970, 1, 1, tzinfo=UTC),
            }
        ],
    )
    # One row per signed document kind, signed on first request.
    op.bulk_insert(
        documents,
        [
            {"kind": kind, "source": "", "issued_at": 0, "next_update": 0, "body": ""}
            for kind in ("trust-list", "bundle")
        ],
    )
    op.create_table(
        "accreditations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("institution_id", sa.String(length=16), nullable=False),
        sa.Column("document_type", sa.String(length=128), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.official_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("institution_id", "document_type", name="uq_accreditation_type"),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer_id", sa.String(length=16), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("x5t_s256", sa.String(length=64), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("x5t_s256"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_issuer_use", ["issuer_id", "use"], unique=False)

    op.create_table(
        "issuer_lists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("uri", sa.String(length=1024), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uri"),
    )
    with op.batch_alter_table("issuer_lists", schema=None) as batch_op:
        batch_op.create_index("ix_issuer_lists_issuer", ["issuer_id", "kind"], unique=False)

    op.create_table(
        "issuer_signs_for",
        sa.Column("issuer_id", sa.String(length=16), nullable=False),
        sa.Column("institution_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.official_id"],
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["issuers.id"],
        ),
        sa.PrimaryKeyConstraint("issuer_id", "institution_id"),
    )


def downgrade() -> None:

    op.drop_table("issuer_signs_for")
    with op.batch_alter_table("issuer_lists", schema=None) as batch_op:
        batch_op.drop_index("ix_issuer_lists_issuer")

    op.drop_table("issuer_lists")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_issuer_use")

    op.drop_table("certificates")
    op.drop_table("accreditations")
    op.drop_table("trust_list_sequence")
    op.drop_table("signed_documents")
    op.drop_table("issuers")
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institutions_country"))

    op.drop_table("institutions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
