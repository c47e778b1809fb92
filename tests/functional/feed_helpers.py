"""Published schedules, the feeds' refresh driven through its Lambda function, and readers of the
feed URLs (the tests of ``chalicelib.feeds``, one file per capability)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
from sqlalchemy import select, update

from chalicelib import aws, models
from chalicelib.db import transaction
from devtools.worker import scheduled_event
from tests.factories import Factory

FEED_PATHS = ("schedule.xml", "schedule.json", "schedule.xcs", "schedule.ics")


def published_schedule(factory: Factory, **fields: Any) -> models.Event:
    """A published event with a published schedule: two talks in two rooms, one speaker, a track;
    and a rejected talk, which no feed shows."""
    event = factory.event(
        schedule_published_on=fields.pop("schedule_published_on", datetime(2026, 5, 1, tzinfo=UTC)),
        timezone=fields.pop("timezone", "Europe/Berlin"),
        location_name="Hall of feeds",
        **fields,
    )
    hall, annex = factory.room(event, "Hall", position=1), factory.room(event, "Annex", position=2)
    track = factory.track(event, "Main", color="#00AA00")
    grace = factory.speaker(event, "Grace Hopper", email="grace@example.com")
    first = datetime(2026, 6, 1, 10, tzinfo=UTC)
    factory.session(
        event, title="Opening", starts_at=first, ends_at=first.replace(hour=11), microlocation_id=hall.id,
        track_id=track.id, speakers=(grace,),
    )  # fmt: skip
    factory.session(
        event, title="Compilers", starts_at=first.replace(hour=12), ends_at=first.replace(hour=13),
        microlocation_id=annex.id, speakers=(grace,),
    )  # fmt: skip
    factory.session(event, title="Rejected", state="rejected", starts_at=first, ends_at=first.replace(hour=11))
    return event


def refresh(client: Any) -> Any:
    """One run of the feeds' scheduled function, as EventBridge starts it."""
    return client.lambda_.invoke("feeds_refresh", scheduled_event("us-east-1")).payload


def set_session(event: models.Event, named: str, **values: Any) -> None:
    """Change a session straight in the database, as Open Event Server would."""
    with transaction() as session:
        session.execute(
            update(models.EventSession)
            .where(models.EventSession.event_id == event.id, models.EventSession.title == named)
            .values(**values)
        )


def set_event(event: models.Event, **values: Any) -> None:
    with transaction() as session:
        session.execute(update(models.Event).where(models.Event.id == event.id).values(**values))


def get(client: Any, path: str, **headers: str) -> Any:
    return client.http.get(path, headers=headers)


def favourite(user: models.User, event: models.Event, title: str) -> None:
    """``user`` marks the event's session ``title`` for "my schedule" (Open Event's table)."""
    with transaction() as session:
        session_id = session.scalar(
            select(models.EventSession.id).where(
                models.EventSession.event_id == event.id, models.EventSession.title == title
            )
        )
        session.add(models.FavouriteSession(user_id=user.id, session_id=session_id))


def calendar_token(client: Any, token: str) -> str:
    """The user's new secret calendar token (``POST /v1/auth/calendar-token``)."""
    answer = client.http.post("/v1/auth/calendar-token", headers={"Authorization": f"JWT {token}"})
    assert answer.status_code == 201, answer.body
    return str(answer.json_body["token"])


def summaries(data: bytes) -> list[str]:
    import icalendar

    return [str(vevent["SUMMARY"]) for vevent in icalendar.Calendar.from_ical(data).walk("VEVENT")]


class _Denied:
    status_code = 403


@contextmanager
def bucket_unlistable() -> Iterator[None]:
    """S3 as a role that may read ``feeds/*`` but not list the bucket sees it: a missing key is
    ``AccessDenied``, not ``NoSuchKey`` (S3 hides which keys exist)."""
    client = aws.s3()
    # A client of its own looks the key up: this one's hooks would answer for it.
    looker = boto3.client(
        "s3", endpoint_url=client.meta.endpoint_url, region_name=client.meta.region_name,
        aws_access_key_id="test", aws_secret_access_key="test",
    )  # fmt: skip

    def note_missing(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        listed = looker.list_objects_v2(Bucket=params["Bucket"], Prefix=params["Key"]).get("Contents", [])
        context["missing"] = all(item["Key"] != params["Key"] for item in listed)

    def deny_missing(context: dict[str, Any], **_: Any) -> tuple[_Denied, dict[str, Any]] | None:
        if not context.get("missing"):
            return None
        return _Denied(), {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}, "ResponseMetadata": {}}

    client.meta.events.register("before-parameter-build.s3.GetObject", note_missing)
    client.meta.events.register("before-call.s3.GetObject", deny_missing)
    try:
        yield
    finally:
        client.meta.events.unregister("before-parameter-build.s3.GetObject", note_missing)
        client.meta.events.unregister("before-call.s3.GetObject", deny_missing)
