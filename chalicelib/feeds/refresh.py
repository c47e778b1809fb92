"""The scheduled refresh (every minute): rebuild the feeds of each schedule that changed, withdraw
those of schedules no longer public.

A public schedule is a published event's, not deleted, with ``schedule_published_on`` set. Each
run checks the events whose check is oldest first, one short transaction each (its fingerprint,
and a rebuild only when the fingerprint moved), until its time budget is spent; the next run goes
on where it stopped, so with many events each is still checked every few minutes and the cost
per run stays bounded. Two runs never work on the same event (a transaction-scoped advisory lock;
the second skips it), and a rebuild reads the schedule in one snapshot (REPEATABLE READ), so the
files and the fingerprint they are recorded under always agree.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from chalicelib.db import transaction
from chalicelib.feeds import build, store
from chalicelib.feeds.fingerprint import schedule_fingerprint
from chalicelib.models import Event, ScheduleFeed

log = logging.getLogger(__name__)

# A run stops taking new events after this long (the function has a minute between runs).
BUDGET_SECONDS = 45.0
# The advisory lock's first key: the feeds' own space of locks, the event id is the second.
LOCK_SPACE = 0x19FEED


@dataclass
class Report:
    checked: int = 0
    rebuilt: list[int] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)


def is_public() -> ColumnElement[bool]:
    return and_(Event.state == "published", Event.deleted_at.is_(None), Event.schedule_published_on.is_not(None))


def version_of(fingerprint: str) -> str:
    """The files' version string: derived from the content, so an unchanged schedule keeps it."""
    return fingerprint[:12]


def _locked(session: Session, event_id: int) -> bool:
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_SPACE, event_id))))


def _withdraw_hidden(report: Report) -> None:
    with transaction() as session:
        hidden = session.execute(
            select(ScheduleFeed.event_id, ScheduleFeed.identifier)
            .outerjoin(Event, and_(Event.id == ScheduleFeed.event_id, is_public()))
            .where(Event.id.is_(None))
        ).all()
    for event_id, identifier in hidden:
        try:
            with transaction() as session:
                if not _locked(session, event_id):
                    continue
                build.withdraw(identifier)
                feed = session.get(ScheduleFeed, event_id)
                if feed is not None:
                    session.delete(feed)
            report.withdrawn.append(event_id)
        except Exception:  # tried again next run; the others go on
            log.exception("feeds: event %s not withdrawn", event_id)


def _check(session: Session, event_id: int, now: datetime) -> bool:
    """Rebuild the event's feeds if its schedule changed; whether it did."""
    event = session.scalar(select(Event).where(Event.id == event_id, is_public()))
    if event is None:
        return False
    fingerprint = schedule_fingerprint(session, event_id)
    feed = session.get(ScheduleFeed, event_id)
    if feed is not None and feed.fingerprint == fingerprint and feed.identifier == event.identifier:
        feed.checked_at = now
        return False
    previous = store.read_manifest(feed.identifier) if feed is not None else None
    if feed is not None and feed.identifier != event.identifier:
        build.withdraw(feed.identifier)
        previous = None
    build.publish(session, event, version_of(fingerprint), now, previous)
    if feed is None:
        feed = ScheduleFeed(event_id=event_id)
        session.add(feed)
    feed.identifier, feed.fingerprint, feed.version = event.identifier, fingerprint, version_of(fingerprint)
    feed.last_modified = feed.checked_at = now
    return True


def _check_alone(event_id: int) -> bool:
    """``_check`` in a transaction of its own, one snapshot, unless another run holds the event."""
    with transaction() as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        if not _locked(session, event_id):
            return False
        return _check(session, event_id, datetime.now(UTC).replace(microsecond=0))


def run(budget_seconds: float = BUDGET_SECONDS) -> Report:
    """One refresh: withdraw, then check the public schedules, least recently checked first."""
    started, report = time.monotonic(), Report()
    _withdraw_hidden(report)
    with transaction() as session:
        due = session.scalars(
            select(Event.id)
            .outerjoin(ScheduleFeed, ScheduleFeed.event_id == Event.id)
            .where(is_public())
            .order_by(ScheduleFeed.checked_at.asc().nulls_first(), Event.id)
        ).all()
    for event_id in due:
        if time.monotonic() - started > budget_seconds:
            break
        try:
            if _check_alone(event_id):
                report.rebuilt.append(event_id)
        except Exception:  # one event's failure (S3 down, a bug) must not starve the others
            log.exception("feeds: event %s not refreshed", event_id)
        report.checked += 1
    if report.rebuilt or report.withdrawn:
        log.info("feeds: %d checked, rebuilt %s, withdrawn %s", report.checked, report.rebuilt, report.withdrawn)
    return report
