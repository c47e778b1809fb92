"""Access ends when the right ends: reading a task re-checks, as the worker does, that the reader
may still have its export. An organizer removed from the event's staff, or an admin demoted, gets a
403 and no download link for the export they started (it is their own task, so no secret is kept);
a deleted event's exports are as gone as the event (404), for admins too."""

from __future__ import annotations

from sqlalchemy import text

from chalicelib.db import transaction
from tests.functional.export_helpers import post_export, read_task, run_worker, start_export, task_url_of
from tests.functional.http_helpers import auth_headers, body_of


def finished_export(client, stack, token: str, event: str) -> str:
    task_url = task_url_of(start_export(client, token, event))
    run_worker(client, stack)
    assert read_task(client, token, task_url)["state"] == "SUCCESS"
    return task_url


def test_an_organizer_removed_from_the_staff_can_no_longer_mint_download_links(client, stack, factory):
    event = factory.event(identifier="fired")
    organizer = factory.staff(event)
    token = factory.token(organizer)
    task_url = finished_export(client, stack, token, event.identifier)
    with transaction() as session:
        session.execute(text("DELETE FROM users_events_roles WHERE user_id = :id"), {"id": organizer.id})

    response = client.http.get(task_url, headers=auth_headers(token))

    assert response.status_code == 403
    assert body_of(response)["errors"][0]["detail"] == "You are no longer a member of this event's staff"
    assert b"download_url" not in response.body


def test_a_demoted_admin_can_no_longer_read_the_sales_report(client, stack, factory):
    admin = factory.user(admin=True)
    token = factory.token(admin)
    task_url = task_url_of(post_export(client, token, "admin/export/sales/csv", {}))
    run_worker(client, stack)
    assert "download_url" in read_task(client, token, task_url)["result"]
    with transaction() as session:
        session.execute(text("UPDATE users SET is_admin = false WHERE id = :id"), {"id": admin.id})

    response = client.http.get(task_url, headers=auth_headers(token))

    assert response.status_code == 403
    assert body_of(response)["errors"][0]["detail"] == "You are no longer an administrator"


def test_a_deleted_events_exports_are_gone_for_their_organizer_and_for_admins(client, stack, factory, admin_token):
    event = factory.event(identifier="cancelled")
    token = factory.token(factory.staff(event))
    task_url = finished_export(client, stack, token, event.identifier)
    with transaction() as session:
        session.execute(text("UPDATE events SET deleted_at = now() WHERE id = :id"), {"id": event.id})

    statuses = [client.http.get(task_url, headers=auth_headers(reader)).status_code for reader in (token, admin_token)]

    assert statuses == [404, 404]


def test_an_organizer_still_on_the_staff_and_an_admin_keep_reading_it(client, stack, factory, admin_token):
    event = factory.event(identifier="kept")
    token = factory.token(factory.staff(event))
    task_url = finished_export(client, stack, token, event.identifier)

    tasks = [read_task(client, reader, task_url) for reader in (token, admin_token)]

    assert all("download_url" in task["result"] for task in tasks)
