"""Publishing from the console: admins and disabled operators, published revisions, drafts,
drafts waiting for approval, and the audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("operators") as operators:
        operators.add_column(sa.Column("admin", sa.Boolean, nullable=False, server_default=sa.false()))
        operators.add_column(sa.Column("disabled", sa.Float, nullable=True))
    op.create_table(
        "flow_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("replaces", sa.String(16), nullable=True),
        sa.Column("approved_by", sa.String(80), nullable=True),
    )
    op.create_index("ix_flow_revisions_version", "flow_revisions", ["version"])
    op.create_table(
        "flow_drafts",
        sa.Column("operator", sa.String(80), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("saved", sa.Float, nullable=False),
        sa.Column("base", sa.String(16), nullable=True),
    )
    op.create_table(
        "flow_proposals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("base", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.Float, nullable=True),
    )
    op.create_index("ix_flow_proposals_author", "flow_proposals", ["author"])
    op.create_index("ix_flow_proposals_status", "flow_proposals", ["status"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
