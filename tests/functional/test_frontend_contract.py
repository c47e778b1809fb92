"""The Open Event frontend (fossasia/open-event-frontend), replayed against this service.

Each test sends what one of the frontend's flows sends, headers, bodies and polling included, and
names the frontend file it follows. Its data layer is ember-data's JSON:API adapter:
``app/adapters/application.js`` sets ``Content-Type: application/vnd.api+json`` on *every* request,
GETs included, ember-data adds ``Accept: application/vnd.api+json``, and the token goes as
``Authorization: JWT <token>`` (``config/environment.js``, ``ember-simple-auth-token``). Its
``app/services/loader.ts``, which the export pages use, borrows the adapter's headers.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import jwt
import pytest
import requests
from lxml import etree
from sqlalchemy import select, text

import app as application
from chalicelib.db import get_engine, transaction
from chalicelib.exports.formats.registry import FORMATS
from chalicelib.http import ANY_CONTENT_TYPE
from chalicelib.models import StripeAuthorization
from chalicelib.settings import get_settings
from devtools.seed import SeedSpec, seed
from devtools.worker import deliver
from tests.conftest import TEST_ENVIRONMENT, Stack
from tests.factories import PASSWORD
from tests.functional.export_helpers import run_worker, sqs_client
from tests.functional.http_helpers import body_of
from tests.functional.schedule_events import EXPORTED_TITLES, ZONES, hostile_event
from tests.stripe_fake import DEAUTHORIZE, TOKEN, FakeStripe, oauth_error, token_reply

pytestmark = pytest.mark.usefixtures("export_queue")

JSONAPI = "application/vnd.api+json"
PLAIN_JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def adapter_headers(token: str | None = None) -> dict[str, str]:
    """What every ember-data and loader request carries (app/adapters/application.js)."""
    headers = {"Accept": JSONAPI, "Content-Type": JSONAPI}
    if token is not None:
        headers["Authorization"] = f"JWT {token}"
    return headers


# --- login: app/components/forms/login-form.js, app/authenticators/custom-jwt.js --------------------


def frontend_login(client: Any, email: str, password: str, *, remember: bool) -> Any:
    """``session.authenticate('authenticator:custom-jwt', credentials)``: ember-simple-auth-token 5.3
    POSTs the credentials as JSON to ``serverTokenEndpoint``, ``${apiHost}/auth/session``."""
    credentials = {"username": email, "password": password, "remember-me": remember, "include-in-response": remember}
    return client.http.post("/auth/session", headers=PLAIN_JSON, body=json.dumps(credentials))


def token_payload(token: str) -> dict[str, Any]:
    """The frontend decodes the token without a key (auth-manager.js ``getTokenPayload``)."""
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


def test_login_as_the_frontend_logs_in_gives_a_token_whose_identity_is_the_user(client, factory):
    user = factory.user(email="ada@example.com")

    response = frontend_login(client, "ada@example.com", PASSWORD, remember=False)

    assert response.status_code == 200
    tokens = body_of(response)
    assert list(tokens) == ["access_token"]
    payload = token_payload(tokens["access_token"])
    # login-form.js: store.findRecord('user', tokenPayload.identity); custom-jwt.js reads exp.
    assert (payload["identity"], payload["type"], payload["fresh"]) == (user.id, "access", True)
    assert payload["exp"] > time.time() and payload["jti"]


def test_a_refused_login_tells_the_login_form_why_as_open_event_server_does(client, factory):
    """login-form.js shows ``e.json.error`` of a failed login (OES: ``{"error": "Invalid
    Credentials"}``), else only "An unexpected error has occurred"; the error document stays."""
    factory.user(email="ada@example.com")

    response = frontend_login(client, "ada@example.com", "not the password", remember=False)

    assert response.status_code == 401
    document = body_of(response)
    assert document["error"] == "Invalid Credentials"  # OES's text, which the form's translations know
    assert document["errors"][0]["detail"] == "The email or the password is wrong"


def test_remembered_login_gives_a_refresh_token_that_the_frontend_refreshes_with(client, factory):
    factory.user(email="ada@example.com")
    tokens = body_of(frontend_login(client, "ada@example.com", PASSWORD, remember=True))
    access_payload = token_payload(tokens["access_token"])

    # custom-jwt.js refreshAccessToken: the refresh token as Authorization, the CSRF claim (none
    # here, so "undefined") as X-CSRF-Token, and makeRefreshData's body, to serverTokenRefreshEndpoint.
    refreshed = client.http.post(
        "/v1/auth/token/refresh",
        headers={
            **PLAIN_JSON,
            "Authorization": f"JWT {tokens['refresh_token']}",
            "X-CSRF-Token": str(access_payload.get("csrf", "undefined")),
        },
        body=json.dumps({"refresh_token": tokens["refresh_token"]}),
    )

    assert refreshed.status_code == 200
    new_token = body_of(refreshed)["access_token"]
    assert (token_payload(new_token)["identity"], token_payload(new_token)["fresh"]) == (
        access_payload["identity"],
        False,
    )
    assert client.http.get("/v1/pages", headers=adapter_headers(new_token)).status_code == 200


def test_a_refresh_token_is_no_access_token_and_an_access_token_refreshes_nothing(client, factory):
    factory.user(email="ada@example.com")
    tokens = body_of(frontend_login(client, "ada@example.com", PASSWORD, remember=True))
    event = factory.event()

    as_access = client.http.get(
        f"/v1/events/{event.identifier}/export/ical", headers=adapter_headers(tokens["refresh_token"])
    )
    as_refresh = client.http.post(
        "/v1/auth/token/refresh", headers={**PLAIN_JSON, "Authorization": f"JWT {tokens['access_token']}"}, body="{}"
    )

    assert (as_access.status_code, as_refresh.status_code) == (401, 401)


def test_cors_allows_the_csrf_header_of_a_token_refresh(client):
    response = client.http.post("/v1/auth/token/refresh", headers={"Origin": "https://eventyay.com"})

    assert "X-CSRF-Token" in response.headers["Access-Control-Allow-Headers"].split(",")


# --- tokens of Open Event Server: flask-jwt-extended 3.25 (tokens.py), app/instance.py, app/api/auth.py ---


def oes_token(user_id: int, *, kind: str = "access", lifetime: timedelta = timedelta(days=1), **claims: Any) -> str:
    """A token as Open Event Server signs it: ``create_access_token(identity.id, fresh=True)`` (or
    ``create_refresh_token``), HS256 with the shared secret, a ``csrf`` claim because its tokens may
    also travel in cookies (``JWT_TOKEN_LOCATION = ['cookies', 'headers']``)."""
    now = datetime.now(UTC)
    payload: dict[str, Any] = {"iat": now, "nbf": now, "jti": str(uuid.uuid4()), "exp": now + lifetime}
    payload.update({"identity": user_id, "type": kind, "csrf": str(uuid.uuid4())})
    if kind == "access":
        payload["fresh"] = True
    payload.update(claims)
    return jwt.encode(payload, TEST_ENVIRONMENT["JWT_SECRET"], algorithm="HS256")


@pytest.fixture
def stripe(monkeypatch: pytest.MonkeyPatch, stack: Stack) -> Any:
    """A fake Stripe behind a configured platform, with the state check at its default."""
    with FakeStripe() as fake:
        monkeypatch.setenv("STRIPE_CONNECT_BASE_URL", fake.base_url)
        monkeypatch.setenv("STRIPE_CLIENT_ID", "ca_test_platform")
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_platform")
        monkeypatch.delenv("STRIPE_REQUIRE_STATE", raising=False)
        get_settings.cache_clear()
        yield fake
        monkeypatch.undo()
        get_settings.cache_clear()


# Routes that take no token (or take one only to see more).
PUBLIC_ROUTES = {
    ("/auth/session", "POST"),
    ("/v1/auth/login", "POST"),
    ("/v1/auth/token/refresh", "POST"),  # it takes a refresh token, never an access token
    ("/v1/health", "GET"),
    ("/v1/pages", "GET"),
    ("/v1/pages/{page_id}", "GET"),
    # The live schedule feeds: public while the schedule is (docs/feeds.md); my_schedule reads a token.
    *(
        (f"/v1/events/{{event}}/{name}", method)
        for name in ("schedule.xml", "schedule.json", "schedule.xcs", "schedule.ics")
        for method in ("GET", "HEAD")
    ),
    ("/v1/events/{event_file}", "GET"),
    ("/v1/events/{event_file}", "HEAD"),
}


def test_a_token_signed_as_open_event_server_signs_it_opens_every_protected_route(client, factory, stripe):
    event = factory.event(identifier="fossasia-summit", state="draft")
    admin = factory.user(admin=True)
    headers = adapter_headers(oes_token(admin.id))
    called: set[tuple[str, str]] = set()

    def call(method: str, route: str, path: str, status: int, body: dict[str, Any] | None = None) -> Any:
        response = getattr(client.http, method.lower())(
            path, headers=headers, **({"body": json.dumps(body)} if body else {})
        )
        assert response.status_code == status, (method, path, response.body)
        called.add((route, method))
        return body_of(response)

    ev = event.identifier
    task = call("GET", "/v1/events/{event}/export/{kind}/{variant}", f"/v1/events/{ev}/export/orders/csv", 202)
    call("GET", "/v1/events/{event}/export/{format_name}", f"/v1/events/{ev}/export/ical", 202)
    call("GET", "/v1/export-tasks/{task_id}", task["task_url"], 200)
    call("GET", "/v1/tasks/{task_id}", task["task_url"].replace("/v1/export-tasks/", "/v1/tasks/"), 200)  # the alias
    for posted in ("sessions/csv", "speakers/csv", "json"):
        route = "/v1/events/{event}/export/" + ("{kind}/{variant}" if "/" in posted else "{format_name}")
        call("POST", route, f"/v1/events/{ev}/export/{posted}", 202, {"status": "all"} if "csv" in posted else {})
    call("POST", "/v1/admin/export/{kind}/{variant}", "/v1/admin/export/sales/csv", 202, {"status": "all"})
    call(
        "GET",
        "/v1/events/{event}/stripe-authorization/connect-url",
        f"/v1/events/{ev}/stripe-authorization/connect-url",
        200,
    )
    created = call("POST", "/v1/stripe-authorizations", "/v1/stripe-authorizations", 201, stripe_document(ev, "ac_1"))
    item = f"/v1/stripe-authorizations/{created['data']['id']}"
    call("GET", "/v1/stripe-authorizations/{authorization_id}", item, 200)
    call("GET", "/v1/stripe-authorizations/{authorization_id}/relationships/event", f"{item}/relationships/event", 200)
    call("GET", "/v1/events/{event}/stripe-authorization", f"/v1/events/{ev}/stripe-authorization", 200)
    resaved = stripe_document(ev, "ac_1", authorization_id=created["data"]["id"])
    call("PATCH", "/v1/stripe-authorizations/{authorization_id}", item, 200, resaved)
    call("DELETE", "/v1/stripe-authorizations/{authorization_id}", item, 200)
    page = call("POST", "/v1/pages", "/v1/pages", 201, page_document({"name": "Terms", "url": "terms"}))
    page_id = page["data"]["id"]
    changed = page_document({"title": "Terms of use"}, id=page_id)
    call("PATCH", "/v1/pages/{page_id}", f"/v1/pages/{page_id}", 200, changed)
    call("DELETE", "/v1/pages/{page_id}", f"/v1/pages/{page_id}", 200)
    call("POST", "/v1/auth/calendar-token", "/v1/auth/calendar-token", 201)
    call("DELETE", "/v1/auth/calendar-token", "/v1/auth/calendar-token", 204)

    protected = {(path, method) for path, methods in application.app.routes.items() for method in methods}
    assert protected - PUBLIC_ROUTES - called == set()


@pytest.mark.parametrize(
    "token",
    [
        lambda user: oes_token(user.id, kind="refresh", lifetime=timedelta(days=365)),
        lambda user: oes_token(user.id, type="impersonation"),
        lambda user: oes_token(user.id, lifetime=timedelta(seconds=-60)),
        lambda user: jwt.encode(
            {"identity": user.id, "type": "access", "exp": 2**40},
            "another-secret-that-is-long-enough-for-hs256",
            "HS256",
        ),
        lambda user: oes_token(str(2**40)),  # type: ignore[arg-type]
    ],
    ids=["refresh-token", "other-type", "expired", "other-secret", "nobody"],
)
def test_other_open_event_tokens_are_401(client, factory, token):
    event = factory.event()
    user = factory.staff(event)

    response = client.http.get(f"/v1/events/{event.identifier}/export/ical", headers=adapter_headers(token(user)))

    assert response.status_code == 401
    assert body_of(response)["errors"][0]["status"] == "401"


# --- exports: app/controllers/events/view/tickets/orders.js, app/components/events/view/export/download-common.js ---


Status = dict[str, Any]


def poll_like_the_frontend(
    client: Any, token: str, task_url: str, wait: Callable[[list[Status]], Any], polls: int = 20
) -> list[Status]:
    """``requestLoop``: wait (``run.later(..., 3000)``; here ``wait``, given what was read so far), then
    ``loader.load(task_url, {withoutPrefix: true})``. SUCCESS downloads ``result.download_url``,
    WAITING polls again, and anything else, or an answer that is not ok, is "Export has failed."."""
    seen: list[Status] = []
    while len(seen) < polls:
        wait(seen)
        response = client.http.get(task_url, headers=adapter_headers(token))
        if response.status_code != 200:
            pytest.fail(f"the frontend says 'Export has failed.' after a {response.status_code}: {response.body!r}")
        seen.append(body_of(response))
        if seen[-1]["state"] == "SUCCESS":
            return seen
        if seen[-1]["state"] != "WAITING":
            pytest.fail(f"the frontend says 'Export has failed.' for {seen[-1]}")
    pytest.fail(f"still WAITING after {polls} polls")


def frontend_export(client: Any, stack: Stack, token: str, event: str, path: str) -> requests.Response:
    """Start the export as ``loader.load(`/events/${this.model.id}/export/...`)`` does (the model's
    id is the event's identifier), poll, and download as ``window.location = download_url`` does."""
    started = client.http.get(f"/v1/events/{event}/export/{path}", headers=adapter_headers(token))
    assert started.status_code == 202, started.body

    seen = poll_like_the_frontend(
        client, token, body_of(started)["task_url"], lambda seen: seen and run_worker(client, stack)
    )

    assert [status["state"] for status in seen] == ["WAITING", "SUCCESS"]
    downloaded = requests.get(seen[-1]["result"]["download_url"], timeout=30)
    assert downloaded.status_code == 200
    return downloaded


@pytest.fixture
def schedule_event(factory):
    event = hostile_event(factory, ZONES[0], identifier="fossasia-2026")
    factory.order(event, identifier="O-1", status="completed")
    return event, factory.token(factory.staff(event))


def test_orders_csv_export_as_the_orders_page_asks_for_it(client, stack, schedule_event):
    event, token = schedule_event

    downloaded = frontend_export(client, stack, token, event.identifier, "orders/csv")

    assert 'filename="fossasia-2026-orders.csv"' in downloaded.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(downloaded.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["O-1"]


@pytest.mark.parametrize(
    "file_format,count",
    [
        ("pentabarf", lambda data: len(etree.fromstring(data).findall("day/room/event"))),
        ("xcal", lambda data: len(etree.fromstring(data).findall("vcalendar/vevent"))),
        ("ical", lambda data: len(icalendar.Calendar.from_ical(data).walk("VEVENT"))),
    ],
    ids=["pentabarf", "xcal", "ical"],
)
def test_schedule_export_as_the_export_page_asks_for_it(client, stack, schedule_event, file_format, count):
    event, token = schedule_event  # download-common.js: the fileFormat of the chosen downloadType

    downloaded = frontend_export(client, stack, token, event.identifier, file_format)

    assert count(downloaded.content) == EXPORTED_TITLES


def export_worker(event: dict[str, Any]) -> Any:
    """The app's worker function, called as Lambda calls it (from a thread: no test client there)."""
    return application.export_worker(event, None)


def test_polling_through_a_large_export_reads_waiting_until_it_succeeds(client, stack):
    with transaction() as session:
        owner = seed(session, SeedSpec(identifier="large", orders=50_000, sessions=0, buyers=500))["owner"]
    token = body_of(frontend_login(client, owner["email"], owner["password"], remember=False))["access_token"]
    task_url = body_of(client.http.get("/v1/events/large/export/orders/csv", headers=adapter_headers(token)))[
        "task_url"
    ]
    # The worker runs beside the API, as its Lambda would. The orders stay locked until the frontend
    # has read the task running, so that the running phase is seen whatever the machine's speed.
    lock = get_engine().connect()
    lock.begin()
    lock.execute(text("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE"))
    worker = threading.Thread(target=deliver, args=(sqs_client(), stack.queue_url, export_worker))
    worker.start()

    def wait(seen: list[Status]) -> None:
        time.sleep(0.05)
        if lock.in_transaction() and any(status["started_at"] for status in seen):
            lock.rollback()  # the worker may go on

    try:
        seen = poll_like_the_frontend(client, token, task_url, wait, polls=1200)
    finally:
        if lock.in_transaction():
            lock.rollback()
        lock.close()
        worker.join(timeout=120)

    assert {status["state"] for status in seen[:-1]} == {"WAITING"}
    running = [status for status in seen[:-1] if status["started_at"]]
    assert running and all(status["attempts"] == 1 and status["progress"] is not None for status in running)
    assert seen[-1]["result"]["row_count"] == 50_000


# --- unknown exports: the frontend's buttons for formats this service has not (yet) ----------------

# app/controllers/events/view/tickets/orders.js (csv, pdf), .../tickets/attendees.js, and formats
# no client knows: each is a registered format (202) or a 404 error document.
EXPORT_PATHS = ["orders/pdf", "attendees/csv", "attendees/pdf", "orders/xlsx", "speakers"]


@pytest.mark.parametrize("path", EXPORT_PATHS)
def test_an_export_this_service_does_not_have_is_a_404_document(client, factory, path):
    event = factory.event()
    token = factory.token(factory.staff(event))

    response = client.http.get(f"/v1/events/{event.identifier}/export/{path}", headers=adapter_headers(token))

    if path in FORMATS:
        assert response.status_code == 202
    else:
        assert response.status_code == 404
        assert body_of(response)["errors"][0]["status"] == "404"


# --- the Content-Type of requests without a body ----------------------------------------------------


def test_no_route_lets_chalice_refuse_a_content_type():
    """Chalice checks ``Content-Type`` against a route's ``content_types`` on GETs too, and ember-data
    sends the JSON:API one on every request; routes with a body check the media type themselves."""
    strict = [
        (path, method, entry.content_types)
        for path, methods in application.app.routes.items()
        for method, entry in methods.items()
        if entry.content_types != ANY_CONTENT_TYPE
    ]

    assert strict == []


@pytest.mark.parametrize(
    "path", ["/v1/health", "/v1/pages", "/v1/events/{event}/export/orders/csv", "/v1/events/{event}/export/pentabarf"]
)
def test_a_get_with_the_adapters_content_type_is_answered(client, factory, path):
    event = factory.event()
    token = factory.token(factory.staff(event))

    response = client.http.get(path.format(event=event.identifier), headers=adapter_headers(token))

    assert response.status_code in (200, 202), response.body


def test_a_body_in_another_media_type_is_still_415(client, factory):
    headers = {**adapter_headers(factory.token(factory.user(admin=True))), "Content-Type": "application/json"}

    response = client.http.post("/v1/pages", headers=headers, body=page_document({"name": "Terms", "url": "terms"}))

    assert response.status_code == 415


# --- Stripe Connect: app/components/forms/wizard/basic-details-step.js, app/mixins/event-wizard.js ---


def stripe_document(event_id: str, code: str, authorization_id: str | None = None) -> dict[str, Any]:
    """``stripeAuthorization.save()``: what the application serializer writes for the record that
    ``connectStripe`` made from torii's ``authorizationCode`` (no state: torii keeps its own), with
    the platform's publishable key the wizard sets (read-only here) and the event (EventRelationMixin
    writes the event's original id when it knows it, else its identifier)."""
    data: dict[str, Any] = {
        "attributes": {"stripe-auth-code": code, "stripe-publishable-key": "pk_test_platform"},
        "relationships": {"event": {"data": {"type": "event", "id": event_id}}},
        "type": "stripe-authorization",
    }
    if authorization_id is not None:
        data["id"] = authorization_id
    return {"data": data}


def connect(client: Any, headers: dict[str, str], event: Any) -> dict[str, Any]:
    """The first save of the record ``connectStripe`` made (its original id for the event)."""
    body = json.dumps(stripe_document(str(event.id), "ac_1"))
    response = client.http.post("/v1/stripe-authorizations", headers=headers, body=body)
    assert response.status_code == 201, response.body
    created: dict[str, Any] = body_of(response)
    return created


@pytest.fixture
def wizard(factory):
    event = factory.event(identifier="fossasia-summit")
    return event, adapter_headers(factory.token(factory.staff(event, "owner")))


@pytest.mark.parametrize("sent_id", ["identifier", "id"])
def test_connect_stripe_as_the_wizard_does_answers_a_linkage_to_the_same_event(client, stripe, wizard, sent_id):
    event, headers = wizard
    stripe.script(TOKEN, token_reply())
    body = stripe_document(str(getattr(event, sent_id)), "ac_from_torii")

    response = client.http.post("/v1/stripe-authorizations", headers=headers, body=json.dumps(body))

    assert response.status_code == 201, response.body
    data = body_of(response)["data"]
    assert data["attributes"] == {"stripe-publishable-key": "pk_test_publishableA"}
    # The frontend's event serializer keys events by identifier: this resolves to the event it has.
    assert data["relationships"]["event"] == {
        "data": {"type": "event", "id": "fossasia-summit"},
        "links": {
            "self": f"/v1/stripe-authorizations/{data['id']}/relationships/event",
            "related": "/v1/events/fossasia-summit",
        },
    }
    related = client.http.get(data["relationships"]["event"]["links"]["self"], headers=headers)
    assert body_of(related)["data"] == {"type": "event", "id": "fossasia-summit"}


def test_the_wizards_resave_with_the_code_it_sent_is_a_no_op(client, stripe, wizard):
    event, headers = wizard
    created = connect(client, headers, event)
    authorization_id = created["data"]["id"]
    before = stored_authorization()

    # saveEventData saves the record again on every step: the same code, the key it got back.
    resave = stripe_document("fossasia-summit", "ac_1", authorization_id)
    resave["data"]["attributes"]["stripe-publishable-key"] = created["data"]["attributes"]["stripe-publishable-key"]
    response = client.http.patch(
        f"/v1/stripe-authorizations/{authorization_id}", headers=headers, body=json.dumps(resave)
    )

    assert response.status_code == 200, response.body
    assert body_of(response)["data"] == created["data"]
    assert len(stripe.calls(TOKEN)) == 1  # Stripe was not asked again
    after = stored_authorization()
    assert (after.encrypted_tokens, after.code_hash) == (before.encrypted_tokens, before.code_hash)
    assert "ac_1" not in (after.code_hash or "") and len(after.code_hash or "") == 64


def test_a_patch_with_another_spent_code_is_still_422_at_the_code(client, stripe, wizard):
    event, headers = wizard
    created = connect(client, headers, event)
    authorization_id = created["data"]["id"]
    stripe.script(TOKEN, oauth_error("invalid_grant", "Authorization code already used: ac_0"))

    response = client.http.patch(
        f"/v1/stripe-authorizations/{authorization_id}",
        headers=headers,
        body=json.dumps(stripe_document("fossasia-summit", "ac_0", authorization_id)),
    )

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/attributes/stripe-auth-code"}


def test_disconnect_stripe_as_the_wizard_does(client, stripe, wizard):
    event, headers = wizard
    created = connect(client, headers, event)

    # disconnectStripe: stripeAuthorization.destroyRecord(), a DELETE with the adapter's headers.
    response = client.http.delete(f"/v1/stripe-authorizations/{created['data']['id']}", headers=headers)

    assert response.status_code == 200
    assert body_of(response)["meta"] == {"message": "Object successfully deleted"}
    assert len(stripe.calls(DEAUTHORIZE)) == 1 and stored_authorization() is None


def stored_authorization() -> StripeAuthorization | None:
    with transaction() as session:
        return session.scalars(select(StripeAuthorization)).first()


# --- pages: app/components/footer-main.js, app/routes/pages.js, app/controllers/admin/content/pages.js ---


def page_document(attributes: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"data": {"type": "page", "attributes": attributes, **data}}


def test_the_footer_lists_its_pages_and_links_them_as_the_frontend_does(client, factory):
    admin = adapter_headers(factory.token(factory.user(admin=True)))
    for name, url, place, index in [
        ("Privacy", "privacy", "footer", 2),
        ("About", "/about", "footer", 1),
        ("Venue", "venue", "event", 0),
    ]:
        attributes = {
            "name": name,
            "title": name,
            "url": url,
            "description": None,
            "language": "en",
            "index": index,
            "place": place,
        }
        assert (
            client.http.post("/v1/pages", headers=admin, body=json.dumps(page_document(attributes))).status_code == 201
        )

    # cache.query('pages', 'page', {public: true}) adds cache=true; the adapter drops the token for public=true.
    response = client.http.get("/v1/pages?cache=true&public=true", headers=adapter_headers())

    assert response.status_code == 200, response.body
    pages = sorted(body_of(response)["data"], key=lambda page: page["attributes"]["index"])  # lodash sortBy
    footer = [page["attributes"] for page in pages if page["attributes"]["place"] == "footer"]
    assert ["/" + page["url"] for page in footer] == [
        "/about",
        "/privacy",
    ]  # <LinkTo @route="pages" @model={{page.url}}>
    about = [
        page for page in pages if page["attributes"]["url"] == "about"
    ]  # routes/pages.js: findBy('url', params.path)
    assert [page["attributes"]["name"] for page in about] == ["About"]


def test_the_adapters_nocache_flag_is_accepted(client):
    # app/adapters/application.js ajaxOptions: request.data.nocache = true when ENV.noCache is 'true'.
    response = client.http.get("/v1/pages?nocache=true", headers=adapter_headers())

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["cache=maybe", "public=1&public=0"])
def test_the_footers_flags_must_be_true_or_false(client, query):
    response = client.http.get(f"/v1/pages?{query}", headers=adapter_headers())

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["source"]["parameter"] in {"cache", "public"}


def test_admin_page_edits_as_the_admin_pages_screen_makes_them(client, factory):
    headers = adapter_headers(factory.token(factory.user(admin=True)))
    # pages-form.js: a new record, saved with every attribute (null for the unset ones, index 0).
    record = {
        "name": "Terms",
        "title": "Terms",
        "url": "terms",
        "description": None,
        "language": "en",
        "index": 0,
        "place": "footer",
    }

    created = client.http.post("/v1/pages", headers=headers, body=json.dumps(page_document(record)))
    page_id = body_of(created)["data"]["id"]
    listed = client.http.get("/v1/pages", headers=headers)  # routes/admin/content/pages.js: findAll('page')
    record.update(description="<p>Be excellent</p>", index=3)
    saved = client.http.patch(
        f"/v1/pages/{page_id}", headers=headers, body=json.dumps(page_document(record, id=page_id))
    )
    deleted = client.http.delete(f"/v1/pages/{page_id}", headers=headers)  # deletePage: data.destroyRecord()

    assert created.status_code == 201
    assert [page["id"] for page in body_of(listed)["data"]] == [page_id]
    assert (saved.status_code, body_of(saved)["data"]["attributes"]) == (200, record)
    assert (deleted.status_code, client.http.get(f"/v1/pages/{page_id}", headers=headers).status_code) == (200, 404)


@pytest.mark.parametrize("url", ["/", "//"])
def test_a_page_url_of_slashes_only_is_422(client, factory, url):
    headers = adapter_headers(factory.token(factory.user(admin=True)))

    response = client.http.post(
        "/v1/pages", headers=headers, body=json.dumps(page_document({"name": "Home", "url": url}))
    )

    assert response.status_code == 422
    assert body_of(response)["errors"][0]["source"] == {"pointer": "/data/attributes/url"}
