"""Log records that say which request, task, event and format they belong to, and never a secret.

Lambda's JSON log format (``LoggingConfig: LogFormat: JSON`` in the template) writes each record as
one JSON object, with the record's extra attributes as members. ``context`` sets such attributes for
every record written inside a block, by any logger, ours or a library's: a record factory, installed
once, copies them from a ``ContextVar``, so no call site passes them. The same factory masks what
must never reach a log (tokens, signed query strings, Stripe keys), whatever logger wrote it.

``JsonFormatter`` writes the same lines locally (``make run``, ``make worker``), so the local stack's
log reads like the deployed one's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The members ``context`` may set; a fixed list, so that a record never gains a member by accident.
FIELDS = ("request_id", "task_id", "event_identifier", "export_format", "function")

_context: ContextVar[Mapping[str, str]] = ContextVar("log_context", default={})  # noqa: B039 (replaced, never mutated)

_SECRETS = [
    # A JWT (ours: the login's and the refresh's tokens) wherever it appears.
    re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+"),
    # Stripe's keys and tokens: secret, restricted and publishable keys, OAuth access and refresh tokens.
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_\w+|\b(?:sk|rt|ac)_\w{16,}"),
    # A query value or JSON member named like a credential (?code=, &X-Amz-Signature=, "password": ...).
    re.compile(
        r"(?i)((?:code|token|access_token|refresh_token|password|secret|signature|x-amz-signature|x-amz-credential"
        r"|x-amz-security-token|authorization)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',;]+"
    ),
]
MASK = "***"


def redact(text: str) -> str:
    """``text`` with every credential-looking value replaced by ``***``."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda match: (match.group(1) if match.re.groups else "") + MASK, text)
    return text


@contextmanager
def context(**fields: object) -> Iterator[None]:
    """Every record written inside the block carries ``fields`` (None values are left out)."""
    token = _context.set({**_context.get(), **_known(fields)})
    try:
        yield
    finally:
        _context.reset(token)


def bind(**fields: object) -> None:
    """Add ``fields`` to the current ``context`` block, for what is learnt inside it (a task's format)."""
    _context.set({**_context.get(), **_known(fields)})


def _known(fields: Mapping[str, object]) -> dict[str, str]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a log context field: {', '.join(sorted(unknown))}")
    return {name: str(value) for name, value in fields.items() if value is not None}


def _record_factory(base: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = base(*args, **kwargs)
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        for name, value in _context.get().items():
            setattr(record, name, value)
        return record

    make.oes_context = True  # type: ignore[attr-defined]
    return make


def install() -> None:
    """Install the record factory (once per process; idempotent)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "oes_context", False):
        logging.setLogRecordFactory(_record_factory(current))


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with the members Lambda's JSON format writes and the context's."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
        }
        line.update({name: getattr(record, name) for name in FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["errorType"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["stackTrace"] = redact(self.formatException(record.exc_info)).splitlines()
        return json.dumps(line, default=str)


install()
