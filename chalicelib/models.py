"""The schema, as typed SQLAlchemy models: Open Event Server's tables as OES has them, and ours apart.

Models of what OES has (users, events, orders, ...) map OES's table and column names and types
(``users._email`` citext, ``users_events_roles.role_id``, money as ``float8``), limited to the
columns this service reads or writes; attribute names stay ours where OES's differ (``User.email``
is column ``_email``, ``Order.deleted_at`` is ``trashed_at``). In Open Event mode they are read
from OES's database and never written; in standalone mode the ``migrations/`` chain builds them
in ``public``. What only this service keeps lives in the PostgreSQL schema ``serverless``
(``OWN_SCHEMA``), built by ``migrations/own/``, without foreign keys into OES's tables (those may
live in another database). Never ``create_all``; a test checks models and migrated schema agree.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, CITEXT, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",  # the same as column_0_label, without the schema
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The schema of our own state, beside OES's tables (``public``) in the DATABASE_URL database.
OWN_SCHEMA = "serverless"
# OES's order statuses (models/order.py, and "placed" for offline payments). OES has no "deleted"
# status, but its orders CSV still leaves out a row that holds one: so do the exports here.
ORDER_STATUSES = ("initializing", "pending", "placed", "completed", "expired", "cancelled")
SESSION_STATES = ("draft", "pending", "accepted", "confirmed", "rejected", "withdrawn", "canceled")
# The roles (OES's ``roles.name``) that make a user an event's staff (OES ``User.has_event_access``).
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
    """OES's user: ``_email`` (citext), a flask-scrypt ``_password`` with its ``salt``, the staff flags."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column("_email", CITEXT, unique=True)
    password: Mapped[str] = mapped_column("_password", String(128))
    # flask-scrypt's salt; NULL for a password hashed before revision i18_core_0001 (see auth.py).
    salt: Mapped[str | None] = mapped_column(String(128))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    is_super_admin: Mapped[bool | None] = mapped_column(Boolean, server_default="false")
    is_admin: Mapped[bool | None] = mapped_column(Boolean, server_default="false")
    is_blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime | None] = _created_at()
    deleted_at: Mapped[datetime | None]


class Role(Base):
    """OES's role names (owner, organizer, coorganizer, ...), referenced by id from the role tables."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title_name: Mapped[str | None] = mapped_column(String(255))


def role_id(name: str) -> Any:
    """The id of role ``name`` as a scalar subquery, for inserting a role row by its name."""
    return select(Role.id).where(Role.name == name).scalar_subquery()


class Group(Base):
    """An OES group of events; its accepted members' roles apply to each of its events."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(1024))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
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
    external_event_url: Mapped[str | None] = mapped_column(String(2048))
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    original_image_url: Mapped[str | None] = mapped_column(String(2048))
    online: Mapped[bool] = mapped_column(Boolean, server_default="false")
    state: Mapped[str] = mapped_column(String(16), server_default="draft")
    schedule_published_on: Mapped[datetime | None]
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    created_at: Mapped[datetime | None] = _created_at()
    deleted_at: Mapped[datetime | None]


class UserEventRole(Base):
    """A user's role on one event (``role_id`` names an OES role: owner, organizer, coorganizer, ...)."""

    __tablename__ = "users_events_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))


class UserGroupRole(Base):
    """A user's role in a group (OES ``users_groups_roles``): it counts once ``accepted``."""

    __tablename__ = "users_groups_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(CITEXT)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))


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
    audio_url: Mapped[str | None] = mapped_column(String(2048))
    video_url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime | None] = _created_at()
    deleted_at: Mapped[datetime | None]
    # OES keeps these up to date from the session's feedback (its ``@aggregated`` columns).
    average_rating: Mapped[float] = mapped_column(Float, server_default="0")
    rating_count: Mapped[int] = mapped_column(server_default="0")


class Speaker(Base):
    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(CITEXT)
    organisation: Mapped[str | None] = mapped_column(Text)
    position: Mapped[str | None] = mapped_column(String(1024))
    country: Mapped[str | None] = mapped_column(String(255))
    photo_url: Mapped[str | None] = mapped_column(String(2048))
    short_biography: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]


class SpeakerSession(Base):
    __tablename__ = "speakers_sessions"

    speaker_id: Mapped[int] = mapped_column(ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True, index=True)


