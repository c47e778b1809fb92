"""Readiness of the service's dependencies: the database and the AWS endpoint."""

from __future__ import annotations

import logging

from sqlalchemy import text

from chalicelib import aws
from chalicelib.db import get_engine
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)


def check() -> dict[str, str]:
    """``{"database": "ok" | "unavailable", "aws": ...}``; failures are logged, not exposed."""
    report = {}
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception:
        log.exception("health: database check failed")
        report["database"] = "unavailable"
    try:
        aws.s3().head_bucket(Bucket=get_settings().export_bucket)
        report["aws"] = "ok"
    except Exception:
        log.exception("health: AWS check failed")
        report["aws"] = "unavailable"
    return report
