"""The scheduled refresh (every minute): rebuild the feeds of each schedule that changed, withdraw
those of schedules no longer public.

A public schedule is a published event's, not deleted, with ``schedule_published_on`` set. Each
run checks the events whose check is oldest first, one at a time (its fingerprint, and a rebuild
only when the fingerprint moved), until its time budget is spent; the next run goes on where it
stopped, so with many events each is still checked every few minutes and the cost per run stays
bounded. A schedule that did not change still has its files checked in the bucket (its manifest and
one listing of its files): a file or manifest lost there (deleted, a new bucket) is written again,
the same bytes under the same key, so its URL heals by the next run. Two runs never work on the same event (a transaction-scoped advisory lock on our own
state; the second skips it), and a rebuild reads the schedule in one snapshot (REPEATABLE READ),
so the files and the fingerprint they are recorded under always agree.

Open Event's data (events, the schedule) and our own record (``schedule_feeds``) are read in
separate transactions and never joined: in Open Event mode they are two databases.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from chalicelib.db import read_transaction, transaction
from chalicelib.feeds import build, store
from chalicelib.feeds.fingerprint import schedule_fingerprint
from chalicelib.models import Event, ScheduleFeed

log = logging.getLogger(__name__)

# A run stops taking new events after this long (the function has a minute between runs).
BUDGET_SECONDS = 45.0
# The advisory lock's first key: the feeds' own space of locks, the event id is the second.
LOCK_SPACE = 0x19FEED
_NEVER = datetime.min.replace(tzinfo=UTC)


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


def _locked(own: Session, event_id: int) -> bool:
    return bool(own.scalar(select(func.pg_try_advisory_xact_lock(LOCK_SPACE, event_id))))


def _withdraw(event_id: int, identifier: str) -> bool:
    """Withdraw the event's feeds and forget them, unless another run holds the event."""
    with transaction() as own:
        if not _locked(own, event_id):
            return False
        build.withdraw(identifier)
        feed = own.get(ScheduleFeed, event_id)
        if feed is not None:
            own.delete(feed)
    return True


def _publish(oes: Session, event: Event, feed: ScheduleFeed | None, fingerprint: str, now: datetime) -> None:
    previous: store.Manifest | None = None
    if feed is not None and feed.identifier != event.identifier:  # the event's URLs moved
        build.withdraw(feed.identifier)
    elif feed is not None:
        previous = store.read_manifest(feed.identifier)
    build.publish(oes, event, version_of(fingerprint), now, previous)


def _heal(oes: Session, event: Event, feed: ScheduleFeed) -> bool:
    """Write again the files of an unchanged schedule that are gone from the bucket, with the
    version and time they were built with (so the same bytes, keys and ETags); whether any was."""
    manifest = store.read_manifest(event.identifier)
    named = {stored.key for stored in manifest.files.values()} if manifest is not None else set()
    lost = frozenset(named - store.stored_keys(store.files_prefix(event.id)))
    if manifest is not None and not lost:
        return False
    log.warning("feeds: event %s lost %s from the bucket; written again", event.id, sorted(lost) or "its manifest")
    build.publish(oes, event, feed.version, feed.last_modified, manifest, lost)
    return True


def _check(event_id: int) -> bool:
    """Rebuild the event's feeds if its schedule changed, or write again those lost from the bucket
    (unless another run holds the event); whether it wrote any."""
    now = datetime.now(UTC).replace(microsecond=0)
    with transaction() as own:
        if not _locked(own, event_id):
            return False
        feed = own.get(ScheduleFeed, event_id)
        with read_transaction(snapshot=True) as oes:  # the fingerprint and the files agree
            event = oes.scalar(select(Event).where(Event.id == event_id, is_public()))
            if event is None:  # hidden since the run began: the next run withdraws it
                return False
            fingerprint = schedule_fingerprint(oes, own, event_id)
            changed = feed is None or (feed.fingerprint, feed.identifier) != (fingerprint, event.identifier)
            if changed:
                _publish(oes, event, feed, fingerprint, now)
            healed = feed is not None and not changed and _heal(oes, event, feed)
        if feed is None:
            feed = ScheduleFeed(event_id=event_id, last_modified=now)
            own.add(feed)
        if changed:
            feed.identifier, feed.fingerprint, feed.version = event.identifier, fingerprint, version_of(fingerprint)
            feed.last_modified = now
        feed.checked_at = now
    return changed or healed


def run(budget_seconds: float = BUDGET_SECONDS) -> Report:
    """One refresh: withdraw, then check the public schedules, least recently checked first."""
    started, report = time.monotonic(), Report()
    with transaction() as own:
        feeds = {feed.event_id: (feed.identifier, feed.checked_at) for feed in own.scalars(select(ScheduleFeed))}
    with read_transaction() as oes:
        public = set(oes.scalars(select(Event.id).where(is_public())))
    for event_id in sorted(feeds.keys() - public):
        try:
            if _withdraw(event_id, feeds[event_id][0]):
                report.withdrawn.append(event_id)
        except Exception:  # tried again next run; the others go on
            log.exception("feeds: event %s not withdrawn", event_id)
    for event_id in sorted(public, key=lambda event_id: (feeds.get(event_id, ("", _NEVER))[1], event_id)):
        if time.monotonic() - started > budget_seconds:
            break
        try:
            if _check(event_id):
                report.rebuilt.append(event_id)
        except Exception:  # one event's failure (S3 down, a bug) must not starve the others
            log.exception("feeds: event %s not refreshed", event_id)
        report.checked += 1
    if report.rebuilt or report.withdrawn:
        log.info("feeds: %d checked, rebuilt %s, withdrawn %s", report.checked, report.rebuilt, report.withdrawn)
    return report
