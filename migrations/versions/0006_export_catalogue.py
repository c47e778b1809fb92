"""The columns the catalogue exports read, and export tasks that belong to no event.

- ``export_tasks.event_id`` becomes nullable: the admin's sales report covers every event, so its
  task names none (Open Event wrote ``event_id = 0`` for it, which a foreign key refuses).
- Open Event's columns the sessions CSV, the speakers CSV and the event archive show:
  ``sessions.audio_url`` and ``video_url``; ``speaker.position``, ``country`` and ``photo_url``;
  ``events.logo_url``, ``original_image_url`` and ``online`` (the sales report's event type).

Revision ID: 0006_export_catalogue
Revises: 0003_export_tasks_waiting_index
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_export_catalogue"
down_revision: str | None = "0005_schedule_source_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = (
    "drops sessions' audio and video URLs, speakers' position, country and photo URL, events' logo and image URLs and online flag, and the tasks of the admin's site-wide reports"
)



def _new_columns() -> dict[str, list[sa.Column[object]]]:
    # New objects each time: a Column belongs to the table it was first added to.
    url = sa.String(length=2048)
    return {
        "sessions": [sa.Column("audio_url", url), sa.Column("video_url", url)],
        "speaker": [
            sa.Column("position", sa.String(length=1024)),
            sa.Column("country", sa.String(length=255)),
            sa.Column("photo_url", url),
        ],
        "events": [
            sa.Column("logo_url", url),
            sa.Column("original_image_url", url),
            sa.Column("online", sa.Boolean(), server_default="false", nullable=False),
        ],
    }


def upgrade() -> None:
    op.alter_column("export_tasks", "event_id", existing_type=sa.Integer(), nullable=True)
    for table, columns in _new_columns().items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    for table, columns in _new_columns().items():
        for column in columns:
            op.drop_column(table, column.name)
    # Tasks of no event cannot survive a NOT NULL event: they are the admin's reports, dropped.
    op.execute("DELETE FROM export_tasks WHERE event_id IS NULL")
    op.alter_column("export_tasks", "event_id", existing_type=sa.Integer(), nullable=False)
