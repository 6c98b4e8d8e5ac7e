"""tracked jobs with progress

Revision ID: 0006_job_runs
Revises: 0004_merge
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

import consult.models

revision = "0006_job_runs"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("queued", "running", "done", "failed", name="jobstatus",
                                    native_enum=False, length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result_key", sa.String(length=255), nullable=True),
        sa.Column("result_name", sa.String(length=255), nullable=True),
        sa.Column("result_mimetype", sa.String(length=120), nullable=True),
        sa.Column("created_at", consult.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", consult.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", consult.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name=op.f("fk_job_runs_matter_id_matters"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_job_runs_requested_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_runs_matter_id"), ["matter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_runs_matter_id"))
    op.drop_table("job_runs")
