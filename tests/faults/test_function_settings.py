"""``make run``'s and ``make worker``'s functions run with their own settings from ``.chalice/config.json``,
as on Lambda: an export whose query runs longer than the API's 10 s statement timeout succeeds."""

from __future__ import annotations

import json

from devtools import functions
from tests.conftest import REPO
from tests.factories import Factory
from tests.faults.conftest import SLACK_SECONDS, ask_export, finished, task, wait_for

QUERY_SECONDS = 10.5
CONFIG = json.loads((REPO / ".chalice" / "config.json").read_text())


def test_each_function_gets_the_stages_variables_and_its_own_over_them():
    stage = CONFIG["stages"]["prod"]
    worker = stage["lambda_functions"]["export_worker"]["environment_variables"]

    assert functions.environment("export_worker") == {**stage["environment_variables"], **worker}
    assert all("STAGE" not in functions.environment(name) for name in stage["lambda_functions"])  # local: no deployment
    assert float(functions.environment("api_handler")["DATABASE_STATEMENT_TIMEOUT_SECONDS"]) < QUERY_SECONDS
    assert float(worker["DATABASE_STATEMENT_TIMEOUT_SECONDS"]) > QUERY_SECONDS


def test_an_export_whose_query_outlasts_the_apis_statement_timeout_succeeds(clean_stack, start_workers):
    (worker,) = start_workers(relay=False, FAULTS_QUERY_SECONDS=str(QUERY_SECONDS), FAULTS_EXPORT_SECONDS="0")

    task_id = ask_export(Factory())
    wait_for(finished(task_id), QUERY_SECONDS + SLACK_SECONDS, "the export")

    assert (task(task_id).state, task(task_id).error) == ("SUCCESS", None), worker.log()
