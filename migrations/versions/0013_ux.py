"""first-use review: early registration close reason, reply SMS sent

Revision ID: 0013_ux
Revises: 0006_job_runs
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import consult.models

revision = "0013_ux"
down_revision = "0006_job_runs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("hearing_draws") as batch:
        batch.add_column(sa.Column("early_close_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("reply_notified_at", consult.models.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("reply_notified_at")
    with op.batch_alter_table("hearing_draws") as batch:
        batch.drop_column("early_close_reason")
