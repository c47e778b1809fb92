"""Render one event's feed files into the bucket and publish their manifest.

Each file is rendered by its export format (through the registry) with the feeds' version and
time fixed, so the same schedule gives the same bytes: they are kept under their SHA-256, and a
file whose bytes did not change keeps its object, its ETag and, for its readers, its version.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from dataclasses import replace
from datetime import datetime
from typing import BinaryIO, cast

from sqlalchemy.orm import Session

from chalicelib.exports.formats.registry import STAMP, VERSION, ExportFailed
from chalicelib.feeds import store
from chalicelib.feeds.files import FEED_FILES, FeedFile
from chalicelib.models import Event

log = logging.getLogger(__name__)

# Rendered in memory up to this size, in a temporary file beyond (Lambda's /tmp).
_SPOOL_BYTES = 8 * 1024 * 1024
_CHUNK = 1024 * 1024


def _no_progress(written: int) -> None:
    """Feeds have no task whose progress anyone reads."""


def _digest(out: BinaryIO) -> tuple[str, int]:
    out.seek(0)
    sha, size = hashlib.sha256(), 0
    while chunk := out.read(_CHUNK):
        sha.update(chunk)
        size += len(chunk)
    out.seek(0)
    return sha.hexdigest()[:32], size


def _render(session: Session, event: Event, feed: FeedFile, version: str, stamp: datetime, out: BinaryIO) -> None:
    options = {**feed.options, VERSION: version, STAMP: stamp}
    feed.format.renderer().render(session, event, options, out, _no_progress)


def _build_file(
    session: Session,
    event: Event,
    feed: FeedFile,
    version: str,
    stamp: datetime,
    previous: store.Manifest | None,
    lost: frozenset[str],
) -> store.StoredFile | None:
    """The file's object, written unless an identical one is there already (a ``lost`` one is
    written again, the same bytes under the same key); None when the schedule cannot be written in
    this format (the other formats are still published)."""
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        out = cast(BinaryIO, spool)  # typeshed's SpooledTemporaryFile is no BinaryIO; it is one
        try:
            _render(session, event, feed, version, stamp, out)
        except ExportFailed as error:
            log.warning("feed %s of event %s left out: %s", feed.name, event.id, error)
            return None
        digest, size = _digest(out)
        key = store.file_key(event.id, feed.name, digest)
        known = previous.files.get(feed.name) if previous else None
        if known is not None and known.key == key:  # the same bytes: the same object and Last-Modified
            return replace(known, etag=store.put_file(key, out, feed.content_type)) if key in lost else known
        etag = store.put_file(key, out, feed.content_type)
    return store.StoredFile(key, etag, size, feed.content_type, stamp)


def publish(
    session: Session,
    event: Event,
    version: str,
    last_modified: datetime,
    previous: store.Manifest | None,
    lost: frozenset[str] = frozenset(),
) -> store.Manifest:
    """Write the event's files and then their manifest (a reader never sees a manifest naming a
    file not yet written); delete the files the previous manifest named and this one does not.
    ``lost``: keys the previous manifest names that are gone from the bucket, written again."""
    files = {}
    for feed in FEED_FILES.values():
        stored = _build_file(session, event, feed, version, last_modified, previous, lost)
        if stored is not None:
            files[feed.name] = stored
    manifest = store.Manifest(event.id, version, last_modified, files)
    store.put_manifest(event.identifier, manifest)
    if previous is not None:
        kept = {stored.key for stored in files.values()}
        store.delete([stored.key for stored in previous.files.values() if stored.key not in kept])
    return manifest


def withdraw(identifier: str) -> None:
    """Remove an event's manifest (its URLs answer 404 from now on), then the files it named."""
    manifest = store.read_manifest(identifier)
    store.delete([store.manifest_key(identifier)])
    if manifest is not None:
        store.delete([stored.key for stored in manifest.files.values()])
