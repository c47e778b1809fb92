"""Users' favourite sessions for "my schedule" in standalone mode: Open Event's
``user_favourite_sessions`` as OES has it (in Open Event mode OES's own table is read).

Revision ID: i19_feeds_0002
Revises: i18_core_0001_oes_shape
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i19_feeds_0002"
down_revision: str | None = "i18_core_0001_oes_shape"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = "drops the users' favourite sessions"


def upgrade() -> None:
    op.create_table(
        "user_favourite_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("session_id", "user_id", name="uq_session_user"),
    )


def downgrade() -> None:
    op.drop_table("user_favourite_sessions")
