"""Live feeds in Open Event mode: the schedule, the events and the favourites are read from OES's
own tables through a SELECT-only role; the feeds' record and the calendar tokens are ours."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.functional.feed_helpers import calendar_token, get, refresh, summaries
from tests.functional.schedule_events import assert_valid_schedule
from tests.functional.test_open_event_mode import _organizer_token, open_event_database  # noqa: F401

_SCHEDULE = """
UPDATE events SET schedule_published_on = '2026-05-01Z' WHERE id = 1;
INSERT INTO microlocations (id, name, hidden_in_scheduler, position, event_id) VALUES (1, 'Hall', false, 1, 1);
INSERT INTO sessions (id, title, is_locked, event_id, state, starts_at, ends_at, microlocation_id)
    VALUES (1, 'Keynote', false, 1, 'accepted', '2026-06-01 10:00Z', '2026-06-01 11:00Z', 1),
           (2, 'Closing', false, 1, 'confirmed', '2026-06-02 16:00Z', '2026-06-02 17:00Z', 1);
INSERT INTO user_favourite_sessions (id, session_id, user_id) VALUES (1, 2, 1);
"""


def test_feeds_and_my_schedule_read_oes_tables(client, open_event_database):  # noqa: F811
    owner = create_engine(open_event_database)
    with owner.begin() as connection:
        connection.execute(text(_SCHEDULE))
    owner.dispose()
    refresh(client)

    schedule = get(client, "/v1/events/oes1/schedule.xml")
    mine = get(
        client, f"/v1/events/oes1.ics?include_sessions&my_schedule&token={calendar_token(client, _organizer_token())}"
    )

    assert schedule.status_code == 200
    document = assert_valid_schedule(schedule.body)
    assert [e.findtext("title") for e in document.iterfind("day/room/event")] == ["Keynote", "Closing"]
    assert mine.status_code == 200 and summaries(mine.body) == ["Closing"]
