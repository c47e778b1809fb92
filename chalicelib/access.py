"""What a user may do: admin, and staff roles per event (owner, organizer, coorganizer)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from chalicelib.errors import Forbidden, NotFound
from chalicelib.http import url_id
from chalicelib.models import EVENT_ROLES, Event, User, UserEventRole


def find_event(session: Session, reference: str) -> Event:
    """The live event with this identifier, or this numeric id; ``NotFound`` otherwise."""
    query = select(Event).where(Event.deleted_at.is_(None))
    if (event_id := url_id(reference)) is not None:
        query = query.where((Event.identifier == reference) | (Event.id == event_id))
    else:
        query = query.where(Event.identifier == reference)
    event = session.scalars(query.order_by((Event.identifier == reference).desc())).first()
    if event is None:
        raise NotFound(f"Event {reference!r} not found")
    return event


def is_admin(user: User | None) -> bool:
    return bool(user and user.is_admin)


def is_event_staff(session: Session, user: User | None, event_id: int) -> bool:
    """Admin, or owner, organizer or coorganizer of the event."""
    if user is None:
        return False
    if user.is_admin:
        return True
    query = select(
        exists().where(
            UserEventRole.user_id == user.id,
            UserEventRole.event_id == event_id,
            UserEventRole.role.in_(EVENT_ROLES),
        )
    )
    return bool(session.scalar(query))


def require_admin(user: User) -> None:
    if not is_admin(user):
        raise Forbidden("Admin access is required")


def require_event_staff(session: Session, user: User, event: Event) -> None:
    if not is_event_staff(session, user, event.id):
        raise Forbidden("Minimum Organizer access required")


def staffed_event(session: Session, user: User, reference: str) -> Event:
    """The live event ``reference`` names, when ``user`` is on its staff: 404, else 403, as OES answers."""
    event = find_event(session, reference)
    require_event_staff(session, user, event)
    return event


def export_subject(session: Session, user: User | None, event_id: int | None) -> Event | None:
    """The event an export of ``event_id`` covers (None: every event, the site-wide report), while
    ``user`` may still have it: ``Forbidden`` once the right has ended (no longer an administrator,
    no longer on the event's staff), ``NotFound`` once the event is deleted. The worker asks before
    rendering and the task view before every read, so access ends when the right ends."""
    if event_id is None:
        if not is_admin(user):
            raise Forbidden("You are no longer an administrator")
        return None
    event = session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        raise NotFound("The event was deleted")
    if not is_event_staff(session, user, event.id):
        raise Forbidden("You are no longer a member of this event's staff")
    return event


def event_exists(session: Session, identifier: str) -> bool:
    """Whether an event (deleted or not) already holds this identifier."""
    return session.scalar(select(Event.id).where(Event.identifier == identifier)) is not None
