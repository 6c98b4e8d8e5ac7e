"""merge the assessor workspace, register, assessment, security and first-use review branches

Revision ID: 0014_merge
Revises: 0008_pool, 0010_register, 0011_assessment, 0012_security, 0013_ux
Create Date: 2026-11-30
"""

revision = "0014_merge"
down_revision = ("0008_pool", "0010_register", "0011_assessment", "0012_security", "0013_ux")
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to change: the branches touch different tables."""


def downgrade():
    """Nothing to change: each branch's own downgrade undoes its tables."""
