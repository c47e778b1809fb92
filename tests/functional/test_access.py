"""Who may do what: admin, event staff roles, and finding an event by identifier or id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.access import find_event, is_event_staff, require_event_staff
from chalicelib.db import transaction
from chalicelib.errors import Forbidden, NotFound


@pytest.mark.parametrize("role", ["owner", "organizer", "coorganizer"])
def test_event_roles_make_a_user_staff(factory, role):
    event = factory.event()
    user = factory.staff(event, role)

    with transaction() as session:
        assert is_event_staff(session, user, event.id)


def test_admin_is_staff_of_every_event(factory):
    event = factory.event()
    admin = factory.user(admin=True)

    with transaction() as session:
        assert is_event_staff(session, admin, event.id)


def test_staff_of_one_event_is_not_staff_of_another(factory):
    event, other_event = factory.event(), factory.event()
    user = factory.staff(event, "owner")

    with transaction() as session:
        assert not is_event_staff(session, user, other_event.id)
        with pytest.raises(Forbidden, match="Minimum Organizer access required"):
            require_event_staff(session, user, other_event)


def test_anonymous_is_never_staff(factory):
    event = factory.event()

    with transaction() as session:
        assert not is_event_staff(session, None, event.id)


def test_find_event_by_identifier_or_numeric_id(factory):
    event = factory.event(identifier="summit27")

    with transaction() as session:
        assert find_event(session, "summit27").id == event.id
        assert find_event(session, str(event.id)).id == event.id


def test_find_event_prefers_an_identifier_that_looks_like_an_id(factory):
    first = factory.event()
    numeric_identifier = factory.event(identifier=str(first.id))

    with transaction() as session:
        assert find_event(session, str(first.id)).id == numeric_identifier.id


@pytest.mark.parametrize(
    "reference",
    ["missing", "999999", "9" * 40, "deleted", "²"],
    ids=["unknown", "unknown-id", "huge-id", "deleted", "superscript-digit"],
)
def test_find_event_unknown_or_deleted_is_not_found(factory, reference):
    factory.event(identifier="deleted", deleted_at=datetime(2026, 1, 1, tzinfo=UTC))

    with transaction() as session, pytest.raises(NotFound):
        find_event(session, reference)
