"""The files every published schedule has at a stable URL, each one export format of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chalicelib.exports.formats.registry import EVENT_ONLY, ExportFormat, get_format


@dataclass(frozen=True)
class FeedFile:
    name: str  # the URL's last segment (``schedule.xml``), and the file's name in the manifest
    format_name: str  # the export format that renders it
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def format(self) -> ExportFormat:
        return get_format(self.format_name)

    @property
    def content_type(self) -> str:
        return self.format.content_type


EVENT_ICS = "event.ics"
SCHEDULE_ICS = "schedule.ics"

FEED_FILES: dict[str, FeedFile] = {
    feed.name: feed
    for feed in (
        FeedFile("schedule.xml", "pentabarf", MappingProxyType({"form": "c3voc"})),
        FeedFile("schedule.json", "json-schedule"),
        FeedFile("schedule.xcs", "xcal", MappingProxyType({"form": "conference"})),
        FeedFile(SCHEDULE_ICS, "ical"),
        # Open Event's ``/v1/events/{identifier}.ics``: the event alone (``?include_sessions``: schedule.ics).
        FeedFile(EVENT_ICS, "ical", MappingProxyType({EVENT_ONLY: True})),
    )
}
