"""Every offset the service writes comes from the ``tzdata`` package pinned in requirements.txt,
not from the time zone database of the machine it runs on (which differ: docs/schedule.md)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
import re
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

from chalicelib.feeds import refresh
from tests.functional.feed_helpers import get, published_schedule, set_session

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"
# Casablanca on 15 October 2026: +01:00 under tz 2025b (the test machine's OS), +00:00 under 2026f.
START = datetime(2026, 10, 15, 10, tzinfo=UTC)


def pinned_zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone as the pinned package alone defines it."""
    with importlib.resources.files("tzdata.zoneinfo").joinpath(name).open("rb") as data:
        return zoneinfo.ZoneInfo.from_file(data, key=name)


def test_the_installed_tzdata_is_the_pinned_one():
    (pin,) = re.findall(r"^tzdata==(\S+)", REQUIREMENTS.read_text(), flags=re.MULTILINE)

    assert importlib.metadata.version("tzdata") == pin
    assert zoneinfo.TZPATH == ()  # nothing of the OS's database is read


def test_an_exports_offsets_are_the_pinned_tzdatas(client, factory):
    event = published_schedule(factory, timezone="Africa/Casablanca")
    set_session(event, "Opening", starts_at=START, ends_at=START.replace(hour=11))
    refresh.run()

    schedule = json.loads(get(client, f"/v1/events/{event.identifier}/schedule.json").body)
    talks = [
        talk for day in schedule["schedule"]["conference"]["days"] for room in day["rooms"].values() for talk in room
    ]
    (opening,) = [talk for talk in talks if talk["title"] == "Opening"]

    assert datetime.fromisoformat(opening["date"]) == START
    assert (
        datetime.fromisoformat(opening["date"]).utcoffset()
        == START.astimezone(pinned_zone("Africa/Casablanca")).utcoffset()
    )
