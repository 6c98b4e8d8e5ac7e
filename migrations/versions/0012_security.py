"""security and reliability: outbox sweeper columns, session versions, login throttles,
per-client duplicate comments

Revision ID: 0012_security
Revises: 0006_job_runs
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import consult.models  # noqa: F401 (UTCDateTime)

revision = "0012_security"
down_revision = "0006_job_runs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("dispatches", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("next_attempt_at", consult.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("body_purged_at", consult.models.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_messages_next_attempt_at", ["next_attempt_at"])
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("func", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("args_json", sa.Text(), nullable=True))
        batch.add_column(sa.Column("dispatches", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("next_attempt_at", consult.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", consult.models.UTCDateTime(timezone=True), nullable=True))
        batch.create_index("ix_job_runs_next_attempt_at", ["next_attempt_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", consult.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", consult.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_login_throttles_key_hash")),
    )
    with op.batch_alter_table("hearing_registrations") as batch:
        batch.add_column(sa.Column("name_enc", sa.Text(), nullable=True))
    with op.batch_alter_table("comments") as batch:
        batch.drop_constraint("uq_comments_matter_body", type_="unique")
        batch.create_index("ix_comments_matter_body", ["matter_id", "body_hash"])


def downgrade():
    with op.batch_alter_table("comments") as batch:
        batch.drop_index("ix_comments_matter_body")
        batch.create_unique_constraint("uq_comments_matter_body", ["matter_id", "body_hash"])
    with op.batch_alter_table("hearing_registrations") as batch:
        batch.drop_column("name_enc")
    op.drop_table("login_throttles")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_index("ix_job_runs_next_attempt_at")
        for col in ("heartbeat_at", "next_attempt_at", "dispatches", "args_json", "func"):
            batch.drop_column(col)
    with op.batch_alter_table("messages") as batch:
        batch.drop_index("ix_messages_next_attempt_at")
        for col in ("body_purged_at", "next_attempt_at", "dispatches"):
            batch.drop_column(col)
