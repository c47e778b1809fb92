"""Live schedule feeds: what each event's public feed files were built from, users' favourite
sessions (Open Event's ``user_favourite_sessions``, for standalone mode) and secret calendar tokens.

Revision ID: i19_feeds_0001
Revises: 0007_stripe_code_hash
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i19_feeds_0001"
down_revision: str | None = "0007_stripe_code_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = "drops the users' favourite sessions, their calendar feed tokens and the feeds' build records"


def upgrade() -> None:
    op.create_table(
        "user_favourite_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_user"),
    )
    op.create_index(op.f("ix_user_favourite_sessions_user_id"), "user_favourite_sessions", ["user_id"])
    op.create_table(
        "calendar_tokens",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "schedule_feeds",
        sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schedule_feeds")
    op.drop_table("calendar_tokens")
    op.drop_table("user_favourite_sessions")
