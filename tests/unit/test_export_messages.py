"""What a queue message may hold, and how soon a crashed export's message comes back."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.exports.pipeline import tasks, worker
from chalicelib.settings import get_settings

TASK = uuid.UUID("0f9a3e48-5d8f-4a1e-9a58-2b0c3e7f1d2a")


def test_message_names_its_task():
    assert tasks.named_by(f'{{"task_id": "{TASK}"}}') == TASK


@pytest.mark.parametrize(
    "body",
    ["", "not json", "[" * 5000, "{" * 5000, "9" * 5000, "null", '"task_id"', '["task_id"]', '{"task_id": null}',
     '{"task_id": 42}', '{"task_id": ["a"]}', '{"task_id": "not-a-uuid"}', '{"task": "x"}', None, 42, b"\xff"],
    ids=["empty", "not-json", "nested-lists", "nested-objects", "huge-number", "null", "string", "list", "null-id",
         "number-id", "list-id", "bad-uuid", "other-key", "no-body", "not-text", "bytes"],
)  # fmt: skip
def test_any_other_body_names_no_task(body):
    assert tasks.named_by(body) is None


@pytest.fixture
def retry_delay_of(monkeypatch):
    def configure(seconds: str) -> None:
        monkeypatch.setenv("EXPORT_RETRY_DELAY_SECONDS", seconds)
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


def test_crashed_exports_come_back_after_seconds_then_minutes(retry_delay_of):
    retry_delay_of("10")

    assert [worker.retry_delay(receive_count) for receive_count in (1, 2, 3, 4)] == [10, 60, 300, 300]


def test_retry_delay_scales_down_for_tests(retry_delay_of):
    retry_delay_of("1")

    assert [worker.retry_delay(receive_count) for receive_count in (1, 2, 3)] == [1, 6, 36]
