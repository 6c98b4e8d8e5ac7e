"""voice pool: who recorded a staff-entered text; list index by time

Revision ID: 0008_pool
Revises: 0007_workspace
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_pool'
down_revision = '0007_workspace'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorder', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index('ix_voices_matter_occurred', ['matter_id', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('voices', schema=None) as batch_op:
        batch_op.drop_index('ix_voices_matter_occurred')
        batch_op.drop_column('recorder')
