"""The sessions CSV (``POST /v1/events/{event}/export/sessions/csv``), read back from the published
file by the csv module, as the frontend's sessions page asks for it (app/controllers/events/view/sessions.js)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.db import transaction
from chalicelib.exports.formats.csv_rows import BOM
from chalicelib.exports.formats.table_csv import TableCsv
from chalicelib.exports.formats.tables.sessions import TABLE
from chalicelib.models import Event, SessionType
from tests.functional.export_helpers import csv_records as parse
from tests.functional.export_helpers import posted_export_file, recorded_statements

HEADER = TABLE.header

pytestmark = pytest.mark.usefixtures("export_queue")

NINE_UTC = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def conference(factory):
    event = factory.event(identifier="conf", timezone="Asia/Kolkata")
    return event, factory.token(factory.staff(event))


def export(client, stack, token, event, body=None):
    return posted_export_file(client, stack, token, f"events/{event.identifier}/export/sessions/csv", body)


def session_type(event: Event, name: str, length: str) -> SessionType:
    with transaction() as session:
        row = SessionType(event_id=event.id, name=name, length=length)
        session.add(row)
    return row


def test_sessions_csv_has_its_documented_columns_a_bom_and_crlf(client, stack, factory, conference):
    event, token = conference
    factory.session(event, title="Keynote")

    data = export(client, stack, token, event, {"status": "all"})

    assert data.startswith(BOM)
    assert data.removeprefix(BOM).split(b"\r\n")[0].decode() == ",".join(HEADER)
    assert HEADER == (
        "Session Title", "Session Subtitle", "Session Starts At", "Session Ends At", "Duration (minutes)",
        "Session Speakers", "Speaker Emails", "Session Track", "Room", "Session Abstract Short",
        "Session Abstract Long", "Created At", "Status", "Session Type", "Talk Length", "Language",
        "Slides", "Audio", "Video", "Average Rating", "Number of Ratings",
    )  # fmt: skip
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_a_session_row_names_its_speakers_track_room_and_type_in_the_event_zone(client, stack, factory, conference):
    event, token = conference
    grace = factory.speaker(event, "Grace Hopper", email="grace@example.com")
    ada = factory.speaker(event, "Ada Lovelace", email="ada@example.com")
    gone = factory.speaker(event, "Deleted Speaker", email="gone@example.com", deleted_at=NINE_UTC)
    talk = session_type(event, "Talk", "00:45")
    factory.session(
        event, speakers=(grace, ada, gone), title="Compilers", subtitle="A history", state="confirmed",
        starts_at=NINE_UTC, ends_at=NINE_UTC + timedelta(minutes=45), created_at=NINE_UTC,
        track_id=factory.track(event, "Languages").id, microlocation_id=factory.room(event, "Hall A").id,
        session_type_id=talk.id, language="en", short_abstract="<p>From <b>A-0</b> to COBOL &amp; on</p>",
        long_abstract="Plain words, kept as they are.", slides_url="https://example.com/slides.pdf",
        audio_url="https://example.com/a.mp3", video_url="https://example.com/v.mp4",
        average_rating=13 / 3, rating_count=3,
    )  # fmt: skip

    rows = parse(export(client, stack, token, event, {"status": "confirmed"}))

    assert rows == [{
        "Session Title": "Compilers", "Session Subtitle": "A history",
        "Session Starts At": "2026-03-01T14:30:00+05:30", "Session Ends At": "2026-03-01T15:15:00+05:30",
        "Duration (minutes)": "45", "Session Speakers": "Ada Lovelace; Grace Hopper",
        "Speaker Emails": "ada@example.com; grace@example.com", "Session Track": "Languages", "Room": "Hall A",
        "Session Abstract Short": "From A-0 to COBOL & on", "Session Abstract Long": "Plain words, kept as they are.",
        "Created At": "2026-03-01T14:30:00+05:30", "Status": "confirmed", "Session Type": "Talk",
        "Talk Length": "00:45", "Language": "en", "Slides": "https://example.com/slides.pdf",
        "Audio": "https://example.com/a.mp3", "Video": "https://example.com/v.mp4",
        "Average Rating": "4.33", "Number of Ratings": "3",  # as OES keeps them on the session
    }]  # fmt: skip


def test_a_session_without_times_links_or_speakers_has_empty_cells(client, stack, factory, conference):
    event, token = conference
    deleted_track = factory.track(event, "Gone", deleted_at=NINE_UTC)
    factory.session(event, title="Unplanned", state="pending", track_id=deleted_track.id, created_at=NINE_UTC)

    (row,) = parse(export(client, stack, token, event, {"status": "pending"}))

    assert row["Session Title"] == "Unplanned"
    rated = {"Average Rating": "0.00", "Number of Ratings": "0"}  # OES's defaults: no feedback yet
    assert {name: row[name] for name in rated} == rated
    empty = [name for name in HEADER if name not in {"Session Title", "Created At", "Status", *rated}]
    assert [row[name] for name in empty] == [""] * len(empty)


def test_status_all_is_every_state_but_never_a_deleted_session_earliest_first(client, stack, factory, conference):
    event, token = conference
    for number, state in enumerate(("withdrawn", "accepted", "pending", "rejected", "canceled", "draft")):
        factory.session(event, title=f"s-{state}", state=state, starts_at=NINE_UTC + timedelta(hours=6 - number))
    factory.session(event, title="unscheduled", state="accepted")
    factory.session(event, title="deleted", state="accepted", deleted_at=NINE_UTC)

    everything = parse(export(client, stack, token, event, {"status": "all"}))
    accepted = parse(export(client, stack, token, event, {"status": "accepted"}))
    default = parse(export(client, stack, token, event, {}))

    titles = ["s-draft", "s-canceled", "s-rejected", "s-pending", "s-accepted", "s-withdrawn", "unscheduled"]
    assert [row["Session Title"] for row in everything] == titles
    assert [row["Session Title"] for row in accepted] == ["s-accepted", "unscheduled"]
    assert default == everything


HOSTILE = [
    # (title, short abstract) -> the cells a spreadsheet must show
    (("Smith, John", '<p>The "Boss"</p>'), ["Smith, John", 'The "Boss"']),
    (("Line\nBreak", "Carriage\r\nReturn"), ["Line\nBreak", "Carriage\r\nReturn"]),
    (("=cmd|' /C calc'!A0", "<p>=HYPERLINK(\"http://evil\")</p>"), ["'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://evil\")"]),
    (("+SUM(A1)", "<script>alert(1)</script>@evil"), ["'+SUM(A1)", "'@evil"]),
    (("-1", "Zoë 東京 🎉 &lt;b&gt;"), ["-1", "Zoë 東京 🎉 <b>"]),
    (("\t=1+1", "\r=2"), ["'\t=1+1", "'\r=2"]),
    (("|pipe", "%0A<br>"), ["'|pipe", "'%0A"]),
]  # fmt: skip


def test_sessions_csv_survives_hostile_text_in_plain_and_rich_rows(client, stack, factory, conference):
    event, token = conference
    for number, ((title, abstract), _) in enumerate(HOSTILE):
        factory.session(event, title=title, short_abstract=abstract, starts_at=NINE_UTC + timedelta(hours=number))

    rows = parse(export(client, stack, token, event, {"status": "all"}))

    assert [[row["Session Title"], row["Session Abstract Short"]] for row in rows] == [cells for _, cells in HOSTILE]
    assert all(len(row) == len(HEADER) and None not in row for row in rows)


def test_sessions_are_read_by_one_streamed_query_whatever_their_number(factory, conference, monkeypatch):
    event, _ = conference
    speaker = factory.speaker(event)
    for number in range(7):
        factory.session(event, title=f"t-{number}", speakers=(speaker,), starts_at=NINE_UTC + timedelta(hours=number),
                        short_abstract="<em>rich</em>" if number % 2 else "plain")  # fmt: skip
    reported: list[int] = []
    with recorded_statements() as statements:
        out = io.BytesIO()
        with transaction() as session:
            written = TableCsv(TABLE, batch_size=3).render(
                session, session.get(Event, event.id), {"status": "all"}, out, reported.append
            )

    assert written == 7 and reported == [3, 6, 7]
    assert [row["Session Title"] for row in parse(out.getvalue())] == [f"t-{number}" for number in range(7)]
    assert [row["Session Abstract Short"] for row in parse(out.getvalue())][:2] == ["plain", "rich"]
    # Beside the session's time zone, nothing: the rows all come from the one COPY (not seen by these events).
    assert not any("sessions" in statement for statement in statements)
