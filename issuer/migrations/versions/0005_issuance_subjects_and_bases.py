"""issuances: the subject (as a digest) and the source facts they are built on

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_issuances_subject_digest"), ["subject_digest"], unique=False
        )
    op.create_table(
        "issuance_bases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuance_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["issuance_id"], ["issuances.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuance_id", "basis", name="uq_issuance_basis"),
    )
    with op.batch_alter_table("issuance_bases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issuance_bases_basis"), ["basis"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_issuance_bases_issuance_id"), ["issuance_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issuance_bases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuance_bases_issuance_id"))
        batch_op.drop_index(batch_op.f("ix_issuance_bases_basis"))
    op.drop_table("issuance_bases")
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issuances_subject_digest"))
        batch_op.drop_column("subject_digest")
