"""The alert's delivery backoff, shared by every server: how many tries in a row have failed
to deliver, and the earliest time any server may try again, so a dead or hanging webhook
gets a few tries an hour from the whole fleet, not one at every check.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("line_alerts") as table:  # SQLite cannot add NOT NULL columns otherwise
        table.add_column(sa.Column("failed_sends", sa.Integer, nullable=False, server_default="0"))
        table.add_column(sa.Column("next_send", sa.Float, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("line_alerts") as table:
        table.drop_column("next_send")
        table.drop_column("failed_sends")
