"""first-use review: early registration close reason, reply SMS sent, notices in Markdown with revisions

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
        batch.add_column(sa.Column("body_original", sa.Text(), nullable=True))
        batch.add_column(sa.Column("redacted_at", consult.models.UTCDateTime(), nullable=True))
    _notice_markdown()
    op.create_table(
        "notice_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("revised_at", consult.models.UTCDateTime(), nullable=False),
        sa.Column("revised_by_id", sa.Integer(), nullable=True),
        sa.Column("changed", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("current", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_notice_revisions_notice_id_notices"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revised_by_id"], ["users.id"], name=op.f("fk_notice_revisions_revised_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_revisions")),
    )
    op.create_index(op.f("ix_notice_revisions_notice_id"), "notice_revisions", ["notice_id"], unique=False)


def _notice_markdown():
    """Organisers now write Markdown: existing HTML bodies become readable Markdown to edit; the
    published HTML stays as it was until the next edit."""
    from consult.notices.markup import html_to_markdown

    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("body_md", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    notices = sa.table("notices", sa.column("id", sa.Integer), sa.column("body_html", sa.Text),
                       sa.column("body_md", sa.Text))
    for row in conn.execute(sa.select(notices.c.id, notices.c.body_html)).all():
        conn.execute(notices.update().where(notices.c.id == row.id).values(body_md=html_to_markdown(row.body_html)))
    with op.batch_alter_table("notices") as batch:
        batch.alter_column("body_md", server_default=None)


def downgrade():
    op.drop_index(op.f("ix_notice_revisions_notice_id"), table_name="notice_revisions")
    op.drop_table("notice_revisions")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("body_md")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("redacted_at")
        batch.drop_column("body_original")
        batch.drop_column("reply_notified_at")
    with op.batch_alter_table("hearing_draws") as batch:
        batch.drop_column("early_close_reason")
