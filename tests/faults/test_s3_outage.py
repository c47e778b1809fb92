"""S3 refusing connections mid-upload, and S3 hanging, behind a TCP proxy in front of moto: the
task says what happens, the export succeeds once S3 is back, and no part is left behind."""

from __future__ import annotations

import time

import pytest

from tests.factories import Factory
from tests.faults.conftest import (
    EXPORT_SECONDS,
    HEARTBEAT_SECONDS,
    RELAY_EVERY_SECONDS,
    SLACK_SECONDS,
    ask_export,
    assert_complete_file_or_nothing,
    finished,
    running_attempt,
    started_at_progress,
    task,
    wait_for,
)
from tests.faults.tcp_proxy import TcpProxy

# Production's first hand-back delay, used as is: issue 12's target is the next attempt within a minute.
PRODUCTION_RETRY_DELAY_SECONDS = 10
NEXT_ATTEMPT_TARGET_SECONDS = 60
HALF_DONE = 50  # 12 MiB written: the first 8 MiB part is in S3


@pytest.fixture
def s3_proxy(clean_stack):
    with TcpProxy(clean_stack.moto_port) as proxy:
        yield proxy


def test_s3_refusing_connections_mid_upload_hands_the_message_back_and_the_retry_succeeds(
    clean_stack, start_workers, s3_proxy
):
    (worker,) = start_workers(
        AWS_ENDPOINT_URL_S3=s3_proxy.url, EXPORT_RETRY_DELAY_SECONDS=str(PRODUCTION_RETRY_DELAY_SECONDS)
    )
    task_id = ask_export(Factory())
    wait_for(started_at_progress(task_id, HALF_DONE), 30, "the first part to be uploaded")

    s3_proxy.refuse()
    wait_for(lambda: task(task_id).state == "WAITING", 60, "the crash to be recorded")
    failed_at = time.monotonic()
    waiting = task(task_id)
    s3_proxy.resume()
    next_attempt = wait_for(lambda: task(task_id).attempts == 2, NEXT_ATTEMPT_TARGET_SECONDS, "the next attempt")
    wait_for(finished(task_id), EXPORT_SECONDS + SLACK_SECONDS, "the export to finish")

    row = task(task_id)
    assert (waiting.attempts, waiting.progress) == (1, None)  # the task shows the failed attempt meanwhile
    assert (row.state, row.attempts, row.error) == ("SUCCESS", 2, None)
    assert next_attempt <= PRODUCTION_RETRY_DELAY_SECONDS + SLACK_SECONDS
    assert "export crashed" in worker.log()
    assert_complete_file_or_nothing(clean_stack, task_id)  # the first attempt's abort failed: the relay's
    print(
        f"\nS3 refused: failure -> next attempt in {next_attempt:.1f} s (target {NEXT_ATTEMPT_TARGET_SECONDS} s),"
        f" SUCCESS {time.monotonic() - failed_at:.1f} s after the failure"
    )


def test_s3_hanging_mid_upload_the_frozen_attempt_is_taken_over(clean_stack, start_workers, s3_proxy):
    workers = start_workers(2, AWS_ENDPOINT_URL_S3=s3_proxy.url)
    task_id = ask_export(Factory())
    frozen = running_attempt(workers, task_id)
    wait_for(started_at_progress(task_id, HALF_DONE), 30, "the first part to be uploaded")

    s3_proxy.hang()
    hung_at = time.monotonic()
    wait_for(lambda: task(task_id).attempts == 2, HEARTBEAT_SECONDS + RELAY_EVERY_SECONDS + SLACK_SECONDS, "a takeover")
    s3_proxy.resume()
    wait_for(finished(task_id), EXPORT_SECONDS + SLACK_SECONDS, "the export to finish")
    recovery = time.monotonic() - hung_at

    row = task(task_id)
    assert (row.state, row.attempts, row.error) == ("SUCCESS", 2, None)
    # Attempt 1 stops at its next progress report (overtaken) or, when the client's read timeout
    # fires first and the retry meets the reset connection, as a crash: either way it publishes nothing.
    stopped = (f"task {task_id}, attempt 1: overtaken, stopped", f"task {task_id}, delivery 1: export crashed")
    wait_for(lambda: any(line in frozen.log() for line in stopped), SLACK_SECONDS, "attempt 1 to stop")
    assert_complete_file_or_nothing(clean_stack, task_id)
    print(f"\nS3 hung: hang -> SUCCESS in {recovery:.1f} s")


def test_s3_down_for_every_attempt_the_export_fails_with_a_reason_and_leaves_nothing(
    clean_stack, start_workers, s3_proxy
):
    start_workers(AWS_ENDPOINT_URL_S3=s3_proxy.url)
    task_id = ask_export(Factory())
    wait_for(started_at_progress(task_id, HALF_DONE), 30, "the first part to be uploaded")

    s3_proxy.refuse()
    wait_for(finished(task_id), 60, "the last attempt to fail")
    s3_proxy.resume()  # S3 is back: the relay can abort what the failed aborts left

    row = task(task_id)
    assert (row.state, row.attempts) == ("FAILURE", 3)
    assert row.error == "The export failed 3 times because of an internal error. Please try again later."
    assert_complete_file_or_nothing(clean_stack, task_id)
