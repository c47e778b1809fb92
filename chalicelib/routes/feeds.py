"""Live schedule feeds: stable public URLs of each published schedule (docs/feeds.md).

- ``GET|HEAD /v1/events/{event}/schedule.xml``, ``schedule.json``, ``schedule.xcs``, ``schedule.ics``
- ``GET|HEAD /v1/events/{event}.ics`` as Open Event serves it: the event alone; ``?include_sessions``
  the schedule; ``?my_schedule`` the caller's favourites (a token, or ``?token=`` a calendar token);
  ``?download`` an attachment. ``user_id`` is accepted and never read.
- ``POST /v1/auth/calendar-token`` issues (and rotates) the caller's secret calendar token,
  ``DELETE`` revokes it.
"""

from __future__ import annotations

from chalice import Blueprint, Response
from sqlalchemy.orm import Session

from chalicelib.auth import current_user
from chalicelib.db import read_transaction, transaction
from chalicelib.errors import BadRequest, NotFound, Unauthorized
from chalicelib.feeds import personal, serve
from chalicelib.feeds.files import EVENT_ICS, SCHEDULE_ICS
from chalicelib.http import ANY_CONTENT_TYPE, NO_STORE, api_errors, bearer_token, json_response, query_lists

bp = Blueprint(__name__)

FEED_METHODS = ["GET", "HEAD"]
CALENDAR_PARAMETERS = ("include_sessions", "my_schedule", "download", "user_id", "token")


def _query(accepted: tuple[str, ...]) -> dict[str, str]:
    """The query's flags and values (the last of each), any parameter not in ``accepted`` a 400."""
    query = query_lists(bp.current_request)
    for name in query:
        if name not in accepted:
            raise BadRequest(f"Unknown parameter; a feed takes {', '.join(accepted) or 'none'}", parameter=name)
    return {name: values[-1] for name, values in query.items()}


def _conditions() -> serve.Conditions:
    headers = bp.current_request.headers
    return serve.Conditions(headers.get("if-none-match"), headers.get("if-modified-since"))


def _respond(answer: serve.FeedAnswer) -> Response:
    headers: dict[str, str | list[str]] = {**answer.headers}
    return Response(body=answer.body, status_code=answer.status, headers=headers)


def _file(event: str, name: str, query: dict[str, str]) -> Response:
    attachment = f"{event}-{name}" if "download" in query else None
    head = bp.current_request.method == "HEAD"
    return _respond(serve.answer_file(event, name, _conditions(), head=head, attachment=attachment))


def _caller(oes: Session, query: dict[str, str]) -> int:
    """Whose favourites: the logged-in user's (``oes``: Open Event's users), else the calendar token's
    owner's (the tokens are our own state)."""
    request = bp.current_request
    if bearer_token(request) is not None:
        return current_user(oes, request).id
    if query.get("token"):
        with transaction() as own:
            return personal.user_of_token(own, query["token"])
    raise Unauthorized("my_schedule needs a token: log in, or use your calendar token (?token=)")


def _my_schedule(event: str, query: dict[str, str]) -> Response:
    attachment = f"{event}-my-schedule.ics" if "download" in query else None
    manifest = serve.manifest_of(event)  # a hidden schedule is the one 404, whoever asks
    with read_transaction() as oes:  # the caller, the favourites and the schedule are Open Event's
        user_id = _caller(oes, query)
        answer = personal.answer_my_schedule(
            oes, user_id, manifest, _conditions(), head=bp.current_request.method == "HEAD", attachment=attachment
        )
    return _respond(answer)


def _schedule_route(name: str) -> None:
    @bp.route(f"/v1/events/{{event}}/{name}", methods=FEED_METHODS, content_types=ANY_CONTENT_TYPE, name=name)
    @api_errors
    def schedule_file(event: str) -> Response:
        return _file(event, name, _query(("download",)))


for _name in ("schedule.xml", "schedule.json", "schedule.xcs", SCHEDULE_ICS):
    _schedule_route(_name)


@bp.route("/v1/events/{event_file}", methods=FEED_METHODS, content_types=ANY_CONTENT_TYPE)
@api_errors
def event_calendar(event_file: str) -> Response:
    event, dot_ics, rest = event_file.rpartition(".ics")
    if not dot_ics or rest or not event:
        raise NotFound(serve.HIDDEN)
    query = _query(CALENDAR_PARAMETERS)
    if "my_schedule" in query:
        return _my_schedule(event, query)
    return _file(event, SCHEDULE_ICS if "include_sessions" in query else EVENT_ICS, query)


@bp.route("/v1/auth/calendar-token", methods=["POST"], content_types=ANY_CONTENT_TYPE)
@api_errors
def issue_calendar_token() -> Response:
    with read_transaction() as oes:
        user = current_user(oes, bp.current_request)
    with transaction() as own:
        token = personal.issue_token(own, user)
    query = f"include_sessions&my_schedule&token={token}"
    body = {"token": token, "query": query, "example": f"/v1/events/{{identifier}}.ics?{query}"}
    return json_response(body, 201, NO_STORE)


@bp.route("/v1/auth/calendar-token", methods=["DELETE"], content_types=ANY_CONTENT_TYPE)
@api_errors
def revoke_calendar_token() -> Response:
    with read_transaction() as oes:
        user = current_user(oes, bp.current_request)
    with transaction() as own:
        personal.revoke_token(own, user)
    return Response(body="", status_code=204)
