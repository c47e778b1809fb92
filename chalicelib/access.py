"""What a user may do, as Open Event Server decides it, for exports, tasks and Stripe.

OES guards every export route (app/api/exports.py) with ``@is_coorganizer``: ``User.is_staff``
(``is_admin`` or ``is_super_admin``) or ``User.has_event_access`` (owner, organizer or
coorganizer of the event). A role counts when held directly (``users_events_roles`` with
``role_id`` naming it in ``roles``) or through an accepted ``users_groups_roles`` row of the
event's group with the same role names. One deviation, on the safe side: OES's ``_is_role``
also admits an accepted group role of *any* group when the event has no group; here a group role
counts only for its own group's events. The admin sales report is OES's ``@is_admin``. Deleted
and blocked users are refused before any of this (``auth.user_from_token``).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from chalicelib.errors import Forbidden, NotFound
from chalicelib.http import url_id
from chalicelib.models import EVENT_ROLES, Event, Role, User, UserEventRole, UserGroupRole


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
    """OES's ``User.is_staff``: an admin or a super admin."""
    return bool(user and (user.is_admin or user.is_super_admin))


def is_event_staff(session: Session, user: User | None, event_id: int) -> bool:
    """Admin or super admin, or owner, organizer or coorganizer of the event, directly or through an
    accepted role in the event's group: one query."""
    if user is None:
        return False
    if is_admin(user):
        return True
    staff_roles = select(Role.id).where(Role.name.in_(EVENT_ROLES))
    direct = exists().where(
        UserEventRole.user_id == user.id,
        UserEventRole.event_id == event_id,
        UserEventRole.role_id.in_(staff_roles),
    )
    through_group = exists().where(
        UserGroupRole.user_id == user.id,
        UserGroupRole.accepted.is_(True),
        UserGroupRole.role_id.in_(staff_roles),
        UserGroupRole.group_id == select(Event.group_id).where(Event.id == event_id).scalar_subquery(),
    )
    return bool(session.scalar(select(direct | through_group)))


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
