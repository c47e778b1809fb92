"""The exports the frontend asks for by POST, with a JSON body: who may ask, what the body may say.

The requests are the frontend's (app/services/loader.ts: a JSON body, ``Content-Type:
application/json``, the adapter's JSON:API ``Accept``); the bodies are those of
app/controllers/events/view/sessions.js, speakers.js, settings/export.js and admin/sales/index.js.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chalicelib.db import transaction
from chalicelib.models import ExportTask
from tests.functional.export_helpers import post_export, task_url_of
from tests.functional.http_helpers import auth_headers, body_of

EVENT = "summit"
FRONTEND_REQUESTS = [
    (f"events/{EVENT}/export/sessions/csv", {"status": "accepted"}, "sessions/csv", {"status": "accepted", "bom": True}),
    (f"events/{EVENT}/export/speakers/csv", {"status": "without_session"}, "speakers/csv",
     {"status": "without_session", "bom": True}),
    (f"events/{EVENT}/export/json", {"image": True, "audio": False, "video": True, "document": False}, "json",
     {"media": ["image", "video"]}),
    ("admin/export/sales/csv", {"status": "live"}, "admin/sales/csv", {"status": "live", "bom": True}),
]  # fmt: skip
EVENT_ROUTES = [path for path, *_ in FRONTEND_REQUESTS if path.startswith("events/")]
ALL_ROUTES = [path for path, *_ in FRONTEND_REQUESTS]


@pytest.fixture
def event(factory):
    return factory.event(identifier=EVENT)


def only_task() -> ExportTask | None:
    with transaction() as session:
        return session.scalars(select(ExportTask)).one_or_none()


@pytest.mark.usefixtures("export_queue")
@pytest.mark.parametrize("path,body,format_name,options", FRONTEND_REQUESTS, ids=lambda v: str(v)[:24])
@pytest.mark.parametrize("content_type", ["application/json", "application/vnd.api+json"])
def test_each_post_answers_202_with_the_task_url_and_keeps_the_options(
    client, event, admin_token, path, body, format_name, options, content_type
):
    response = post_export(client, admin_token, path, body, {"Content-Type": content_type})

    task_url = task_url_of(response)
    assert response.headers["Location"] == task_url
    task = only_task()
    assert task is not None and (task.format, task.options) == (format_name, options)
    assert task.event_id == (None if path.startswith("admin/") else event.id)


@pytest.mark.usefixtures("export_queue")
@pytest.mark.parametrize("role", ["owner", "organizer", "coorganizer"])
@pytest.mark.parametrize("path", EVENT_ROUTES)
def test_event_exports_are_for_every_staff_role(client, factory, event, role, path):
    assert post_export(client, factory.token(factory.staff(event, role)), path, {}).status_code == 202


@pytest.mark.usefixtures("export_queue")
@pytest.mark.parametrize("body", [None, b"", b"{}", b"null"], ids=["no-body", "empty-body", "empty-object", "null"])
def test_a_post_without_options_takes_the_defaults(client, admin_token, event, body):
    headers = {"Content-Type": "application/json"} if body else {}
    response = client.http.post(f"/v1/events/{EVENT}/export/sessions/csv",
                                headers=auth_headers(admin_token, **headers), body=body)  # fmt: skip

    assert response.status_code == 202, response.body
    task = only_task()
    assert task is not None and task.options == {"status": "all", "bom": True}


@pytest.mark.parametrize("path", ALL_ROUTES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "JWT not-a-token"}], ids=["no-token", "bad-token"])
def test_a_post_without_a_valid_token_is_401(client, event, path, headers):
    response = client.http.post(f"/v1/{path}", headers=headers, body="{}")

    assert response.status_code == 401
    assert body_of(response)["errors"][0]["status"] == "401"


@pytest.mark.parametrize("path", ALL_ROUTES)
def test_a_post_by_someone_outside_the_staff_is_403_even_with_a_bad_body(client, factory, event, path):
    response = post_export(client, factory.token(factory.user()), path, {"status": "bogus"})

    assert response.status_code == 403
    assert only_task() is None


def test_the_sales_report_is_for_admins_only(client, factory, event):
    organizer = factory.staff(event, "owner")

    response = post_export(client, factory.token(organizer), "admin/export/sales/csv", {"status": "all"})

    assert response.status_code == 403
    assert body_of(response)["errors"][0]["detail"] == "Admin access is required"


@pytest.mark.parametrize("path", EVENT_ROUTES)
@pytest.mark.parametrize("reference", ["no-such-event", "999999"])
def test_a_post_for_an_unknown_event_is_404(client, admin_token, path, reference):
    response = post_export(client, admin_token, path.replace(EVENT, reference), {})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path,body,pointer",
    [
        (f"events/{EVENT}/export/sessions/csv", {"status": "without_session"}, "/status"),
        (f"events/{EVENT}/export/sessions/csv", {"status": "deleted"}, "/status"),
        (f"events/{EVENT}/export/sessions/csv", {"status": 3}, "/status"),
        (f"events/{EVENT}/export/sessions/csv", {"bom": "yes"}, "/bom"),
        (f"events/{EVENT}/export/speakers/csv", {"status": "ACCEPTED"}, "/status"),
        (f"events/{EVENT}/export/speakers/csv", {"state": "accepted"}, "/state"),
        (f"events/{EVENT}/export/json", {"image": "true"}, "/image"),
        (f"events/{EVENT}/export/json", {"audio": 1}, "/audio"),
        (f"events/{EVENT}/export/json", {"images": True}, "/images"),
        (f"events/{EVENT}/export/json", {"a/b~c": True}, "/a~1b~0c"),
        ("admin/export/sales/csv", {"status": "completed"}, "/status"),
        ("admin/export/sales/csv", ["live"], ""),
        ("admin/export/sales/csv", '"live"', ""),
    ],
)  # fmt: skip
def test_a_bad_option_is_400_pointing_at_it(client, admin_token, event, path, body, pointer):
    response = post_export(client, admin_token, path, body)

    assert response.status_code == 400, response.body
    assert body_of(response)["errors"][0]["source"] == {"pointer": pointer}
    assert only_task() is None


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[" * 100000], ids=["truncated", "not-utf8", "too-deep"])
def test_a_body_that_is_not_json_is_400(client, admin_token, event, body):
    response = post_export(client, admin_token, f"events/{EVENT}/export/json", body)

    assert response.status_code == 400
    assert body_of(response)["errors"][0]["title"] == "Bad request"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_a_body_in_another_media_type_is_415(client, admin_token, event, content_type):
    response = post_export(client, admin_token, f"events/{EVENT}/export/json", {}, {"Content-Type": content_type})

    assert response.status_code == 415
    assert body_of(response)["errors"][0]["status"] == "415"


@pytest.mark.parametrize(
    "method,path",
    [("GET", f"events/{EVENT}/export/sessions/csv"), ("GET", f"events/{EVENT}/export/json"),
     ("GET", "admin/export/sales/csv"), ("POST", f"events/{EVENT}/export/orders/csv")],
)  # fmt: skip
def test_an_export_asked_with_the_other_method_is_405(client, admin_token, event, method, path):
    response = client.http.request(method, f"/v1/{path}", headers=auth_headers(admin_token), body=b"{}")

    assert response.status_code == 405
    assert body_of(response)["errors"][0]["status"] == "405"
