"""Index the export tasks that wait: the requeue relay scans them every five minutes.

A partial index stays as small as the backlog, whatever the number of finished tasks.

Revision ID: 0003_export_tasks_waiting_index
Revises: 4cac94c86047
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_export_tasks_waiting_index"
down_revision: str | None = "4cac94c86047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_export_tasks_waiting_updated_at",
        "export_tasks",
        ["updated_at"],
        postgresql_where=sa.text("state = 'WAITING'"),
    )


def downgrade() -> None:
    op.drop_index("ix_export_tasks_waiting_updated_at", table_name="export_tasks")
