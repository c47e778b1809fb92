"""Who may do what, as Open Event Server decides it: admins and super admins, the event's owner,
organizers and coorganizers directly or through an accepted role in the event's group, nobody
else; and finding an event by identifier or id."""

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


def test_super_admin_is_staff_of_every_event(factory):
    event = factory.event()
    super_admin = factory.user(is_super_admin=True)

    with transaction() as session:
        assert is_event_staff(session, super_admin, event.id)


@pytest.mark.parametrize("role", ["track_organizer", "moderator", "registrar"])
def test_other_oes_roles_are_not_staff(factory, role):
    """OES's ``@is_coorganizer`` on every export admits owner, organizer and coorganizer only."""
    event = factory.event()
    user = factory.staff(event, role)

    with transaction() as session:
        assert not is_event_staff(session, user, event.id)


@pytest.mark.parametrize("role", ["owner", "organizer", "coorganizer"])
def test_an_accepted_role_in_the_events_group_makes_a_user_staff(factory, role):
    event = factory.event()
    member = factory.user()
    factory.group_role(member, factory.group(factory.user(), event), role)

    with transaction() as session:
        assert is_event_staff(session, member, event.id)


def test_a_group_role_counts_only_once_accepted_and_only_for_its_own_groups_events(factory):
    event, ungrouped, other_groups_event = factory.event(), factory.event(), factory.event()
    invited, member = factory.user(), factory.user()
    group = factory.group(factory.user(), event)
    factory.group(factory.user(), other_groups_event)
    factory.group_role(invited, group, "organizer", accepted=False)
    factory.group_role(member, group, "organizer")

    with transaction() as session:
        assert not is_event_staff(session, invited, event.id)
        # OES would admit ``member`` at an event without a group too; here a group role stays in its group.
        assert not is_event_staff(session, member, ungrouped.id)
        assert not is_event_staff(session, member, other_groups_event.id)


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
