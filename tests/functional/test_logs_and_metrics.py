"""What an on-call engineer reads: log lines that name their request, task, event and format and hold
no secret, and metrics in CloudWatch's embedded metric format (EMF) for every export's end."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest

from chalicelib.exports.pipeline import relay
from chalicelib.logs import JsonFormatter
from tests.factories import PASSWORD
from tests.functional.export_helpers import (
    read_task,
    run_worker,
    start_export,
    task_url_of,
)
from tests.functional.http_helpers import body_of
from tests.functional.test_stripe_authorization import create, fresh_settings, stripe  # noqa: F401 (fixtures)

# The EMF document as the specification defines it (CloudWatch User Guide, "Specification: Embedded
# metric format"): the _aws metadata, its directives, and each target member on the root node.
EMF_SCHEMA = {
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                "Timestamp": {"type": "integer", "minimum": 0},
                "CloudWatchMetrics": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["Namespace", "Dimensions", "Metrics"],
                        "additionalProperties": False,
                        "properties": {
                            "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                            "Dimensions": {
                                "type": "array",
                                "items": {"type": "array", "maxItems": 30, "items": {"type": "string", "minLength": 1}},
                            },
                            "Metrics": {
                                "type": "array",
                                "maxItems": 100,
                                "items": {
                                    "type": "object",
                                    "required": ["Name"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "Name": {"type": "string", "minLength": 1, "maxLength": 1024},
                                        "Unit": {"enum": ["Count", "Milliseconds", "Bytes", "Seconds", "None"]},
                                        "StorageResolution": {"enum": [1, 60]},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


def emf_lines(stdout: str) -> list[dict[str, Any]]:
    """Every EMF document written, each checked against the specification and its target members."""
    documents = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    for document in documents:
        jsonschema.validate(document, EMF_SCHEMA)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for dimensions in directive["Dimensions"]:
                assert all(isinstance(document[name], str) for name in dimensions)
            assert all(isinstance(document[metric["Name"]], int | float) for metric in directive["Metrics"])
    return documents


def metric(documents: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [document for document in documents if name in document]


@pytest.fixture
def one_order(factory):
    event = factory.event(identifier="logged-event")
    organizer = factory.staff(event)
    factory.order(event, identifier="LOG-1")
    return event, factory.token(organizer)


@pytest.mark.usefixtures("export_queue")
def test_every_line_of_an_exports_life_names_its_invocation_task_event_and_format(client, stack, one_order, caplog):
    event, token = one_order
    task_url = task_url_of(start_export(client, token, event.identifier))
    task_id = task_url.rsplit("/", 1)[-1]

    with caplog.at_level(logging.INFO):
        run_worker(client, stack)

    worker_lines = [record for record in caplog.records if record.name.startswith("chalicelib.exports")]
    messages = " ".join(record.getMessage() for record in worker_lines)
    assert "started" in messages and "SUCCESS" in messages
    for record in worker_lines:
        line = json.loads(JsonFormatter().format(record))  # what the local stack prints, and Lambda's members
        assert (line["task_id"], line["event_identifier"], line["export_format"]) == (
            task_id,
            event.identifier,
            "orders/csv",
        )
        assert line["request_id"] and line["function"] == "export_worker"


@pytest.mark.usefixtures("export_queue")
def test_an_export_writes_started_and_succeeded_with_its_duration_rows_and_bytes(client, stack, one_order, capsys):
    event, token = one_order
    task_url = task_url_of(start_export(client, token, event.identifier))
    capsys.readouterr()

    run_worker(client, stack)

    documents = emf_lines(capsys.readouterr().out)
    task = read_task(client, token, task_url)
    (started,) = metric(documents, "ExportsStarted")
    (succeeded,) = metric(documents, "ExportsSucceeded")
    assert started["Format"] == succeeded["Format"] == task["format"]
    assert (succeeded["ExportRows"], succeeded["ExportBytes"]) == (
        task["result"]["row_count"],
        task["result"]["size_bytes"],
    )
    assert succeeded["ExportDuration"] >= 0
    # Published in total (the alarms' view) and by format (the dashboard's).
    assert succeeded["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[], ["Format"]]


@pytest.mark.usefixtures("export_queue")
def test_a_crashed_export_counts_as_failed_by_format_and_reason(client, stack, factory, crashing_format, capsys):
    event = factory.event(identifier="crashing-event")
    token = factory.token(factory.staff(event))
    crashing_format.crashes = 1
    task_url_of(start_export(client, token, event.identifier, "crashtest"))
    capsys.readouterr()

    run_worker(client, stack)

    documents = emf_lines(capsys.readouterr().out)
    (failed,) = metric(documents, "ExportsFailed")
    assert (failed["Format"], failed["Reason"]) == ("crashtest", "crashed")
    assert failed["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[], ["Format"], ["Format", "Reason"]]
    assert len(metric(documents, "ExportsSucceeded")) == 1  # the next delivery


@pytest.mark.usefixtures("export_queue")
def test_a_relay_run_writes_its_counts_even_when_there_is_nothing_to_do(capsys):
    relay.run()

    (counts,) = emf_lines(capsys.readouterr().out)

    assert counts["RelayResent"] == counts["RelayTakeovers"] == counts["RelayGaveUp"] == 0


@pytest.mark.usefixtures("export_queue")
def test_no_secret_reaches_the_log_of_a_login_an_export_and_a_stripe_connection(
    client,
    stack,
    factory,
    stripe,  # noqa: F811 (the fixture)
    caplog,
    capsys,
):
    event = factory.event(identifier="secret-event")
    organizer = factory.staff(event)
    with caplog.at_level(logging.INFO):  # the functions' level (ApplicationLogLevel: INFO)
        login = client.http.post(
            "/auth/session",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"username": organizer.email, "password": PASSWORD}),
        )
        client.http.post(
            "/auth/session",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"username": organizer.email, "password": PASSWORD + "x"}),
        )
        token = body_of(login)["access_token"]
        factory.order(event, identifier="SECRET-1")
        task_url = task_url_of(start_export(client, token, event.identifier))
        run_worker(client, stack)
        link = read_task(client, token, task_url)["result"]["download_url"]
        assert create(client, factory, organizer, event, code="ac_secretcode").status_code == 201
        logging.getLogger("chalicelib.test").warning("a careless line with %s and %s", link, token)

    query = parse_qs(urlsplit(link).query)
    secrets = [PASSWORD, token, query["X-Amz-Signature"][0], "ac_secretcode", "sk_test_platform", "SECRET"]
    written = "\n".join([JsonFormatter().format(record) for record in caplog.records] + [capsys.readouterr().out])
    assert caplog.records  # the run logged something to look at
    for secret in secrets:
        assert secret not in written, secret
