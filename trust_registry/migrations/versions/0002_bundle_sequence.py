"""signed documents carry their sequence: the bundle's own counter (rollback protection)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows start at 0: the first bundle signed after the upgrade is number 1. Bundles
    # signed before carry no number; verifiers treat them as older than any numbered one.
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sequence", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.drop_column("sequence")
