"""register: one "you said, we did" SMS per resident comment

Revision ID: 0010_register
Revises: 0007_workspace
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa
import consult.models  # noqa: F401 (UTCDateTime)


revision = '0010_register'
down_revision = '0007_workspace'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('risk_response_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_risk_response_notices_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_risk_response_notices_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_points.id'], name=op.f('fk_risk_response_notices_risk_point_id_risk_points'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_response_notices')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_risk_response_notices_comment_id'))
    )


def downgrade():
    op.drop_table('risk_response_notices')
