"""The schema, as typed SQLAlchemy models with Open Event's table and column names.

The database is built by the Alembic chain in ``migrations/``, never by ``create_all``; a test
checks that these models and the migrated schema agree.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORDER_STATUSES = ("initializing", "pending", "placed", "completed", "expired", "cancelled", "deleted")
SESSION_STATES = ("draft", "pending", "accepted", "confirmed", "rejected", "withdrawn", "canceled")
EVENT_ROLES = ("owner", "organizer", "coorganizer")
TASK_STATES = ("WAITING", "STARTED", "SUCCESS", "FAILURE")
PAGE_PLACES = ("footer", "event")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSONB}


def _created_at() -> Mapped[datetime]:
    return mapped_column(server_default=func.now())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default="false")
    created_at: Mapped[datetime] = _created_at()
    deleted_at: Mapped[datetime | None]


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location_name: Mapped[str | None] = mapped_column(String(1024))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    email: Mapped[str | None] = mapped_column(String(320))
    external_event_url: Mapped[str | None] = mapped_column(String(2048))
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    original_image_url: Mapped[str | None] = mapped_column(String(2048))
    online: Mapped[bool] = mapped_column(Boolean, server_default="false")
    state: Mapped[str] = mapped_column(String(16), server_default="draft")
    schedule_published_on: Mapped[datetime | None]
    created_at: Mapped[datetime] = _created_at()
    deleted_at: Mapped[datetime | None]

    __table_args__ = (CheckConstraint(_in("state", ("draft", "published")), name="state"),)


class UserEventRole(Base):
    """A user's role on one event: owner, organizer or coorganizer."""

    __tablename__ = "users_events_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        UniqueConstraint("user_id", "event_id", "role", name="uq_users_events_roles_user_event_role"),
        CheckConstraint(_in("role", EVENT_ROLES), name="role"),
    )


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    color: Mapped[str | None] = mapped_column(String(16))
    deleted_at: Mapped[datetime | None]


class Microlocation(Base):
    """A room."""

    __tablename__ = "microlocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    floor: Mapped[int | None]
    position: Mapped[int] = mapped_column(server_default="0")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))  # an imported file's room guid
    deleted_at: Mapped[datetime | None]


class SessionType(Base):
    __tablename__ = "session_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    length: Mapped[str | None] = mapped_column(String(16))
    deleted_at: Mapped[datetime | None]


