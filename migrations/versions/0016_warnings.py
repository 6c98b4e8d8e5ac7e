"""warnings: a staff member's notification e-mail (escalated and red warnings reach supervisors)

Revision ID: 0016_warnings
Revises: 0015_oversight_loop
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_warnings'
down_revision = '0015_oversight_loop'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')
