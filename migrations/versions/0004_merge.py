"""merge the surveys and hearings branches

Revision ID: 0004_merge
Revises: 0002_surveys, 0003_hearings
Create Date: 2026-11-22
"""

revision = "0004_merge"
down_revision = ("0002_surveys", "0003_hearings")
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: the two branches touch separate tables."""


def downgrade():
    """Nothing to undo (see upgrade)."""
