"""Make ticket_holders.lastname NOT NULL (Open Event revision 4cac94c86047).

Upgrade backfills every NULL last name with a single space, then adds the constraint. Downgrade
drops the constraint only: the backfilled spaces stay, as in Open Event.

Revision ID: 4cac94c86047
Revises: 0001_initial
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4cac94c86047"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = None


def upgrade() -> None:
    op.execute("UPDATE ticket_holders SET lastname = ' ' WHERE lastname IS NULL")
    op.alter_column("ticket_holders", "lastname", existing_type=sa.String(length=255), nullable=False)


def downgrade() -> None:
    op.alter_column("ticket_holders", "lastname", existing_type=sa.String(length=255), nullable=True)
