"""Failed logins per account and per client address, so that password guessing is throttled
across every instance of the API function.

Revision ID: i22_trust_0001_login_throttles
Revises: 0007_stripe_code_hash
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i22_trust_0001_login_throttles"
down_revision: str | None = "0007_stripe_code_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = "drops the counts of recent failed logins (guessing restarts from zero)"


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_window_ends_at"), "login_throttles", ["window_ends_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_throttles_window_ends_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
