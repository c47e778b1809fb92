"""The demo event of ``make run`` has a published schedule: a newcomer finds its feeds at once,
and attendee1's "my schedule" through a calendar token."""

from __future__ import annotations

from devtools.stack import DEMO_IDENTIFIER, forget_built_feeds, load_demo
from tests.functional.feed_helpers import calendar_token, get, summaries
from tests.functional.schedule_events import assert_valid_schedule


def test_demo_feeds_are_there_once_the_stack_loaded_the_demo(client, factory):
    from chalicelib.auth import issue_token
    from chalicelib.db import transaction
    from chalicelib.models import User

    load_demo()  # what `make run` does before it serves
    with transaction() as session:
        attendee = session.query(User).filter_by(email="attendee1@example.com").one()
        token = calendar_token(client, issue_token(attendee))

    schedule = get(client, f"/v1/events/{DEMO_IDENTIFIER}/schedule.xml")
    mine = get(client, f"/v1/events/{DEMO_IDENTIFIER}.ics?include_sessions&my_schedule&token={token}")

    assert schedule.status_code == 200
    assert_valid_schedule(schedule.body)
    assert mine.status_code == 200 and len(summaries(mine.body)) >= 1


def test_demo_feeds_are_there_again_after_make_run_restarts_with_an_empty_bucket(client, factory):
    """moto's bucket lives in memory: a restart finds the record of built feeds, and no files."""
    from chalicelib import aws
    from chalicelib.feeds.store import PREFIX
    from chalicelib.settings import get_settings

    load_demo()
    bucket = get_settings().export_bucket
    listed = aws.s3().list_objects_v2(Bucket=bucket, Prefix=PREFIX).get("Contents", [])
    aws.s3().delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": item["Key"]} for item in listed]})

    forget_built_feeds()  # what `make run` does when it starts its own moto
    load_demo()

    assert get(client, f"/v1/events/{DEMO_IDENTIFIER}/schedule.xml").status_code == 200
