"""Answer a feed request from the event's manifest alone: no database, no rendering.

Every request reads one small object (the manifest); a revalidation that matches is a ``304`` at
that point, a small file is read and returned, a large one is a redirect to a short-lived link to
the same immutable object. An event that is unknown, a draft, deleted, or whose schedule is not
published has no manifest, so each is the same one read and the same ``404``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from chalicelib.errors import NotFound
from chalicelib.feeds import store
from chalicelib.settings import get_settings

# One wording for every hidden case: nothing tells a draft from a deleted or an unknown event.
HIDDEN = "There is no published schedule at this address"


@dataclass(frozen=True)
class Conditions:
    """A request's validators (RFC 9110 13.1): ``If-None-Match`` wins over ``If-Modified-Since``."""

    if_none_match: str | None = None
    if_modified_since: str | None = None

    def unchanged(self, etag: str, last_modified: datetime) -> bool:
        if self.if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in self.if_none_match.split(",")}
            return "*" in tags or etag in tags
        if self.if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(self.if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored (RFC 9110 13.1.3)
        return since.tzinfo is not None and last_modified <= since


@dataclass(frozen=True)
class FeedAnswer:
    status: int
    headers: dict[str, str]
    body: str = ""


def validators(etag: str, last_modified: datetime, cache_control: str) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": format_datetime(last_modified, usegmt=True), "Cache-Control": cache_control}


def not_modified(headers: dict[str, str], content_type: str) -> FeedAnswer:
    """A ``304`` that names the file's media type: without one, API Gateway (and Chalice's local
    server) add ``application/json``, and a cache updates its stored copy with the ``304``'s headers
    (RFC 9111 4.3.4), so it would then serve the calendar as JSON."""
    return FeedAnswer(304, headers | {"Content-Type": content_type})


def content(headers: dict[str, str], body: bytes, *, head: bool) -> FeedAnswer:
    """A ``200`` with ``body``; for a HEAD, no body and the length the GET would send (RFC 9110
    9.3.2). The length is named only for a HEAD: otherwise the server counts the body it sends."""
    if head:
        return FeedAnswer(200, headers | {"Content-Length": str(len(body))})
    return FeedAnswer(200, headers, body.decode("utf-8"))


def content_headers(content_type: str, attachment: str | None) -> dict[str, str]:
    headers = {"Content-Type": content_type}
    if attachment:
        headers["Content-Disposition"] = f'attachment; filename="{attachment}"'
    return headers


def manifest_of(identifier: str) -> store.Manifest:
    """The public schedule's manifest, or the one 404 of every hidden case."""
    manifest = store.read_manifest(identifier)
    if manifest is None:
        raise NotFound(HIDDEN)
    return manifest


def answer_file(
    identifier: str, name: str, conditions: Conditions, *, head: bool, attachment: str | None
) -> FeedAnswer:
    """``name`` of the event's public feeds: the file, a ``304``, or a redirect for a large file."""
    stored = manifest_of(identifier).files.get(name)
    if stored is None:  # a schedule this format cannot represent (docs/feeds.md)
        raise NotFound(HIDDEN)
    settings = get_settings()
    # Apps and CDNs may reuse an answer this long, then revalidate (and a 304 costs nothing).
    headers = validators(stored.etag, stored.last_modified, f"public, max-age={settings.feeds_max_age_seconds}")
    if conditions.unchanged(stored.etag, stored.last_modified):
        return not_modified(headers, stored.content_type)
    if stored.size > settings.feeds_inline_max_bytes:
        # Beyond Lambda's response limit: the bytes come from the bucket, the validators from here.
        location = store.download_url(stored, settings.presign_expiry_seconds, attachment)
        redirect = validators(stored.etag, stored.last_modified, "no-cache")  # the link expires
        return FeedAnswer(302, redirect | {"Location": location})
    headers |= content_headers(stored.content_type, attachment)
    if head:  # the length from the manifest: the file is not read
        return FeedAnswer(200, headers | {"Content-Length": str(stored.size)})
    return content(headers, store.read_file(stored), head=False)
