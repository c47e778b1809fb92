"""Live schedule feeds' own state: what each event's public feed files were built from, and the
users' secret calendar tokens (hashes only). Keyed by OES's row ids, without foreign keys.

Revision ID: i19_feeds_own_0001
Revises: i22_trust_0001_login_throttles
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i19_feeds_own_0001"
down_revision: str | None = "i22_trust_0001_login_throttles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
data_loss: str | None = (
    "drops the calendar feed tokens and the feeds' build records (the next refresh rebuilds every feed)"
)

SCHEMA = "serverless"


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
        schema=SCHEMA,
    )
    op.create_table(
        "schedule_feeds",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_schedule_feeds")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("schedule_feeds", schema=SCHEMA)
    op.drop_table("calendar_tokens", schema=SCHEMA)
