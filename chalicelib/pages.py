"""Static pages (Open Event's footer and event pages): the ``page`` resource and its service.

Services receive a session and never commit; the route opens the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from chalicelib.errors import ValidationError
from chalicelib.jsonapi import Attribute, ListQuery, ResourceInput, ResourceType, fetch_page, find
from chalicelib.models import PAGE_PLACES, Page

# The Open Event frontend's footer asks ``GET /v1/pages?cache=true&public=true``, and its adapter adds
# ``nocache=true`` to every GET when it is built with ``NO_CACHE=true``. No flag means anything to
# Open Event Server: ``public`` makes the frontend leave out its token, ``cache`` comes from its
# local-storage cache. Here too every page is public and every list is fresh, so they are accepted
# as true/false flags and change nothing.
FRONTEND_FLAGS = ("cache", "nocache", "public")

# Limits follow the ``pages`` columns; ``description`` is TEXT, bounded so one page stays a page.
PAGE = ResourceType(
    type="page",
    path="/v1/pages",
    attributes=(
        Attribute("name", required=True, nullable=False, max_length=255),
        Attribute("title", max_length=255),
        Attribute("url", required=True, nullable=False, max_length=2048),
        Attribute("description", max_length=100_000),
        Attribute("place", choices=PAGE_PLACES),
        Attribute("language", max_length=64),
        Attribute("index", kind="integer", nullable=False, default=0),
    ),
)


def _path(values: ResourceInput) -> ResourceInput:
    """Page URLs are stored as Open Event stores them, a path without its leading slash (``about``):
    the frontend links to ``/`` + url and finds a page by ``url == "about"``. A leading slash sent is
    dropped, so that an older client's ``/about`` works the same."""
    url = values.attributes.get("url")
    if url is not None:
        if not url.lstrip("/").strip():
            raise ValidationError("'url' must be a path such as 'about'", pointer="/data/attributes/url")
        values.attributes["url"] = url.lstrip("/")
    return values


def list_pages(session: Session, query: ListQuery) -> tuple[Sequence[Page], int]:
    return fetch_page(session, Page, query)


def get_page(session: Session, page_id: str) -> Page:
    page: Page = find(session, Page, page_id)
    return page


def create_page(session: Session, values: ResourceInput) -> Page:
    page = Page(**_path(values).attributes)
    session.add(page)
    session.flush()  # assigns the id the response and its Location need
    return page


def update_page(session: Session, page_id: str, values: ResourceInput) -> Page:
    """Change only the attributes that were sent."""
    page = get_page(session, page_id)
    for field, value in _path(values).attributes.items():
        setattr(page, field, value)
    session.flush()
    return page


def delete_page(session: Session, page_id: str) -> None:
    session.delete(get_page(session, page_id))
