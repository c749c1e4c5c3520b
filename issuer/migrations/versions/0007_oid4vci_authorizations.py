"""oid4vci: wallet authorization requests (PAR) and authorization codes

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oid4vci_authorizations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("request_uri_digest", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=256), nullable=False),
        sa.Column("client_jkt", sa.String(length=64), nullable=False),
        sa.Column("redirect_uri", sa.String(length=1024), nullable=False),
        sa.Column("state", sa.String(length=512), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("configuration_ids", sa.JSON(), nullable=False),
        sa.Column("by_identifier", sa.Boolean(), nullable=False),
        sa.Column("dpop_jkt", sa.String(length=64), nullable=True),
        sa.Column("request_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subject_id", sa.String(length=128), nullable=True),
        sa.Column("code_digest", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_digest"),
        sa.UniqueConstraint("request_uri_digest"),
    )


def downgrade() -> None:
    op.drop_table("oid4vci_authorizations")
