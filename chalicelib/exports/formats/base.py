"""The interface every export format implements, and the failures a renderer may raise.

A renderer writes one file for one event to a binary stream, in bounded memory: it reads the
database in batches (a fixed number of queries per batch, never one per row) and writes as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, Protocol

from sqlalchemy.orm import Session

from chalicelib.models import Event

# Called with the number of items written so far; the pipeline throttles the database writes.
ProgressCallback = Callable[[int], None]
# A task's options, already checked against the format's (``registry``).
Options = Mapping[str, Any]

# Options the schedule formats take from code only (a request's query reaches a format only through
# its own ``ExportFormat.options``). A file kept at a stable URL must change only with its content,
# so its publisher fixes what a rendering would otherwise take from the clock or the event.
VERSION = "version"  # str: the schedule's version (schedule.xml ``<version>``, frab JSON ``version``)
STAMP = "stamp"  # datetime: when the file was made (iCalendar and RFC 6321 xCal ``DTSTAMP``)
SESSION_IDS = "session_ids"  # Collection[int]: only these sessions (a person's own schedule)
EVENT_ONLY = "event_only"  # bool: iCalendar with the event itself as the one VEVENT, no sessions


def stamp(options: Options) -> datetime:
    """The options' ``STAMP``, else now (to the second, as iCalendar writes it)."""
    given: datetime | None = options.get(STAMP)
    return given if given is not None else datetime.now(UTC).replace(microsecond=0)


class ExportFailed(Exception):
    """The export cannot succeed, whatever the retries: the task fails with this message for a person.

    ``soft`` failures mean there is nothing to export; hard ones mean the data cannot be represented
    in the format (a 25-hour session in schedule.xml). Both consume the message.
    """

    def __init__(self, message: str, *, soft: bool = False):
        super().__init__(message)
        self.soft = soft


class Renderer(Protocol):
    """Writes one export file."""

    def estimate_total(self, session: Session, event: Event, options: Mapping[str, Any]) -> int | None:
        """How many items ``render`` will report in the end (for progress), or None when unknown."""
        ...

    def render(
        self,
        session: Session,
        event: Event,
        options: Mapping[str, Any],
        out: BinaryIO,
        progress: ProgressCallback,
    ) -> int:
        """Write the whole file to ``out``, streaming; return the number of items written."""
        ...


class SiteRenderer(Protocol):
    """Writes one export file that covers every event, for admins (the sales report): no event given."""

    def estimate_total(self, session: Session, options: Mapping[str, Any]) -> int | None:
        """How many items ``render`` will report in the end (for progress), or None when unknown."""
        ...

    def render(self, session: Session, options: Mapping[str, Any], out: BinaryIO, progress: ProgressCallback) -> int:
        """Write the whole file to ``out``, streaming; return the number of items written."""
        ...
