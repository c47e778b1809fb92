"""Options of the exports the Open Event frontend asks for by POST, read from their JSON body.

The frontend sends a plain JSON object (``{"status": "accepted"}``, ``{"image": true, ...}``) and
leaves out what it does not know (its ``status`` comes from the page's URL). So a missing or
``null`` option takes its default, and an empty body is no options at all; anything else that is
not what the export understands is a 400 whose ``source.pointer`` names the member at fault
(RFC 6901), the body itself (``""``) when it is not an object.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from chalicelib.errors import BadRequest
from chalicelib.models import SESSION_STATES

Body = Mapping[str, Any]

SESSION_STATUSES = ("all", *SESSION_STATES)
SPEAKER_STATUSES = (*SESSION_STATUSES, "without_session")
# The admin sales page's tabs: events not over yet, events over, every event.
EVENT_TIMES = ("all", "live", "past")
MEDIA = ("image", "audio", "video", "document")


def _pointer(name: str) -> str:
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _members(body: Any, known: Collection[str]) -> Body:
    """The body as an object with only ``known`` members; ``None`` (no body) is the empty object."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object", pointer="")
    for name in body:
        if name not in known:
            raise BadRequest(f"Unknown option {name!r}; known: {', '.join(known)}", pointer=_pointer(name))
    return body


def _choice(body: Body, name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise BadRequest(f"{name} must be one of: {', '.join(allowed)}", pointer=_pointer(name))
    return str(value)


def _flag(body: Body, name: str, default: bool) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise BadRequest(f"{name} must be true or false", pointer=_pointer(name))
    return value


def _csv(body: Any, statuses: tuple[str, ...]) -> dict[str, Any]:
    """``status`` (default ``all``) and ``bom`` (default true, as for the orders CSV)."""
    members = _members(body, ("status", "bom"))
    return {"status": _choice(members, "status", statuses), "bom": _flag(members, "bom", True)}


def sessions_csv_body(body: Any) -> dict[str, Any]:
    """``status``: ``all`` (every state; deleted sessions never) or one session state."""
    return _csv(body, SESSION_STATUSES)


def speakers_csv_body(body: Any) -> dict[str, Any]:
    """``status``: ``all``, a session state (speakers with a session in it) or ``without_session``."""
    return _csv(body, SPEAKER_STATUSES)


def admin_sales_body(body: Any) -> dict[str, Any]:
    """``status``: ``all``, ``live`` (events not over yet) or ``past`` (events over)."""
    return _csv(body, EVENT_TIMES)


def event_archive_body(body: Any) -> dict[str, Any]:
    """``image``, ``audio``, ``video``, ``document``: which media URLs the archive's manifest lists."""
    members = _members(body, MEDIA)
    return {"media": [kind for kind in MEDIA if _flag(members, kind, False)]}
