"""Remember which code a Stripe authorization came from, as a keyed hash (never the code itself).

The Open Event frontend's event wizard saves an authorization again with the code it was created
from; that code is spent at Stripe, and the hash lets such a save be a no-op. Rows made before this
revision have no hash: a re-save of their code is exchanged (and refused by Stripe) as before.

Revision ID: 0007_stripe_code_hash
Revises: 0003_export_tasks_waiting_index
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_stripe_code_hash"
down_revision: str | None = "0006_export_catalogue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = (
    "drops the keyed hashes of the Stripe authorization codes (a re-save with an old code is then exchanged again and refused by Stripe)"
)


def upgrade() -> None:
    op.add_column("stripe_authorizations", sa.Column("code_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("stripe_authorizations", "code_hash")
