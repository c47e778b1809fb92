"""The six calendar readers of the readers' lane, each asked where it places every VEVENT.

Python: ``icalendar``, ``vobject``, ``ical``; C: libical 3 (``tests.libical``, through ctypes);
JavaScript: ical.js and node-ical, pinned in ``tests/readers`` and installed by ``make js-readers``
into ``.local/readers``, all files read by one ``node`` process. Each reader gives
``{uid: (start, end)}`` in aware UTC datetimes. The RFC 6321 xCal is read by the same six through
``rfc6321_as_ics``: RFC 6321 §3's mapping back to iCalendar, value by value.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from lxml import etree

from tests import libical

REPO = Path(__file__).resolve().parents[1]
READERS_DIR = REPO / ".local" / "readers"
NODE_READERS = ("ical.js", "node-ical")
Times = dict[str, tuple[datetime, datetime]]


def _utc(moment: Any) -> datetime:
    assert isinstance(moment, datetime) and moment.tzinfo is not None, f"not an instant: {moment!r}"
    return moment.astimezone(UTC)


def read_icalendar(data: bytes) -> Times:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): (_utc(e["DTSTART"].dt), _utc(e["DTEND"].dt)) for e in calendar.walk("VEVENT")}


def read_vobject(data: bytes) -> Times:
    calendar = vobject.readOne(data.decode("utf-8"))
    events = calendar.contents.get("vevent", [])
    return {e.uid.value: (_utc(e.dtstart.value), _utc(e.dtend.value)) for e in events}


def read_ical(data: bytes) -> Times:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {e.uid: (_utc(e.dtstart), _utc(e.dtend)) for e in calendar.events}


PYTHON_READERS: dict[str, Callable[[bytes], Times]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ical": read_ical,
    "libical": libical.event_times,
}
READERS = (*PYTHON_READERS, *NODE_READERS)


def read_with_node(files: Iterable[Path]) -> dict[Path, dict[str, Times]]:
    """Every file read by ical.js and node-ical in one ``node`` process; skips where node or npm is
    absent (the readers are then installed by ``make js-readers``, which fails loudly if npm does)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js (node and npm) is not installed: ical.js and node-ical cannot be run")
    subprocess.run(["make", "-s", "js-readers"], cwd=REPO, check=True, capture_output=True)
    paths = [str(path) for path in files]
    done = subprocess.run(
        ["node", str(READERS_DIR / "read_calendars.mjs"), *paths], check=True, capture_output=True, timeout=300
    )
    result: dict[str, dict[str, Any]] = json.loads(done.stdout)
    readings = {}
    for path, by_reader in result.items():
        readings[Path(path)] = {name: _node_times(name, times) for name, times in by_reader.items()}
    return readings


def _node_times(reader: str, times: dict[str, Any]) -> Times:
    assert "error" not in times, f"{reader} could not read the file: {times.get('error')}"
    return {
        uid: (datetime.fromtimestamp(start / 1000, UTC), datetime.fromtimestamp(end / 1000, UTC))
        for uid, (start, end) in times.items()
    }


# RFC 6321 §3.6: value types whose XML text differs from the iCalendar text.
_RFC = "urn:ietf:params:xml:ns:icalendar-2.0"


def _value(kind: str, element: etree._Element) -> str:
    text = element.text or ""
    if kind in ("date-time", "date"):
        return text.replace("-", "").replace(":", "")
    if kind == "utc-offset":
        return text.replace(":", "")
    if kind == "text":
        return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return text


def _component(element: etree._Element, lines: list[str]) -> None:
    name = etree.QName(element).localname.upper()
    lines.append(f"BEGIN:{name}")
    for prop in element.iterfind(f"{{{_RFC}}}properties/*"):
        parameters = "".join(
            f';{etree.QName(p).localname.upper()}="{p[0].text}"' for p in prop.iterfind(f"{{{_RFC}}}parameters/*")
        )
        values = [child for child in prop if etree.QName(child).localname != "parameters"]
        kind = etree.QName(values[0]).localname
        # GEO: <latitude> and <longitude>, one ``;``-separated value; else one value per element.
        text = (
            ";".join(v.text or "" for v in values) if kind == "latitude" else ",".join(_value(kind, v) for v in values)
        )
        lines.append(f"{etree.QName(prop).localname.upper()}{parameters}:{text}")
    for child in element.iterfind(f"{{{_RFC}}}components/*"):
        _component(child, lines)
    lines.append(f"END:{name}")


def rfc6321_as_ics(document: bytes) -> bytes:
    """An RFC 6321 xCal as the iCalendar text RFC 6321 §3 maps it to (unfolded lines, CRLF)."""
    root = etree.fromstring(document)
    lines: list[str] = []
    for calendar in root.iterfind(f"{{{_RFC}}}vcalendar"):
        _component(calendar, lines)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
