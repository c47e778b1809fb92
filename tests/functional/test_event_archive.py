"""The event archive (``POST /v1/events/{event}/export/json``), opened with zipfile and read with json,
with the body of the frontend's export settings page (app/controllers/events/view/settings/export.js)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.db import transaction
from chalicelib.exports.formats import event_archive
from chalicelib.models import Event, SessionType
from tests.functional.export_helpers import posted_export_file, recorded_statements

pytestmark = pytest.mark.usefixtures("export_queue")

NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MEMBERS = ["event", "microlocations", "sessions", "speakers", "tracks", "session_types", "manifest", "meta"]
NO_MEDIA = {"image": False, "audio": False, "video": False, "document": False}


def export(client, stack, token, event, body=None) -> dict[str, Any]:
    data = posted_export_file(client, stack, token, f"events/{event.identifier}/export/json", body or NO_MEDIA)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == MEMBERS
        return {name: json.loads(archive.read(name).decode("utf-8")) for name in MEMBERS}


@pytest.fixture
def conference(factory):
    event = factory.event(identifier="conf", name="FOSSASIA Summit", timezone="Asia/Singapore",
                          logo_url="https://example.com/logo.png", original_image_url="https://example.com/hero.jpg",
                          starts_at=NOON_UTC, location_name="Lifelong Learning Institute")  # fmt: skip
    return event, factory.token(factory.staff(event))


@pytest.fixture
def schedule(factory, conference):
    """Two published sessions with speakers, links and media, and what must stay out of the archive."""
    event, _ = conference
    with transaction() as session:
        talk = SessionType(event_id=event.id, name="Talk", length="00:30")
        session.add(talk)
    room, track = factory.room(event, "Hall A", floor=2), factory.track(event, "Web", color="#ff0000")
    grace = factory.speaker(event, "Grace Hopper", email="grace@example.com", photo_url="https://example.com/g.jpg",
                            organisation="US Navy", position="Admiral", country="US", short_biography="<p>A-0</p>")  # fmt: skip
    ada = factory.speaker(event, "Ada Lovelace", email="ada@example.com", photo_url="javascript:alert(1)")
    hidden = factory.speaker(event, "Only Pending", email="pending@example.com", photo_url="https://example.com/p.jpg")
    factory.speaker(event, "Deleted", email="deleted@example.com", deleted_at=NOON_UTC)
    factory.session(event, title="Compilers", state="confirmed", speakers=(grace, ada), starts_at=NOON_UTC,
                    ends_at=NOON_UTC + timedelta(minutes=30), track_id=track.id, microlocation_id=room.id,
                    session_type_id=talk.id, slides_url="https://example.com/s.pdf",
                    audio_url="https://example.com/a.mp3", video_url="https://example.com/v.mp4")  # fmt: skip
    factory.session(event, title="Unscheduled", state="accepted", speakers=(ada,))
    factory.session(event, title="Proposal", state="pending", speakers=(hidden,), slides_url="https://example.com/x")
    factory.session(event, title="Removed", state="accepted", deleted_at=NOON_UTC)
    factory.track(event, "Deleted track", deleted_at=NOON_UTC)
    return {"grace": grace, "ada": ada, "room": room, "track": track, "talk": talk}


def test_archive_holds_open_events_documents_with_published_data_only(client, stack, conference, schedule):
    event, token = conference

    archive = export(client, stack, token, event)

    assert list(archive["event"])[:12] == [
        "id", "name", "latitude", "longitude", "location_name", "starts_at", "ends_at", "timezone", "description",
        "original_image_url", "logo_url", "external_event_url",
    ]  # fmt: skip
    assert archive["event"]["name"] == "FOSSASIA Summit"
    assert archive["event"]["starts_at"] == "2026-03-01T12:00:00+00:00"
    assert [s["title"] for s in archive["sessions"]] == ["Compilers", "Unscheduled"]
    compilers = archive["sessions"][0]
    assert list(compilers)[:13] == [
        "id", "title", "subtitle", "short_abstract", "long_abstract", "starts_at", "ends_at", "session_type_id",
        "track_id", "language", "slides_url", "audio_url", "video_url",
    ]  # fmt: skip
    assert compilers["speaker_ids"] == sorted([schedule["grace"].id, schedule["ada"].id])
    assert (compilers["track_id"], compilers["microlocation_id"], compilers["session_type_id"]) == (
        schedule["track"].id, schedule["room"].id, schedule["talk"].id)  # fmt: skip
    assert [s["name"] for s in archive["speakers"]] == ["Grace Hopper", "Ada Lovelace"]
    assert archive["speakers"][0] == {
        "id": schedule["grace"].id, "name": "Grace Hopper", "photo_url": "https://example.com/g.jpg",
        "organisation": "US Navy", "position": "Admiral", "country": "US", "short_biography": "<p>A-0</p>",
        "event_id": event.id,
    }  # fmt: skip
    assert archive["microlocations"] == [{"id": schedule["room"].id, "name": "Hall A", "floor": 2, "event_id": event.id,
                                          "latitude": None, "longitude": None, "position": 0}]  # fmt: skip
    assert [t["name"] for t in archive["tracks"]] == ["Web"]
    assert archive["session_types"] == [
        {"id": schedule["talk"].id, "name": "Talk", "length": "00:30", "event_id": event.id}
    ]


def test_archive_holds_no_personal_data_the_public_schedule_does_not_show(client, stack, conference, schedule):
    event, token = conference

    archive = export(client, stack, token, event, {"image": True, "audio": True, "video": True, "document": True})

    text = json.dumps(archive)
    assert "@example.com" not in text
    assert not any("email" in row or "mobile" in row for row in archive["speakers"])
    assert "email" not in archive["event"]


def test_media_flags_choose_the_urls_the_manifest_lists_and_meta_says_none_is_stored(
    client, stack, conference, schedule
):
    event, token = conference
    compilers = next(iter(export(client, stack, token, event)["sessions"]))["id"]

    nothing = export(client, stack, token, event)
    images = export(client, stack, token, event, {**NO_MEDIA, "image": True})
    everything = export(client, stack, token, event, {"image": True, "audio": True, "video": True, "document": True})

    assert nothing["manifest"] == []
    assert nothing["meta"]["media"]["stored"] is False and "stores no media" in nothing["meta"]["media"]["note"]
    assert images["manifest"] == [
        {
            "kind": "image",
            "document": "event",
            "id": event.id,
            "field": "logo_url",
            "url": "https://example.com/logo.png",
        },
        {
            "kind": "image",
            "document": "event",
            "id": event.id,
            "field": "original_image_url",
            "url": "https://example.com/hero.jpg",
        },
        {
            "kind": "image",
            "document": "speakers",
            "id": schedule["grace"].id,
            "field": "photo_url",
            "url": "https://example.com/g.jpg",
        },
    ]  # fmt: skip (no javascript: URL, no photo of a speaker who is not published)
    assert images["meta"]["media"]["requested"] == ["image"]
    session_media = [(m["kind"], m["field"], m["url"]) for m in everything["manifest"] if m["document"] == "sessions"]
    assert sorted(session_media) == [
        ("audio", "audio_url", "https://example.com/a.mp3"),
        ("document", "slides_url", "https://example.com/s.pdf"),
        ("video", "video_url", "https://example.com/v.mp4"),
    ]
    assert {m["id"] for m in everything["manifest"] if m["document"] == "sessions"} == {compilers}
    assert everything["meta"]["counts"] == {"microlocations": 1, "sessions": 2, "speakers": 2, "tracks": 1,
                                            "session_types": 1, "manifest": 6}  # fmt: skip


HOSTILE = [
    'Smith, "John"', "Back\\slash \\u0000 \\n", "Line\nBreak\r\nand\ttab", "</script><script>alert(1)</script>",
    "Zoë 東京 🎉 \u2028\u2029", "\x01\x02\x1f controls", "=cmd|' /C calc'!A0", "{\"not\": \"json\"}", "",
]  # fmt: skip


def test_archive_round_trips_hostile_text_exactly(client, stack, factory, conference):
    event, token = conference
    for number, title in enumerate(HOSTILE):
        factory.session(
            event, title=title, short_abstract=title, state="accepted", starts_at=NOON_UTC + timedelta(hours=number)
        )

    archive = export(client, stack, token, event)

    assert [(s["title"], s["short_abstract"]) for s in archive["sessions"]] == [(title, title) for title in HOSTILE]


def test_an_event_with_nothing_published_has_empty_arrays(client, stack, factory, conference):
    event, token = conference
    factory.session(event, title="Draft", state="draft")

    archive = export(client, stack, token, event)

    assert [archive[name] for name in MEMBERS[1:7]] == [[]] * 6
    assert archive["meta"]["counts"] == dict.fromkeys(MEMBERS[1:7], 0)


def test_each_document_is_one_streamed_query_written_in_batches(factory, conference, monkeypatch):
    event, _ = conference
    monkeypatch.setattr(event_archive, "BATCH_SIZE", 2)
    speaker = factory.speaker(event)
    for number in range(5):
        factory.session(event, title=f"t-{number}", state="accepted", speakers=(speaker,))
    out, reported = io.BytesIO(), []
    with transaction() as session:
        event_row = session.get(Event, event.id)
        with recorded_statements() as statements:
            written = event_archive.renderer.render(session, event_row, {"media": ["image"]}, out, reported.append)

    assert written == 8  # five sessions, one speaker, the event's two images in the manifest
    assert reported == [2, 4, 5, 6, 8]
    assert len(statements) == 1  # the time zone; every document is a COPY, not seen by these events
    with zipfile.ZipFile(out) as archive:
        assert [row["title"] for row in json.loads(archive.read("sessions"))] == [f"t-{n}" for n in range(5)]
