"""voice pool: who recorded a staff-entered text; list index by time; sync signatures

Revision ID: 0008_pool
Revises: 0007_workspace
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa
import consult.models  # noqa: F401 (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '0008_pool'
down_revision = '0007_workspace'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('voice_sync_states',
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('synced_at', consult.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_voice_sync_states_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('matter_id', name=op.f('pk_voice_sync_states'))
    )
    with op.batch_alter_table('voices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorder', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index('ix_voices_matter_occurred', ['matter_id', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('voices', schema=None) as batch_op:
        batch_op.drop_index('ix_voices_matter_occurred')
        batch_op.drop_column('recorder')
    op.drop_table('voice_sync_states')
