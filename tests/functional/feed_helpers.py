"""Published schedules, the feeds' refresh driven through its Lambda function, and readers of the
feed URLs (the tests of ``chalicelib.feeds``, one file per capability)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from chalicelib import models
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
