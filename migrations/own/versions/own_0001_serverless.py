"""Schema ``serverless``: the state only this service keeps, apart from Open Event's tables.

Export tasks, the Stripe authorizations (KMS ciphertext), and what the schedule importer keeps
beyond OES's columns (side tables keyed by OES's row ids). No foreign keys into OES's tables:
they may live in another database. On a standalone database at the old head, revision
``i18_core_0001_oes_shape`` of the standalone chain copies the old rows in here afterwards.

Revision ID: own_0001_serverless
Revises:
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "own_0001_serverless"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
data_loss: str | None = "drops every export task, Stripe authorization and schedule import extra"

SCHEMA = "serverless"


def _created() -> sa.Column[sa.DateTime]:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _updated() -> sa.Column[sa.DateTime]:
    return sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "export_tasks",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("state", sa.String(length=16), server_default="WAITING", nullable=False),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("object_key", sa.String(length=1024), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("row_count", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _created(),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        _updated(),
        sa.CheckConstraint("state IN ('WAITING', 'STARTED', 'SUCCESS', 'FAILURE')", name=op.f("ck_export_tasks_state")),
        sa.CheckConstraint("progress IS NULL OR progress BETWEEN 0 AND 100", name=op.f("ck_export_tasks_progress")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_tasks")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_export_tasks_event_id"), "export_tasks", ["event_id"], schema=SCHEMA)
    op.create_index(op.f("ix_export_tasks_user_id"), "export_tasks", ["user_id"], schema=SCHEMA)
    op.create_index(
        "ix_export_tasks_unfinished_updated_at",
        "export_tasks",
        ["updated_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("state IN ('WAITING', 'STARTED')"),
    )
    op.create_table(
        "stripe_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("stripe_user_id", sa.String(length=255), nullable=False),
        sa.Column("stripe_publishable_key", sa.String(length=255), nullable=False),
        sa.Column("livemode", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("encrypted_data_key", sa.LargeBinary(), nullable=False),
        sa.Column("encrypted_tokens", sa.LargeBinary(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        _created(),
        _updated(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripe_authorizations")),
        sa.UniqueConstraint("event_id", name=op.f("uq_stripe_authorizations_event_id")),
        schema=SCHEMA,
    )
    op.create_table(
        "session_sources",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("links", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("attachments", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("recording_optout", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("recording_license", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_sources")),
        schema=SCHEMA,
    )
    op.create_table(
        "speaker_sources",
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.UUID(as_uuid=False), nullable=True),
        sa.Column("source_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("speaker_id", name=op.f("pk_speaker_sources")),
        schema=SCHEMA,
    )
    op.create_table(
        "room_sources",
        sa.Column("microlocation_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.UUID(as_uuid=False), nullable=True),
        sa.PrimaryKeyConstraint("microlocation_id", name=op.f("pk_room_sources")),
        schema=SCHEMA,
    )
    for table in ("session_sources", "speaker_sources", "room_sources"):
        op.create_index(op.f(f"ix_{table}_event_id"), table, ["event_id"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("room_sources", "speaker_sources", "session_sources", "stripe_authorizations", "export_tasks"):
        op.drop_table(table, schema=SCHEMA)
