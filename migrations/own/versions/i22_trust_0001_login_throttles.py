"""Failed logins per account and per client address, so that password guessing is throttled
across every instance of the API function (``chalicelib.login_throttle``).

Revision ID: i22_trust_0001_login_throttles
Revises: own_0001_serverless
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i22_trust_0001_login_throttles"
down_revision: str | None = "own_0001_serverless"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = "drops the counts of recent failed logins (guessing restarts from zero)"

SCHEMA = "serverless"


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_login_throttles_window_ends_at"), "login_throttles", ["window_ends_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_throttles_window_ends_at"), table_name="login_throttles", schema=SCHEMA)
    op.drop_table("login_throttles", schema=SCHEMA)
