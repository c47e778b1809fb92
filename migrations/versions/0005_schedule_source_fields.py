"""What an imported schedule.xml says that the schedule tables could not hold.

Sessions keep the file's guid, url, links, attachments and recording opt-out and licence; speakers
the file's person id and guid; rooms their guid. A re-export then is the same schedule to every app
that follows it, and a talk whose speakers refused recording stays refused.

Revision ID: 0005_schedule_source_fields
Revises: 0003_export_tasks_waiting_index
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_schedule_source_fields"
down_revision: str | None = "0004_export_task_heartbeat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = (
    "drops what imported schedules said beyond our own fields: session, room and person guids, person ids, session URLs, links, attachments, recording opt-outs and licences"
)


def upgrade() -> None:
    op.add_column("sessions", sa.Column("guid", postgresql.UUID(as_uuid=False), nullable=True))
    op.add_column("sessions", sa.Column("url", sa.String(length=2048), nullable=True))
    op.add_column("sessions", sa.Column("links", postgresql.JSONB(), nullable=True))
    op.add_column("sessions", sa.Column("attachments", postgresql.JSONB(), nullable=True))
    op.add_column("sessions", sa.Column("recording_optout", sa.Boolean(), server_default="false", nullable=False))
    op.add_column("sessions", sa.Column("recording_license", sa.Text(), nullable=True))
    op.add_column("speaker", sa.Column("guid", postgresql.UUID(as_uuid=False), nullable=True))
    op.add_column("speaker", sa.Column("source_id", sa.BigInteger(), nullable=True))
    op.add_column("microlocations", sa.Column("guid", postgresql.UUID(as_uuid=False), nullable=True))


def downgrade() -> None:
    op.drop_column("microlocations", "guid")
    op.drop_column("speaker", "source_id")
    op.drop_column("speaker", "guid")
    for column in ("recording_license", "recording_optout", "attachments", "links", "url", "guid"):
        op.drop_column("sessions", column)
