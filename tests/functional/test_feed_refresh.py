"""The refresh's own rules: two runs never build the same event (the second skips it), and an
identifier that changed moves the feeds to the new URL."""

from __future__ import annotations

from sqlalchemy import func, select

from chalicelib.db import transaction
from chalicelib.feeds import refresh
from chalicelib.feeds.refresh import LOCK_SPACE
from tests.functional.feed_helpers import get, published_schedule, set_event


def test_an_event_another_run_holds_is_skipped_and_built_by_the_next_run(client, factory):
    event = published_schedule(factory)

    with transaction() as holder:
        holder.scalar(select(func.pg_advisory_xact_lock(LOCK_SPACE, event.id)))
        skipped = refresh.run()
    built = refresh.run()

    assert skipped.rebuilt == [] and built.rebuilt == [event.id]
    assert get(client, f"/v1/events/{event.identifier}/schedule.xml").status_code == 200


def test_a_new_identifier_moves_the_feeds(client, factory):
    event = published_schedule(factory)
    refresh.run()
    old = event.identifier

    set_event(event, identifier=f"{old}-new")
    refresh.run()

    assert get(client, f"/v1/events/{old}/schedule.xml").status_code == 404
    assert get(client, f"/v1/events/{old}-new/schedule.xml").status_code == 200
