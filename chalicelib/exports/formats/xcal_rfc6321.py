"""The elements of the RFC 6321 xCal form (``xcal`` writes them): typed values, parameters in
``<parameters>``, and the same VTIMEZONE observances as the ``.ics`` (``vtimezone``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lxml import etree

from chalicelib.exports.formats.ical import PRODID, description, organizer_address, session_uid
from chalicelib.exports.formats.vtimezone import Observance, schedule_observances, writes_utc
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


def local_date_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}"


def utc_date_time(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def utc_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _zoned(parent: etree._Element, name: str, moment: datetime, tzid: str | None) -> None:
    """Local time with a ``tzid`` parameter, or UTC (``...Z``) when ``tzid`` is None (as the .ics)."""
    element = _e(parent, name)
    if tzid is None:
        _e(element, "date-time", utc_date_time(moment))
        return
    _property(_e(element, "parameters"), "tzid", "text", tzid)
    _e(element, "date-time", local_date_time(moment))


def calendar_properties() -> etree._Element:
    properties = _e(None, "properties")
    _property(properties, "prodid", "text", PRODID)
    _property(properties, "version", "text", "2.0")
    _property(properties, "calscale", "text", "GREGORIAN")
    _property(properties, "method", "text", "PUBLISH")
    return properties


def _observance(parent: etree._Element, observance: Observance) -> None:
    properties = _e(_e(parent, "daylight" if observance.daylight else "standard"), "properties")
    _property(properties, "dtstart", "date-time", local_date_time(observance.onset))
    _property(properties, "tzoffsetfrom", "utc-offset", utc_offset(observance.offset_from))
    _property(properties, "tzoffsetto", "utc-offset", utc_offset(observance.offset_to))
    if observance.name:
        _property(properties, "tzname", "text", observance.name)


def timezone_component(schedule: Schedule) -> etree._Element | None:
    """The VTIMEZONE, or None for a zone written in UTC (``vtimezone.writes_utc``)."""
    if writes_utc(schedule.zone):
        return None
    vtimezone = _e(None, "vtimezone")
    _property(_e(vtimezone, "properties"), "tzid", "text", schedule.zone.key)
    components = _e(vtimezone, "components")
    for observance in schedule_observances(schedule):
        _observance(components, observance)
    return vtimezone


def vevent_rfc6321(schedule: Schedule, item: ScheduleSession, stamp: datetime) -> etree._Element:
    event, tzid = schedule.event, None if writes_utc(schedule.zone) else schedule.zone.key
    vevent = _e(None, "vevent")
    properties = _e(vevent, "properties")
    _property(properties, "dtstamp", "date-time", utc_date_time(stamp))
    _zoned(properties, "dtstart", item.start, tzid)
    _zoned(properties, "dtend", item.end, tzid)
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
