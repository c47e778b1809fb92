"""The refresh's own rules: two runs never build the same event (the second skips it), and an
identifier that changed moves the feeds to the new URL, and a feed lost from the bucket is written
again by the next run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from chalicelib import aws
from chalicelib.db import transaction
from chalicelib.feeds import refresh
from chalicelib.feeds.refresh import LOCK_SPACE
from chalicelib.settings import get_settings
from tests.functional.feed_helpers import FEED_PATHS, bucket_unlistable, get, published_schedule, set_event


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


def _lose(prefix: str) -> None:
    """Objects lost from the bucket behind the service's back (deleted by hand, a new bucket)."""
    bucket = get_settings().export_bucket
    listed = aws.s3().list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    aws.s3().delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": item["Key"]} for item in listed]})


@pytest.mark.parametrize("lost", ["files/", "manifests/", ""])
def test_a_feed_lost_from_the_bucket_is_back_after_the_next_run_with_the_same_bytes(client, factory, lost):
    event = published_schedule(factory)
    refresh.run()
    before = {name: get(client, f"/v1/events/{event.identifier}/{name}") for name in FEED_PATHS}

    _lose(f"feeds/{lost}")
    broken = get(client, f"/v1/events/{event.identifier}/schedule.xml").status_code
    refresh.run()
    after = {name: get(client, f"/v1/events/{event.identifier}/{name}") for name in FEED_PATHS}

    assert broken in {404, 503}
    assert {name: (answer.status_code, answer.headers["ETag"], answer.body) for name, answer in after.items()} == {
        name: (200, answer.headers["ETag"], answer.body) for name, answer in before.items()
    }
    assert after["schedule.ics"].headers["Last-Modified"] == before["schedule.ics"].headers["Last-Modified"]


def test_an_intact_unchanged_feed_is_not_written_again(client, factory):
    published_schedule(factory)
    refresh.run()

    assert refresh.run().rebuilt == []


def test_a_lost_manifest_is_written_again_when_s3_denies_rather_than_says_missing(client, factory):
    event = published_schedule(factory)
    refresh.run()
    _lose("feeds/manifests/")

    with bucket_unlistable():
        lost = get(client, f"/v1/events/{event.identifier}/schedule.xml").status_code
        healed = refresh.run()
        answer = get(client, f"/v1/events/{event.identifier}/schedule.xml").status_code

    assert (lost, healed.rebuilt, answer) == (404, [event.id], 200)