class FavouriteSession(Base):
    """A session a user marked for "my schedule" (Open Event's ``user_favourite_sessions``)."""

    __tablename__ = "user_favourite_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime | None]
    modified_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_session_user"),)


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    type: Mapped[str] = mapped_column(String(16), server_default="paid")
    price: Mapped[float | None] = mapped_column(Float, server_default="0")
    quantity: Mapped[int] = mapped_column(server_default="100")
    deleted_at: Mapped[datetime | None]


class DiscountCode(Base):
    __tablename__ = "discount_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(CITEXT)
    value: Mapped[float] = mapped_column(Float, server_default="0")
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
    amount: Mapped[float] = mapped_column(Float, default=0, server_default="0")
    created_at: Mapped[datetime | None] = _created_at()
    completed_at: Mapped[datetime | None]
    # OES's orders have no soft delete; an order moved to the trash has ``trashed_at``.
    deleted_at: Mapped[datetime | None] = mapped_column("trashed_at")
    # The buyer's billing details, as OES's checkout keeps them (its attendees CSV's columns).
    payment_mode: Mapped[str | None] = mapped_column(String)
    tax_business_info: Mapped[str | None] = mapped_column(String)
    address: Mapped[str | None] = mapped_column(String)
    company: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    state: Mapped[str | None] = mapped_column(String)
    city: Mapped[str | None] = mapped_column(String)
    zipcode: Mapped[str | None] = mapped_column(String)

    __table_args__ = (
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
    # Nullable again since OES revision 2b19596af9f0 (4cac94c86047 had made lastname NOT NULL).
    firstname: Mapped[str | None] = mapped_column(String(255))
    lastname: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(CITEXT)
    # The holder's half of OES's Ticket ID (``orders.identifier || '-' || identifier``); OES falls back to the id.
    identifier: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    deleted_at: Mapped[datetime | None]
    # Check-ins and check-outs as OES records them: times joined by commas.
    checkin_times: Mapped[str | None] = mapped_column(String)
    checkout_times: Mapped[str | None] = mapped_column(String)
    # The answers to the event's complex custom-form fields, by field identifier.
    complex_field_values: Mapped[Any | None] = mapped_column(JSON)
    # OES's columns of the attendee form's fixed fields (``ATTENDEE_CUSTOM_FORM``), by snake-case identifier.
    address: Mapped[str | None] = mapped_column(String)
    city: Mapped[str | None] = mapped_column(String)
    state: Mapped[str | None] = mapped_column(String)
    country: Mapped[str | None] = mapped_column(String)
    job_title: Mapped[str | None] = mapped_column(String)
    phone: Mapped[str | None] = mapped_column(String)
    tax_business_info: Mapped[str | None] = mapped_column(String)
    billing_address: Mapped[str | None] = mapped_column(String)
    home_address: Mapped[str | None] = mapped_column(String)
    shipping_address: Mapped[str | None] = mapped_column(String)
    company: Mapped[str | None] = mapped_column(String)
    work_address: Mapped[str | None] = mapped_column(String)
    work_phone: Mapped[str | None] = mapped_column(String)
    website: Mapped[str | None] = mapped_column(String)
    blog: Mapped[str | None] = mapped_column(String)
    twitter: Mapped[str | None] = mapped_column(String)
    facebook: Mapped[str | None] = mapped_column(String)
    instagram: Mapped[str | None] = mapped_column(String)
    linkedin: Mapped[str | None] = mapped_column(String)
    github: Mapped[str | None] = mapped_column(String)
    gender: Mapped[str | None] = mapped_column(String)
    age_group: Mapped[str | None] = mapped_column(String)
    home_wiki: Mapped[str | None] = mapped_column(String)
    wiki_scholarship: Mapped[str | None] = mapped_column(String)
    accept_video_recording: Mapped[bool | None]
    accept_share_details: Mapped[bool | None]
    accept_receive_emails: Mapped[bool | None]
    is_consent_of_refund_policy: Mapped[bool | None]
    is_consent_form_field: Mapped[bool | None]
    is_consent_form_field_photo: Mapped[bool | None]
    is_consent_form_field_email: Mapped[bool | None]
    native_language: Mapped[Any | None] = mapped_column(JSON)
    fluent_language: Mapped[Any | None] = mapped_column(JSON)


class VirtualCheckIn(Base):
    """A check-in of ticket holders into a virtual room of the event (OES's ``virtual_check_in``)."""

    __tablename__ = "virtual_check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_holder_id: Mapped[list[int] | None] = mapped_column(ARRAY(Integer))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    check_in_type: Mapped[str] = mapped_column(String)  # "room", "event", ...
    check_in_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]


