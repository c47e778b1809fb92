"""Rows for tests, committed at once, with sensible defaults. Each call says only what matters."""

from __future__ import annotations

import base64
import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import models
from chalicelib.auth import hash_password, issue_token
from chalicelib.db import transaction

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD).columns()  # scrypt is slow on purpose: hash once per test run
_counter = itertools.count(1)
_SESSION_SOURCE = ("guid", "url", "links", "attachments", "recording_optout", "recording_license")


def legacy_password_hash(password: str, salt: bytes = b"0123456789abcdef") -> str:
    """A password as this service hashed it before it stored them as OES does (``users.salt`` NULL)."""
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


class Factory:
    def _save(self, row: Any) -> Any:
        with transaction() as session:
            session.add(row)
        return row

    def user(self, *, email: str | None = None, admin: bool = False, **fields: Any) -> models.User:
        number = next(_counter)
        return self._save(
            models.User(
                email=email or f"user{number}@example.com",
                password=fields.pop("password", _HASH["password"]),
                salt=fields.pop("salt", _HASH["salt"]),
                is_admin=admin,
                first_name=fields.pop("first_name", "Ada"),
                last_name=fields.pop("last_name", f"Tester {number}"),
                **fields,
            )
        )

    def token(self, user: models.User) -> str:
        return issue_token(user)

    def event(self, *, identifier: str | None = None, timezone: str = "UTC", **fields: Any) -> models.Event:
        number = next(_counter)
        starts = fields.pop("starts_at", datetime(2026, 6, 1, 9, tzinfo=UTC))
        return self._save(
            models.Event(
                identifier=identifier or f"ev{number:06d}",
                name=fields.pop("name", f"Event {number}"),
                timezone=timezone,
                starts_at=starts,
                ends_at=fields.pop("ends_at", starts + timedelta(days=2)),
                state=fields.pop("state", "published"),
                **fields,
            )
        )

    def role(self, user: models.User, event: models.Event, role: str = "organizer") -> models.UserEventRole:
        return self._save(models.UserEventRole(user_id=user.id, event_id=event.id, role_id=models.role_id(role)))

    def group(self, owner: models.User, *events: models.Event, **fields: Any) -> models.Group:
        """A group of ``events`` (OES's ``events.group_id``)."""
        group = self._save(models.Group(name=fields.pop("name", "A group"), user_id=owner.id, **fields))
        with transaction() as session:
            for event in events:
                session.get_one(models.Event, event.id).group_id = group.id
        return group

    def group_role(
        self, user: models.User, group: models.Group, role: str = "organizer", *, accepted: bool = True
    ) -> models.UserGroupRole:
        return self._save(
            models.UserGroupRole(
                email=user.email, user_id=user.id, group_id=group.id, role_id=models.role_id(role), accepted=accepted
            )
        )

    def staff(self, event: models.Event, role: str = "organizer") -> models.User:
        user = self.user()
        self.role(user, event, role)
        return user

    def ticket(self, event: models.Event, **fields: Any) -> models.Ticket:
        return self._save(
            models.Ticket(
                event_id=event.id,
                name=fields.pop("name", "Standard"),
                price=fields.pop("price", 10.0),
                **fields,
            )
        )

    def order(self, event: models.Event, **fields: Any) -> models.Order:
        number = next(_counter)
        tickets = fields.pop("tickets", [])
        order = self._save(
            models.Order(
                event_id=event.id,
                identifier=fields.pop("identifier", f"order-{number}"),
                status=fields.pop("status", "completed"),
                amount=fields.pop("amount", None) or 0,  # OES's orders.amount is NOT NULL, 0 by default
                **fields,
            )
        )
        for ticket, quantity in tickets:
            self._save(models.OrderTicket(order_id=order.id, ticket_id=ticket.id, quantity=quantity))
        return order

    def holder(self, order: models.Order, ticket: models.Ticket | None = None, **fields: Any) -> models.TicketHolder:
        number = next(_counter)
        return self._save(
            models.TicketHolder(
                order_id=order.id,
                event_id=order.event_id,
                ticket_id=ticket.id if ticket else None,
                firstname=fields.pop("firstname", "Holder"),
                lastname=fields.pop("lastname", f"Number {number}"),
                email=fields.pop("email", f"holder{number}@example.com"),
                **fields,
            )
        )

    def room(self, event: models.Event, name: str = "Main hall", **fields: Any) -> models.Microlocation:
        guid = fields.pop("guid", None)
        room = self._save(models.Microlocation(event_id=event.id, name=name, **fields))
        if guid:
            self._save(models.RoomSource(microlocation_id=room.id, event_id=event.id, guid=guid))
        return room

    def track(self, event: models.Event, name: str = "Main track", **fields: Any) -> models.Track:
        return self._save(models.Track(event_id=event.id, name=name, **fields))

    def speaker(self, event: models.Event, name: str = "Grace Hopper", **fields: Any) -> models.Speaker:
        imported = {key: fields.pop(key) for key in ("guid", "source_id") if key in fields}
        speaker = self._save(models.Speaker(event_id=event.id, name=name, **fields))
        if imported:
            self._save(models.SpeakerSource(speaker_id=speaker.id, event_id=event.id, **imported))
        return speaker

    def session(
        self, event: models.Event, *, speakers: tuple[models.Speaker, ...] = (), **fields: Any
    ) -> models.EventSession:
        imported = {key: fields.pop(key) for key in _SESSION_SOURCE if key in fields}
        row = self._save(
            models.EventSession(
                event_id=event.id,
                title=fields.pop("title", "A talk"),
                state=fields.pop("state", "accepted"),
                **fields,
            )
        )
        if imported:  # what a schedule import keeps beyond OES's columns, in our own schema
            self._save(models.SessionSource(session_id=row.id, event_id=event.id, **imported))
        for speaker in speakers:
            self._save(models.SpeakerSession(speaker_id=speaker.id, session_id=row.id))
        return row