class EventSession(Base):
    """A talk, workshop or other slot of the schedule (Open Event's ``sessions``)."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    short_abstract: Mapped[str | None] = mapped_column(Text)
    long_abstract: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), server_default="pending")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), index=True)
    microlocation_id: Mapped[int | None] = mapped_column(
        ForeignKey("microlocations.id", ondelete="SET NULL"), index=True
    )
    session_type_id: Mapped[int | None] = mapped_column(ForeignKey("session_types.id", ondelete="SET NULL"), index=True)
    slides_url: Mapped[str | None] = mapped_column(String(2048))
    # What an imported schedule.xml said (0005): kept so that a re-export is the same schedule.
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    url: Mapped[str | None] = mapped_column(String(2048))
    links: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)  # [{"href": ..., "title": ...}]
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)
    recording_optout: Mapped[bool] = mapped_column(Boolean, server_default="false")
    recording_license: Mapped[str | None] = mapped_column(Text)
    audio_url: Mapped[str | None] = mapped_column(String(2048))
    video_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = _created_at()
    deleted_at: Mapped[datetime | None]

    __table_args__ = (CheckConstraint(_in("state", SESSION_STATES), name="state"),)


class Speaker(Base):
    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    organisation: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(String(1024))
    country: Mapped[str | None] = mapped_column(String(255))
    photo_url: Mapped[str | None] = mapped_column(String(2048))
    short_biography: Mapped[str | None] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))  # an imported file's person guid
    source_id: Mapped[int | None] = mapped_column(BigInteger)  # and person id
    deleted_at: Mapped[datetime | None]


class SpeakerSession(Base):
    __tablename__ = "speakers_sessions"

    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True, index=True)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    type: Mapped[str] = mapped_column(String(16), server_default="paid")
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    quantity: Mapped[int] = mapped_column(server_default="100")
    deleted_at: Mapped[datetime | None]


class DiscountCode(Base):
    __tablename__ = "discount_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(255))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    type: Mapped[str] = mapped_column(String(16), server_default="amount")
    deleted_at: Mapped[datetime | None]


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    discount_code_id: Mapped[int | None] = mapped_column(ForeignKey("discount_codes.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), server_default="initializing")
    paid_via: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = _created_at()
    completed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
        # Exports page through an event's orders by id: keyset pagination rides this index.
        Index("ix_orders_event_id_id", "event_id", "id"),
    )


class OrderTicket(Base):
    __tablename__ = "orders_tickets"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    quantity: Mapped[int] = mapped_column(server_default="1")


class TicketHolder(Base):
    __tablename__ = "ticket_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    firstname: Mapped[str] = mapped_column(String(255))
    # NOT NULL since Open Event revision 4cac94c86047; NULLs were backfilled with ' '.
    lastname: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    deleted_at: Mapped[datetime | None]


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(64))
    index: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (CheckConstraint(f"place IS NULL OR {_in('place', PAGE_PLACES)}", name="place"),)


class StripeAuthorization(Base):
    """An event's connected Stripe account. Tokens are stored only as KMS envelope ciphertext."""

    __tablename__ = "stripe_authorizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    stripe_user_id: Mapped[str] = mapped_column(String(255))
    stripe_publishable_key: Mapped[str] = mapped_column(String(255))
    livemode: Mapped[bool] = mapped_column(Boolean, server_default="false")
    encrypted_data_key: Mapped[bytes] = mapped_column(LargeBinary)
    encrypted_tokens: Mapped[bytes] = mapped_column(LargeBinary)
    # HMAC-SHA256 (hex) of the code the keys came from, never the code: a save that repeats it is a no-op.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    # Documents show the event by its identifier; loaded with the row, in the same query.
    event: Mapped[Event] = relationship(lazy="joined", innerjoin=True)


class ExportTask(Base):
    """One asynchronous export: who asked, what, and how it went."""

    __tablename__ = "export_tasks"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None for a report that covers every event (the admin's sales report).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    options: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    state: Mapped[str] = mapped_column(String(16), server_default="WAITING")
    progress: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(server_default="0")
    object_key: Mapped[str | None] = mapped_column(String(1024))
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(128))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created_at()
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    __table_args__ = (
        CheckConstraint(_in("state", TASK_STATES), name="state"),
        CheckConstraint("progress IS NULL OR progress BETWEEN 0 AND 100", name="progress"),
        # The relay looks for unfinished tasks without a message or a heartbeat: index only those.
        Index(
            "ix_export_tasks_unfinished_updated_at",
            "updated_at",
            postgresql_where=text("state IN ('WAITING', 'STARTED')"),
        ),
    )


class FavouriteSession(Base):
    """A session a user marked for "my schedule" (Open Event's ``user_favourite_sessions``)."""

    __tablename__ = "user_favourite_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime | None] = mapped_column(server_default=func.now())
    modified_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_user"),)


class CalendarToken(Base):
    """A user's secret calendar feed token, kept as its SHA-256 only: rotating replaces the row,
    revoking deletes it, and a leaked database cannot be turned into working feed URLs."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _created_at()


class ScheduleFeed(Base):
    """What the public feeds of one event were last built from (``chalicelib.feeds``).

    No foreign key on purpose: when the event is deleted outright, this row is what tells the
    refresh that its files are still in the bucket and must go."""

    __tablename__ = "schedule_feeds"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    identifier: Mapped[str] = mapped_column(String(64))  # the files' keys in the bucket
    fingerprint: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(64))
    last_modified: Mapped[datetime]
    checked_at: Mapped[datetime] = mapped_column(server_default=func.now())
