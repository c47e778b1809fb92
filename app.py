"""The Chalice application: wiring only. Behaviour lives in ``chalicelib``."""

from typing import Any

from chalice import Chalice, Rate
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib.http import CORS, http_boundary
from chalicelib.routes import auth, exports, feeds, health, pages, stripe, tasks

app = Chalice(app_name="open-event-serverless")
app.api.cors = CORS

for blueprint in (auth.bp, health.bp, exports.bp, tasks.bp, pages.bp, stripe.bp, feeds.bp):
    app.register_blueprint(blueprint)
app.register_middleware(http_boundary, "http")


@app.lambda_function(name="migrate")
def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One-off schema migrations: ``{"action": "upgrade" | "downgrade" | "current", "revision": "head"}``
    (``"confirm": "drop-data"`` for a downgrade that drops data); a refusal returns ``{"error": ...}``."""
    from chalicelib.migrate import handle_invocation  # Alembic stays off the HTTP cold start.

    return handle_invocation(event)


# Batch size 1: an export can run for minutes, and with a larger batch one crash would send every
# message of the batch back to the queue, including the exports that had already succeeded.
@app.on_sqs_message(queue="open-event-exports", batch_size=1, name="export_worker")
def export_worker(event: SQSEvent) -> None:
    """Render the export each message names into S3 (``chalicelib.exports.pipeline.worker``)."""
    from chalicelib.exports.pipeline.worker import handle_records  # The renderers stay off the HTTP cold start.

    handle_records((record.to_dict() for record in event), getattr(event.context, "aws_request_id", None))


# Dead letters are quick to handle (one row each), so ten at a time; handling one twice is harmless.
# A dead letter that fails is reported alone (ReportBatchItemFailures, deploy/resources.json), so
# the others of its batch are not delivered again with it.
@app.on_sqs_message(queue="open-event-exports-dlq", batch_size=10, name="export_dead_letters")
def export_dead_letters(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    """Fail the task of each export that ran out of deliveries (``chalicelib.exports.pipeline.dead_letters``)."""
    from chalicelib.exports.pipeline.dead_letters import handle_records

    failed = handle_records((record.to_dict() for record in event), getattr(event.context, "aws_request_id", None))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


# Every minute: a task without a message (a request that died before sending it, a message lost)
# or without a live worker (no heartbeat) is sent again, a hopeless one failed, upload debris aborted.
# Once a minute keeps a killed export's recovery within minutes (docs/faults.md).
@app.schedule(Rate(1, unit=Rate.MINUTES), name="export_requeue")
def export_requeue(event: CloudWatchEvent) -> None:
    """Re-send lost and abandoned exports, abort stale uploads (``chalicelib.exports.pipeline.relay``)."""
    from chalicelib import logs
    from chalicelib.exports.pipeline.relay import run

    with logs.context(request_id=getattr(event.context, "aws_request_id", None), function="export_requeue"):
        run()


# Every minute: each published schedule whose fingerprint moved gets its feed files built again,
# and the feeds of schedules no longer public are withdrawn (docs/feeds.md: changes show within 2 minutes).
@app.schedule(Rate(1, unit=Rate.MINUTES), name="feeds_refresh")
def feeds_refresh(event: CloudWatchEvent) -> None:
    """Rebuild changed schedule feeds, withdraw hidden ones (``chalicelib.feeds.refresh``)."""
    from chalicelib import logs
    from chalicelib.feeds.refresh import run  # The renderers stay off the HTTP cold start.

    with logs.context(request_id=getattr(event.context, "aws_request_id", None), function="feeds_refresh"):
        run()
