"""The first schema: operators, their sessions and failed logins, the console's key, and the
anonymous call events (the line as it was before published revisions).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "operators",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("operator", sa.String(80), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("expires", sa.Float, nullable=False),
    )
    op.create_index("ix_console_sessions_operator", "console_sessions", ["operator"])
    op.create_index("ix_console_sessions_expires", "console_sessions", ["expires"])
    op.create_table(
        "known_addresses",
        sa.Column("operator", sa.String(80), primary_key=True),
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("last", sa.Float, nullable=False),
    )
    op.create_table(
        "line_secrets",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "call_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("call", sa.String(16), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("node", sa.String(120), nullable=False),
        sa.Column("outcome", sa.String(80), nullable=False),
        sa.Column("choice", sa.String(8), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("duration", sa.Integer, nullable=True),
    )
    op.create_index("ix_call_events_at", "call_events", ["at"])
