"""How the caller answered at each step, by key or by speech (issue 25): the statistics
count how often speech was understood, confirmed or asked again, per language. Only the
kind of answer is kept, never the words said; rows from before stay NULL (unknown).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_events") as table:
        table.add_column(sa.Column("answered_by", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_events") as table:  # SQLite: the table is copied without it
        table.drop_column("answered_by")
