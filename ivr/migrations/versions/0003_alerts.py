"""The alert's state, shared by every server: whether callers are failing to reach the
helpline now, and whether that was told.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_alerts",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("failing", sa.Boolean, nullable=False),
        sa.Column("changed", sa.Float, nullable=False),
        sa.Column("notified", sa.Boolean, nullable=False),
        sa.Column("checked", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("line_alerts")
