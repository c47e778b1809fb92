"""Initial schema: Open Event's tables for events, schedules, orders, pages, Stripe and export tasks.

``ticket_holders.lastname`` starts nullable, as it was in Open Event before revision 4cac94c86047.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# What a downgrade past this revision loses (chalicelib.migrate refuses data loss unless confirmed).
data_loss: str | None = "drops every table (events, orders, users, sessions, export tasks, Stripe authorizations...) and all their rows"


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=1024), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location_name', sa.String(length=1024), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('external_event_url', sa.String(length=2048), nullable=True),
    sa.Column('state', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('schedule_published_on', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'published')", name=op.f('ck_events_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('identifier', name=op.f('uq_events_identifier'))
    )
    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('place', sa.String(length=16), nullable=True),
    sa.Column('language', sa.String(length=64), nullable=True),
    sa.Column('index', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("place IS NULL OR place IN ('footer', 'event')", name=op.f('ck_pages_place')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('first_name', sa.String(length=255), nullable=True),
    sa.Column('last_name', sa.String(length=255), nullable=True),
    sa.Column('is_admin', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('discount_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('type', sa.String(length=16), server_default='amount', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_discount_codes_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_codes'))
    )
    op.create_index(op.f('ix_discount_codes_event_id'), 'discount_codes', ['event_id'], unique=False)
    op.create_table('export_tasks',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('options', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('state', sa.String(length=16), server_default='WAITING', nullable=False),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('object_key', sa.String(length=1024), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('content_type', sa.String(length=128), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('row_count', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("state IN ('WAITING', 'STARTED', 'SUCCESS', 'FAILURE')", name=op.f('ck_export_tasks_state')),
    sa.CheckConstraint('progress IS NULL OR progress BETWEEN 0 AND 100', name=op.f('ck_export_tasks_progress')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_export_tasks_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_export_tasks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_tasks'))
    )
    op.create_index(op.f('ix_export_tasks_event_id'), 'export_tasks', ['event_id'], unique=False)
    op.create_index(op.f('ix_export_tasks_user_id'), 'export_tasks', ['user_id'], unique=False)
    op.create_table('microlocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=1024), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_microlocations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_microlocations'))
    )
    op.create_index(op.f('ix_microlocations_event_id'), 'microlocations', ['event_id'], unique=False)
    op.create_table('session_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=1024), nullable=False),
    sa.Column('length', sa.String(length=16), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_session_types_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_types'))
    )
    op.create_index(op.f('ix_session_types_event_id'), 'session_types', ['event_id'], unique=False)
    op.create_table('speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('organisation', sa.Text(), nullable=True),
    sa.Column('short_biography', sa.Text(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_speaker_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_speaker_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker'))
    )
    op.create_index(op.f('ix_speaker_event_id'), 'speaker', ['event_id'], unique=False)
    op.create_table('stripe_authorizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('stripe_user_id', sa.String(length=255), nullable=False),
    sa.Column('stripe_publishable_key', sa.String(length=255), nullable=False),
    sa.Column('livemode', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('encrypted_data_key', sa.LargeBinary(), nullable=False),
    sa.Column('encrypted_tokens', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_stripe_authorizations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_authorizations')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_authorizations_event_id'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=1024), nullable=False),
    sa.Column('type', sa.String(length=16), server_default='paid', nullable=False),
    sa.Column('price', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False),
    sa.Column('quantity', sa.Integer(), server_default='100', nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_tickets_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets'))
    )
    op.create_index(op.f('ix_tickets_event_id'), 'tickets', ['event_id'], unique=False)
    op.create_table('tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=1024), nullable=False),
    sa.Column('color', sa.String(length=16), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_tracks_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks'))
    )
    op.create_index(op.f('ix_tracks_event_id'), 'tracks', ['event_id'], unique=False)
    op.create_table('users_events_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'organizer', 'coorganizer')", name=op.f('ck_users_events_roles_role')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_users_events_roles_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_users_events_roles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users_events_roles')),
    sa.UniqueConstraint('user_id', 'event_id', 'role', name='uq_users_events_roles_user_event_role')
    )
    op.create_index(op.f('ix_users_events_roles_event_id'), 'users_events_roles', ['event_id'], unique=False)
    op.create_index(op.f('ix_users_events_roles_user_id'), 'users_events_roles', ['user_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('discount_code_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='initializing', nullable=False),
    sa.Column('paid_via', sa.String(length=32), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('initializing', 'pending', 'placed', 'completed', 'expired', 'cancelled', 'deleted')", name=op.f('ck_orders_status')),
    sa.ForeignKeyConstraint(['discount_code_id'], ['discount_codes.id'], name=op.f('fk_orders_discount_code_id_discount_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_orders_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_orders_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('identifier', name=op.f('uq_orders_identifier'))
    )
    op.create_index('ix_orders_event_id_id', 'orders', ['event_id', 'id'], unique=False)
    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('subtitle', sa.Text(), nullable=True),
    sa.Column('short_abstract', sa.Text(), nullable=True),
    sa.Column('long_abstract', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('track_id', sa.Integer(), nullable=True),
    sa.Column('microlocation_id', sa.Integer(), nullable=True),
    sa.Column('session_type_id', sa.Integer(), nullable=True),
    sa.Column('slides_url', sa.String(length=2048), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'pending', 'accepted', 'confirmed', 'rejected', 'withdrawn', 'canceled')", name=op.f('ck_sessions_state')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_sessions_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['microlocation_id'], ['microlocations.id'], name=op.f('fk_sessions_microlocation_id_microlocations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_type_id'], ['session_types.id'], name=op.f('fk_sessions_session_type_id_session_types'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_sessions_track_id_tracks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    op.create_index(op.f('ix_sessions_event_id'), 'sessions', ['event_id'], unique=False)
    op.create_index(op.f('ix_sessions_microlocation_id'), 'sessions', ['microlocation_id'], unique=False)
    op.create_index(op.f('ix_sessions_session_type_id'), 'sessions', ['session_type_id'], unique=False)
    op.create_index(op.f('ix_sessions_track_id'), 'sessions', ['track_id'], unique=False)
    op.create_table('orders_tickets',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_orders_tickets_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_orders_tickets_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', 'ticket_id', name=op.f('pk_orders_tickets'))
    )
    op.create_table('speakers_sessions',
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_speakers_sessions_session_id_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], name=op.f('fk_speakers_sessions_speaker_id_speaker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('speaker_id', 'session_id', name=op.f('pk_speakers_sessions'))
    )
    op.create_index(op.f('ix_speakers_sessions_session_id'), 'speakers_sessions', ['session_id'], unique=False)
    op.create_table('ticket_holders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firstname', sa.String(length=255), nullable=False),
    sa.Column('lastname', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ticket_holders_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_holders_ticket_id_tickets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_holders'))
    )
    op.create_index(op.f('ix_ticket_holders_order_id'), 'ticket_holders', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ticket_holders_order_id'), table_name='ticket_holders')
    op.drop_table('ticket_holders')
    op.drop_index(op.f('ix_speakers_sessions_session_id'), table_name='speakers_sessions')
    op.drop_table('speakers_sessions')
    op.drop_table('orders_tickets')
    op.drop_index(op.f('ix_sessions_track_id'), table_name='sessions')
    op.drop_index(op.f('ix_sessions_session_type_id'), table_name='sessions')
    op.drop_index(op.f('ix_sessions_microlocation_id'), table_name='sessions')
    op.drop_index(op.f('ix_sessions_event_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_index('ix_orders_event_id_id', table_name='orders')
    op.drop_table('orders')
    op.drop_index(op.f('ix_users_events_roles_user_id'), table_name='users_events_roles')
    op.drop_index(op.f('ix_users_events_roles_event_id'), table_name='users_events_roles')
    op.drop_table('users_events_roles')
    op.drop_index(op.f('ix_tracks_event_id'), table_name='tracks')
    op.drop_table('tracks')
    op.drop_index(op.f('ix_tickets_event_id'), table_name='tickets')
    op.drop_table('tickets')
    op.drop_table('stripe_authorizations')
    op.drop_index(op.f('ix_speaker_event_id'), table_name='speaker')
    op.drop_table('speaker')
    op.drop_index(op.f('ix_session_types_event_id'), table_name='session_types')
    op.drop_table('session_types')
    op.drop_index(op.f('ix_microlocations_event_id'), table_name='microlocations')
    op.drop_table('microlocations')
    op.drop_index(op.f('ix_export_tasks_user_id'), table_name='export_tasks')
    op.drop_index(op.f('ix_export_tasks_event_id'), table_name='export_tasks')
    op.drop_table('export_tasks')
    op.drop_index(op.f('ix_discount_codes_event_id'), table_name='discount_codes')
    op.drop_table('discount_codes')
    op.drop_table('users')
    op.drop_table('pages')
    op.drop_table('events')