class CustomForm(Base):
    """A field of one of an event's forms (attendee, session, speaker), as OES's ``custom_forms``."""

    __tablename__ = "custom_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    field_identifier: Mapped[str] = mapped_column(String)  # camelCase; its holder column is snake_case
    form: Mapped[str] = mapped_column(String)  # attendee, session, speaker
    type: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    is_included: Mapped[bool | None]
    is_complex: Mapped[bool] = mapped_column(server_default="false")
    position: Mapped[int] = mapped_column(server_default="0")
    is_public: Mapped[bool] = mapped_column(server_default="false")
    is_allow_edit: Mapped[bool] = mapped_column(server_default="false")


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


_OWN = {"schema": OWN_SCHEMA}


class StripeAuthorization(Base):
    """An event's connected Stripe account (standalone mode). Tokens are stored only as KMS envelope
    ciphertext, in our schema: OES's own ``stripe_authorizations`` is OES's (see docs)."""

    __tablename__ = "stripe_authorizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(unique=True)  # OES's events.id (no foreign key: another database)
    stripe_user_id: Mapped[str] = mapped_column(String(255))
    stripe_publishable_key: Mapped[str] = mapped_column(String(255))
    livemode: Mapped[bool] = mapped_column(Boolean, server_default="false")
    encrypted_data_key: Mapped[bytes] = mapped_column(LargeBinary)
    encrypted_tokens: Mapped[bytes] = mapped_column(LargeBinary)
    # HMAC-SHA256 (hex) of the code the keys came from, never the code: a save that repeats it is a no-op.
    code_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
    # Documents show the event by its identifier; loaded with the row, in the same query (standalone
    # mode only: in Open Event mode these routes are left to OES).
    event: Mapped[Event] = relationship(
        primaryjoin="foreign(StripeAuthorization.event_id) == Event.id", lazy="joined", innerjoin=True, viewonly=True
    )

    __table_args__ = (_OWN,)


class ExportTask(Base):
    """One asynchronous export: who asked, what, and how it went."""

    __tablename__ = "export_tasks"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    # OES's users.id and events.id, without foreign keys (OES's tables may be in another database).
    user_id: Mapped[int] = mapped_column(index=True)
    # None for a report that covers every event (the admin's sales report).
    event_id: Mapped[int | None] = mapped_column(index=True)
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
        _OWN,
    )


class SessionSource(Base):
    """What an imported schedule.xml said of a session beyond OES's columns, so that a re-export is
    the same schedule (keyed by OES's ``sessions.id``)."""

    __tablename__ = "session_sources"

    session_id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    url: Mapped[str | None] = mapped_column(String(2048))
    links: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)  # [{"href": ..., "title": ...}]
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)
    recording_optout: Mapped[bool] = mapped_column(Boolean, server_default="false")
    recording_license: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (_OWN,)


class SpeakerSource(Base):
    """An imported person's guid and id (keyed by OES's ``speaker.id``)."""

    __tablename__ = "speaker_sources"

    speaker_id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    source_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (_OWN,)


class RoomSource(Base):
    """An imported room's guid (keyed by OES's ``microlocations.id``)."""

    __tablename__ = "room_sources"

    microlocation_id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)
    guid: Mapped[str | None] = mapped_column(UUID(as_uuid=False))

    __table_args__ = (_OWN,)


class LoginThrottle(Base):
    """Failed logins of one account, or from one client address, in the current window (ours only).

    ``key`` is a SHA-256 of the account or the address, so no email is kept; rows whose window has
    ended are deleted as new failures come (``chalicelib.login_throttle``)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    window_ends_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (_OWN,)


class CalendarToken(Base):
    """A user's secret calendar feed token, kept as its SHA-256 only: rotating replaces the row,
    revoking deletes it, and a leaked database cannot be turned into working feed URLs."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # OES's users.id
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = _created_at()

    __table_args__ = (_OWN,)


class ScheduleFeed(Base):
    """What the public feeds of one event were last built from (``chalicelib.feeds``).

    Keyed by OES's ``events.id``; when the event is deleted outright, this row is what tells the
    refresh that its files are still in the bucket and must go."""

    __tablename__ = "schedule_feeds"

    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    identifier: Mapped[str] = mapped_column(String(64))  # the files' keys in the bucket
    fingerprint: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(64))
    last_modified: Mapped[datetime]
    checked_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (_OWN,)
