"""The speakers CSV (``POST /v1/events/{event}/export/speakers/csv``), read back by the csv module, with
the speakers page's tabs as ``status`` (app/routes/events/view/speakers/list.js, app/controllers/events/view/speakers.js)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.exports.formats.tables.speakers import TABLE
from tests.functional.export_helpers import csv_records as parse
from tests.functional.export_helpers import posted_export_file

HEADER = TABLE.header

pytestmark = pytest.mark.usefixtures("export_queue")

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def conference(factory):
    event = factory.event(identifier="conf")
    return event, factory.token(factory.staff(event))


def export(client, stack, token, event, status):
    body = {} if status is None else {"status": status}
    return parse(posted_export_file(client, stack, token, f"events/{event.identifier}/export/speakers/csv", body))


def test_speakers_csv_has_open_events_columns_and_lists_each_speakers_sessions(client, stack, factory, conference):
    event, token = conference
    grace = factory.speaker(event, "Grace Hopper", email="grace@example.com", organisation="US Navy",
                            position="Rear Admiral", country="US", short_biography="<p>Wrote <b>A-0</b>.</p><p>Navy.</p>")  # fmt: skip
    factory.session(
        event, title="Late talk", state="accepted", speakers=(grace,), starts_at=NOON_UTC + timedelta(hours=2)
    )
    factory.session(event, title="Early talk", state="pending", speakers=(grace,), starts_at=NOON_UTC)
    factory.session(event, title="Unscheduled", state="rejected", speakers=(grace,))
    factory.session(event, title="Deleted talk", state="accepted", speakers=(grace,), deleted_at=NOON_UTC)

    rows = export(client, stack, token, event, "all")

    assert HEADER == ("Speaker Name", "Speaker Email", "Speaker Session(s)", "Speaker Bio", "Speaker Organisation",
                      "Speaker Position", "Speaker Country")  # fmt: skip
    assert rows == [{
        "Speaker Name": "Grace Hopper", "Speaker Email": "grace@example.com",
        "Speaker Session(s)": "Early talk (pending); Late talk (accepted); Unscheduled (rejected)",
        "Speaker Bio": "Wrote A-0.\n\nNavy.", "Speaker Organisation": "US Navy", "Speaker Position": "Rear Admiral",
        "Speaker Country": "US",
    }]  # fmt: skip


@pytest.mark.parametrize(
    "status,names",
    [
        ("all", ["Accepted only", "Both", "Deleted session only", "No session", "Pending only"]),
        (None, ["Accepted only", "Both", "Deleted session only", "No session", "Pending only"]),
        ("accepted", ["Accepted only", "Both"]),
        ("pending", ["Both", "Pending only"]),
        ("confirmed", []),
        ("without_session", ["Deleted session only", "No session"]),
    ],
)
def test_status_is_the_speakers_pages_tab(client, stack, factory, conference, status, names):
    event, token = conference
    accepted, pending, both = (factory.speaker(event, name) for name in ("Accepted only", "Pending only", "Both"))
    orphan, lonely = factory.speaker(event, "Deleted session only"), factory.speaker(event, "No session")
    factory.speaker(event, "Deleted speaker", deleted_at=NOON_UTC)
    factory.session(event, title="A", state="accepted", speakers=(accepted, both))
    factory.session(event, title="P", state="pending", speakers=(pending, both))
    factory.session(event, title="Gone", state="confirmed", speakers=(orphan,), deleted_at=NOON_UTC)
    assert lonely

    rows = export(client, stack, token, event, status)

    assert [row["Speaker Name"] for row in rows] == names


HOSTILE = [
    # (name, biography) -> the cells a spreadsheet must show
    (("Smith, John", 'The "Boss"'), ["Smith, John", 'The "Boss"']),
    (("Line\nBreak", "<p>Carriage</p>\r\n<p>Return</p>"), ["Line\nBreak", "Carriage\n\nReturn"]),
    (("=cmd|' /C calc'!A0", "<b>=1+1</b>"), ["'=cmd|' /C calc'!A0", "'=1+1"]),
    (("+SUM(A1)", "@evil &amp; co"), ["'+SUM(A1)", "'@evil & co"]),
    (("-1", "Zoë 東京 🎉<style>p{}</style>"), ["-1", "Zoë 東京 🎉"]),
    (("\t=1+1", "\r=2"), ["'\t=1+1", "'\r=2"]),
]  # fmt: skip


def test_speakers_csv_survives_hostile_text(client, stack, factory, conference):
    event, token = conference
    for (name, biography), _ in HOSTILE:
        factory.speaker(event, name, short_biography=biography)

    rows = export(client, stack, token, event, "all")

    assert sorted([row["Speaker Name"], row["Speaker Bio"]] for row in rows) == sorted(cells for _, cells in HOSTILE)
    assert all(len(row) == len(HEADER) and None not in row for row in rows)
