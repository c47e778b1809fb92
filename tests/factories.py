"""Rows for tests, committed at once, with sensible defaults. Each call says only what matters."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib import models
from chalicelib.auth import hash_password, issue_token
from chalicelib.db import transaction

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # scrypt is slow on purpose: hash once per test run
_counter = itertools.count(1)


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
                password_hash=_HASH,
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
        return self._save(models.UserEventRole(user_id=user.id, event_id=event.id, role=role))

    def staff(self, event: models.Event, role: str = "organizer") -> models.User:
        user = self.user()
        self.role(user, event, role)
        return user

    def ticket(self, event: models.Event, **fields: Any) -> models.Ticket:
        return self._save(
            models.Ticket(
                event_id=event.id,
                name=fields.pop("name", "Standard"),
                price=fields.pop("price", Decimal("10")),
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
                ticket_id=ticket.id if ticket else None,
                firstname=fields.pop("firstname", "Holder"),
                lastname=fields.pop("lastname", f"Number {number}"),
                email=fields.pop("email", f"holder{number}@example.com"),
                **fields,
            )
        )

    def room(self, event: models.Event, name: str = "Main hall", **fields: Any) -> models.Microlocation:
        return self._save(models.Microlocation(event_id=event.id, name=name, **fields))

    def track(self, event: models.Event, name: str = "Main track", **fields: Any) -> models.Track:
        return self._save(models.Track(event_id=event.id, name=name, **fields))

    def speaker(self, event: models.Event, name: str = "Grace Hopper", **fields: Any) -> models.Speaker:
        return self._save(models.Speaker(event_id=event.id, name=name, **fields))

    def session(
        self, event: models.Event, *, speakers: tuple[models.Speaker, ...] = (), **fields: Any
    ) -> models.EventSession:
        row = self._save(
            models.EventSession(
                event_id=event.id,
                title=fields.pop("title", "A talk"),
                state=fields.pop("state", "accepted"),
                **fields,
            )
        )
        for speaker in speakers:
            self._save(models.SpeakerSession(speaker_id=speaker.id, session_id=row.id))
        return row
