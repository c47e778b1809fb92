"""The elements of the RFC 6321 xCal form (``xcal`` writes them): typed values, parameters in
``<parameters>``, and times in UTC as in the ``.ics`` (``ical`` says why), so no ``vtimezone``."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from chalicelib.exports.formats.ical import PRODID, description, organizer_address, session_uid
from chalicelib.schedule.model import Schedule, ScheduleSession

NS = "urn:ietf:params:xml:ns:icalendar-2.0"


def _e(parent: etree._Element | None, tag: str, text: str | None = None) -> etree._Element:
    name = f"{{{NS}}}{tag}"
    # A root of its own declares the default namespace, so the file never shows ``ns0:`` prefixes.
    element = etree.Element(name, nsmap={None: NS}) if parent is None else etree.SubElement(parent, name)
    element.text = text
    return element


def _property(parent: etree._Element, name: str, kind: str, *values: str) -> etree._Element:
    element = _e(parent, name)
    for value in values:
        _e(element, kind, value)
    return element


def utc_date_time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def calendar_properties() -> etree._Element:
    properties = _e(None, "properties")
    _property(properties, "prodid", "text", PRODID)
    _property(properties, "version", "text", "2.0")
    _property(properties, "calscale", "text", "GREGORIAN")
    _property(properties, "method", "text", "PUBLISH")
    return properties


def vevent_rfc6321(schedule: Schedule, item: ScheduleSession, stamp: datetime) -> etree._Element:
    event = schedule.event
    vevent = _e(None, "vevent")
    properties = _e(vevent, "properties")
    _property(properties, "dtstamp", "date-time", utc_date_time(stamp))
    _property(properties, "dtstart", "date-time", utc_date_time(item.start))
    _property(properties, "dtend", "date-time", utc_date_time(item.end))
    _property(properties, "uid", "text", session_uid(event, item))
    _property(properties, "summary", "text", item.title)
    text = description(item, speakers=True)
    if text:
        _property(properties, "description", "text", text)
    _property(properties, "location", "text", item.room)
    if item.track:
        _property(properties, "categories", "text", item.track)
    _property(properties, "class", "text", "PUBLIC")
    _property(properties, "status", "text", "CONFIRMED")
    if schedule.url:
        _property(properties, "url", "uri", schedule.url)
    if event.latitude is not None and event.longitude is not None:
        geo = _e(properties, "geo")
        _e(geo, "latitude", repr(float(event.latitude)))
        _e(geo, "longitude", repr(float(event.longitude)))
    organizer = _e(properties, "organizer")
    _property(_e(organizer, "parameters"), "cn", "text", schedule.name)
    _e(organizer, "cal-address", organizer_address(schedule))
    return vevent
