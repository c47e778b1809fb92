"""A test format whose export takes a known time and spans several S3 parts: ``/export/paced``.

Faults need an export that is still running when they strike, with parts already uploaded: this
renderer writes ``STEPS`` chunks of 1 MiB (three multipart parts in all), reports progress after
each one and takes ``FAULTS_EXPORT_SECONDS`` (default 4) in all. Its bytes are known in advance,
so a test can tell a complete file from a partial one. With ``FAULTS_QUERY_SECONDS`` it first runs
one statement that long (``pg_sleep``), as a large export's query does. It is registered in the test process (for the
request) and in each worker process (``tests.faults.worker_process``), as a format of the registry.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

from sqlalchemy import text

from chalicelib.exports.formats.registry import FORMATS, ExportFormat

STEPS = 24
CHUNK = 1024 * 1024
NAME = "paced"


def chunk(step: int) -> bytes:
    return f"{step:07d}\n".encode() * (CHUNK // 8)


def expected_sha256() -> str:
    digest = hashlib.sha256()
    for step in range(STEPS):
        digest.update(chunk(step))
    return digest.hexdigest()


class PacedRenderer:
    def estimate_total(self, session: Any, event: Any, options: Any) -> int:
        return STEPS

    def render(self, session: Any, event: Any, options: Any, out: Any, progress: Any) -> int:
        pause = float(os.environ.get("FAULTS_EXPORT_SECONDS", "4")) / STEPS
        if os.environ.get("FAULTS_QUERY_SECONDS"):
            session.execute(text("SELECT pg_sleep(:seconds)"), {"seconds": float(os.environ["FAULTS_QUERY_SECONDS"])})
        for step in range(STEPS):
            out.write(chunk(step))
            progress(step + 1)
            time.sleep(pause)
        return STEPS


renderer = PacedRenderer()


def register() -> None:
    FORMATS[NAME] = ExportFormat(NAME, "txt", "text/plain; charset=utf-8", "paced", f"{__name__}:renderer")
