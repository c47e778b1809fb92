"""My schedule: a person's favourite sessions of a public schedule as iCalendar, and the secret
calendar token that lets a calendar app (which sends no ``Authorization``) read it.

The token is Indico's secret calendar link made revocable: 32 random bytes, shown once, stored
only as its SHA-256 (``calendar_tokens``); issuing a new one replaces the old, deleting it revokes
it, and a revoked or unknown token is the same 404 as a hidden schedule. A ``user_id`` alone, as
Open Event's frontend sends it, never names whose favourites to show.

The file is rendered per request (a person's few sessions), with the public feeds' version and
time, so its ETag follows from the public file's ETag and the chosen sessions: a revalidation that
matches is a ``304`` after one query on the favourites, without reading the schedule.
"""

from __future__ import annotations

import hashlib
import io
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from chalicelib.errors import NotFound
from chalicelib.exports.formats.registry import SESSION_IDS, STAMP, VERSION, get_format
from chalicelib.feeds import serve, store
from chalicelib.feeds.files import SCHEDULE_ICS
from chalicelib.models import CalendarToken, Event, FavouriteSession, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User) -> str:
    """A new secret calendar token for ``user``; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    row = {"user_id": user.id, "token_hash": _hash(token)}
    session.execute(
        insert(CalendarToken)
        .values(row)
        .on_conflict_do_update(index_elements=["user_id"], set_=row | {"created_at": func.now()})
    )
    return token


def revoke_token(session: Session, user: User) -> None:
    session.execute(delete(CalendarToken).where(CalendarToken.user_id == user.id))


def user_of_token(session: Session, token: str) -> int:
    """The id of the user whose calendar token this is, or the hidden schedule's 404."""
    user_id = session.scalar(select(CalendarToken.user_id).where(CalendarToken.token_hash == _hash(token)))
    if user_id is None:
        raise NotFound(serve.HIDDEN)
    return user_id


def _favourites(session: Session, user_id: int) -> list[int]:
    """Every session the user favoured, of any event: the schedule's own rows keep those of its
    event, and this query reads the favourites alone (a few rows, by index), never the sessions."""
    chosen = session.scalars(
        select(FavouriteSession.session_id)
        .where(FavouriteSession.user_id == user_id, FavouriteSession.session_id.is_not(None))
        .order_by(FavouriteSession.session_id)
    )
    return [session_id for session_id in chosen if session_id is not None]


def answer_my_schedule(
    session: Session,
    user_id: int,
    manifest: store.Manifest,
    conditions: serve.Conditions,
    *,
    head: bool,
    attachment: str | None,
) -> serve.FeedAnswer:
    """The favourites of ``user_id`` in the public schedule ``manifest`` describes (read first, by
    the caller: a hidden schedule is the one 404, before any question about the caller)."""
    public = manifest.files.get(SCHEDULE_ICS)
    if public is None:
        raise NotFound(serve.HIDDEN)
    chosen = _favourites(session, user_id)
    key = f"{public.etag}|{user_id}|{','.join(map(str, chosen))}"
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    # A person's own: no shared cache may keep it, and the app asks again each time.
    headers = serve.validators(etag, public.last_modified, "private, no-cache")
    if conditions.unchanged(etag, public.last_modified):
        return serve.not_modified(headers, public.content_type)
    headers |= serve.content_headers(public.content_type, attachment)
    event = session.get(Event, manifest.event_id)
    if event is None:  # deleted outright since the last refresh
        raise NotFound(serve.HIDDEN)
    out = io.BytesIO()  # rendered for a HEAD too, for its length: a person's few sessions
    options = {VERSION: manifest.version, STAMP: public.last_modified, SESSION_IDS: chosen}
    get_format("ical").renderer().render(session, event, options, out, lambda written: None)
    return serve.content(headers, out.getvalue(), head=head)
