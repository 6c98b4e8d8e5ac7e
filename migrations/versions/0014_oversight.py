"""oversight: frozen monthly snapshots (月报表关账) with index rows and formula version

Revision ID: 0014_oversight
Revises: 0014_merge
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import consult.models

revision = "0014_oversight"
down_revision = "0014_merge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "oversight_month_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("index_rows", sa.JSON(), nullable=False),
        sa.Column("formula_version", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", consult.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_oversight_month_snapshots_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_month_snapshots")),
        sa.UniqueConstraint("month", "version", name="uq_oversight_month_snapshots_month_version"),
    )
    op.create_index(op.f("ix_oversight_month_snapshots_month"), "oversight_month_snapshots", ["month"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_oversight_month_snapshots_month"), table_name="oversight_month_snapshots")
    op.drop_table("oversight_month_snapshots")
