"""Two ``make worker`` processes on one queue, with every message delivered three times: each
export runs once, ends SUCCESS with one complete file, and both queues end empty."""

from __future__ import annotations

import json

import boto3

from tests.factories import Factory
from tests.faults.conftest import (
    EXPORT_SECONDS,
    SLACK_SECONDS,
    ask_export,
    assert_complete_file_or_nothing,
    finished,
    queue_depth,
    task,
    wait_for,
)

EXPORTS = 4
COPIES = 2  # more deliveries of each message, as SQS's at-least-once delivery may make


def test_two_workers_share_one_queue_and_duplicate_deliveries_change_nothing(clean_stack, start_workers):
    workers = start_workers(2, FAULTS_EXPORT_SECONDS="1")
    factory = Factory()
    task_ids = [ask_export(factory) for _ in range(EXPORTS)]
    sqs = boto3.client("sqs")
    for task_id in task_ids * COPIES:
        sqs.send_message(QueueUrl=clean_stack.queue_url, MessageBody=json.dumps({"task_id": str(task_id)}))

    for task_id in task_ids:
        wait_for(finished(task_id), EXPORTS * EXPORT_SECONDS + SLACK_SECONDS, "every export to finish")
    wait_for(lambda: queue_depth(clean_stack.queue_url) == 0, SLACK_SECONDS, "the export queue to be empty")

    assert [(task(t).state, task(t).attempts) for t in task_ids] == [("SUCCESS", 1)] * EXPORTS
    for task_id in task_ids:
        assert_complete_file_or_nothing(clean_stack, task_id)
    logs = [worker.log() for worker in workers]
    assert all(": SUCCESS," in log for log in logs), "each worker ran some of the exports"
    assert sum(log.count(": SUCCESS,") for log in logs) == EXPORTS
    assert queue_depth(clean_stack.dead_letter_queue_url) == 0
