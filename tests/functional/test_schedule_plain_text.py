"""Rich text is plain text in every schedule format, and every file stays valid and safe.

Abstracts and descriptions are stored as HTML (Open Event's editor). iCalendar's ``DESCRIPTION`` and
both xCal forms are plain text by their RFCs; schedule.xml and frab JSON get plain text too (their
readers show it as Markdown or as text: docs/schedule.md). The hostile markup is the plain-text
corpus of ``tests/unit/test_plain_text.py`` (scripts, entities, nested and broken tags, control
characters); what each format must carry is html-text's ``extract_text`` of it, cleaned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import html_text
import pytest
from lxml import etree
from sqlalchemy import select

from chalicelib import models
from chalicelib.db import transaction
from chalicelib.schedule.importer import import_schedule_file
from chalicelib.schedule.text import clean_or_none
from tests.functional.schedule_events import ZONES, assert_valid_schedule, local, render
from tests.functional.test_schedule_ical import parse_everywhere
from tests.functional.test_schedule_import import sample
from tests.functional.test_schedule_json import events_of, valid_json
from tests.functional.test_schedule_xcal import RFC, rfc6321
from tests.unit.test_plain_text import TRICKY

LONG_ABSTRACT = "<p>Long <b>abstract</b> &amp; more</p><script>alert(document.cookie)</script><p>Second</p>"
Texts = dict[str, tuple[str | None, str | None]]  # title -> (abstract, description)
TAG = re.compile(r"</?[A-Za-z]")


def expected(html: str) -> str | None:
    return clean_or_none(html_text.extract_text(html))


def joined(abstract: str | None, description: str | None) -> str | None:
    """What the calendar formats put in one DESCRIPTION: abstract, blank line, description."""
    return "\n\n".join(part for part in (abstract, description) if part) or None


@pytest.fixture
def rich_event(factory) -> tuple[Any, Texts]:
    zone = ZONES[0]
    event = factory.event(identifier="rich-text", timezone=zone.name, starts_at=local(zone, 1, 8))
    texts = {}
    for number, (case, html) in enumerate(TRICKY.items()):
        start = local(zone, 1, 9) + timedelta(minutes=10 * number)
        title = f"Case {case}"
        description = LONG_ABSTRACT if number % 2 else None
        factory.session(event, title=title, starts_at=start, ends_at=start + timedelta(minutes=10),
                        short_abstract=html, long_abstract=description)  # fmt: skip
        texts[title] = (expected(html), expected(description) if description else None)
    return event, texts


def ical_texts(event: Any) -> Texts:
    calendar = parse_everywhere(render("ical", event))
    return {
        str(e["SUMMARY"]): (str(e["DESCRIPTION"]) if "DESCRIPTION" in e else None, None)
        for e in calendar.walk("VEVENT")
    }


def conference_texts(event: Any) -> Texts:
    document = etree.fromstring(render("xcal", event, form="conference"))
    return {
        v.findtext("summary"): (v.findtext("description") or None, None) for v in document.iterfind("vcalendar/vevent")
    }


def rfc6321_texts(event: Any) -> Texts:
    texts: Texts = {}
    for vevent in rfc6321(event).iterfind("x:vcalendar/x:components/x:vevent/x:properties", RFC):
        description = vevent.findtext("x:description/x:text", namespaces=RFC)
        texts[vevent.findtext("x:summary/x:text", namespaces=RFC)] = (description, None)
    return texts


def schedule_xml_texts(event: Any) -> Texts:
    document = assert_valid_schedule(render("pentabarf", event))
    return {
        e.findtext("title"): (e.findtext("abstract") or None, e.findtext("description") or None)
        for e in document.iter("event")
    }


def frab_json_texts(event: Any) -> Texts:
    return {
        e["title"]: (e["abstract"], e["description"]) for e in events_of(valid_json(render("json-schedule", event)))
    }


CALENDARS: dict[str, Callable[[Any], Texts]] = {
    "ical": ical_texts,
    "xcal-conference": conference_texts,
    "xcal-rfc6321": rfc6321_texts,
}
SCHEDULES: dict[str, Callable[[Any], Texts]] = {"schedule.xml": schedule_xml_texts, "frab-json": frab_json_texts}


@pytest.mark.parametrize("read", CALENDARS.values(), ids=CALENDARS.keys())
def test_calendar_descriptions_are_the_plain_text_of_the_rich_text(rich_event, read):
    event, texts = rich_event

    found = read(event)

    assert found == {title: (joined(*pair), None) for title, pair in texts.items()}


@pytest.mark.parametrize("read", SCHEDULES.values(), ids=SCHEDULES.keys())
def test_schedule_abstracts_and_descriptions_are_the_plain_text_of_the_rich_text(rich_event, read):
    event, texts = rich_event

    found = read(event)

    assert found == texts


@pytest.mark.parametrize("form", ["ical", "xcal", "pentabarf", "json-schedule"])
def test_no_markup_of_the_rich_text_reaches_a_schedule_file(rich_event, form: str):
    event, _ = rich_event

    data = render(form, event)

    assert b"<script" not in data and b"alert(" not in data and b"&lt;p&gt;" not in data and b"<p>" not in data


@pytest.mark.parametrize("name", ["pretalx", "frab"])
def test_imported_plain_text_keeps_its_paragraphs_and_imported_html_is_made_plain(stack, name: str):
    """pretalx writes Markdown, frab plain text with some HTML: the first comes back as the file had
    it (``&`` and line breaks included), the second as its plain text."""
    data = sample(name)
    with transaction() as session:
        import_schedule_file(session, data, identifier=f"plain-{name}")
        event = session.scalars(select(models.Event).where(models.Event.identifier == f"plain-{name}")).one()

    exported = etree.fromstring(render("pentabarf", event))

    original = {e.get("guid"): e for e in etree.fromstring(data).iter("event")}
    for element in exported.iter("event"):
        for tag in ("abstract", "description"):
            text = original[element.get("guid")].findtext(tag) or ""
            plain = (expected(text) or "") if TAG.search(text) else text.strip()
            assert (element.findtext(tag) or "").strip() == plain, (element.get("guid"), tag)
