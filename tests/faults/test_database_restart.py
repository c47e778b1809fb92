"""PostgreSQL stopped and started again mid-export: the attempt dies with its connection, its
message comes back after the short hand-back delay (or the relay takes the silent task over), and
the export succeeds once the database is back."""

from __future__ import annotations

import time

from devtools.postgres import start_embedded_server, stop_embedded_server
from tests.factories import Factory
from tests.faults.conftest import (
    EXPORT_SECONDS,
    HEARTBEAT_SECONDS,
    RELAY_EVERY_SECONDS,
    SLACK_SECONDS,
    ask_export,
    assert_complete_file_or_nothing,
    finished,
    started_at_progress,
    task,
    wait_for,
)

OUTAGE_SECONDS = 2
# The crash could not be recorded (the database was down): at worst the task waits for its heartbeat
# to go stale and a relay run, then runs again in full.
RESTART_TO_SUCCESS = HEARTBEAT_SECONDS + RELAY_EVERY_SECONDS + EXPORT_SECONDS + SLACK_SECONDS


def test_database_restarted_mid_export_the_export_succeeds_once_it_is_back(clean_stack, start_workers):
    (worker,) = start_workers()
    task_id = ask_export(Factory())
    wait_for(started_at_progress(task_id, 25), 30, "the export to be a quarter done")

    stop_embedded_server(clean_stack.pgdata)
    time.sleep(OUTAGE_SECONDS)
    start_embedded_server(clean_stack.pgdata)
    back_at = time.monotonic()
    wait_for(finished(task_id), RESTART_TO_SUCCESS, "the export to finish")
    recovery = time.monotonic() - back_at

    row = task(task_id)
    assert (row.state, row.error) == ("SUCCESS", None)
    assert row.attempts >= 2  # the first attempt died with its connection
    assert "export crashed" in worker.log()
    assert recovery <= RESTART_TO_SUCCESS
    assert_complete_file_or_nothing(clean_stack, task_id)
    print(f"\ndatabase back -> SUCCESS in {recovery:.1f} s (bound {RESTART_TO_SUCCESS} s)")
