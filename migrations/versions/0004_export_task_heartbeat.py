"""Index the unfinished export tasks by their heartbeat: the relay scans WAITING and STARTED ones.

``updated_at`` is the heartbeat of a STARTED task (every progress report moves it); the relay looks
every minute for WAITING tasks without a message and STARTED ones without a heartbeat. One partial
index replaces the WAITING-only one of 0003 and stays as small as the work in progress.

Revision ID: 0004_export_task_heartbeat
Revises: 0003_export_tasks_waiting_index
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_export_task_heartbeat"
down_revision: str | None = "0003_export_tasks_waiting_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = None


def upgrade() -> None:
    op.create_index(
        "ix_export_tasks_unfinished_updated_at",
        "export_tasks",
        ["updated_at"],
        postgresql_where=sa.text("state IN ('WAITING', 'STARTED')"),
    )
    op.drop_index("ix_export_tasks_waiting_updated_at", table_name="export_tasks")


def downgrade() -> None:
    op.create_index(
        "ix_export_tasks_waiting_updated_at",
        "export_tasks",
        ["updated_at"],
        postgresql_where=sa.text("state = 'WAITING'"),
    )
    op.drop_index("ix_export_tasks_unfinished_updated_at", table_name="export_tasks")
