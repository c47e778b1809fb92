"""Readiness of the service's dependencies: the database and the AWS endpoint.

Each probe is a real round trip (``SELECT 1`` on a pooled connection, ``HeadBucket``), and the two
run side by side under one deadline: a dependency that hangs is reported unavailable after
``DEADLINE_SECONDS``, whatever its client's own timeouts (the probe finishes in the background,
bounded by those).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from sqlalchemy import text

from chalicelib import aws
from chalicelib.db import get_engine, get_read_engine
from chalicelib.settings import get_settings

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 3.0


def _database() -> None:
    """Our database, and in Open Event mode OES's too: the service needs both."""
    for engine in dict.fromkeys((get_engine(), get_read_engine())):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))


def _aws() -> None:
    aws.s3().head_bucket(Bucket=get_settings().export_bucket)


PROBES: dict[str, Callable[[], None]] = {"database": _database, "aws": _aws}


def check() -> dict[str, str]:
    """``{"database": "ok" | "unavailable", "aws": ...}``; failures are logged, not exposed."""
    pool = ThreadPoolExecutor(max_workers=len(PROBES), thread_name_prefix="health")
    futures = {name: pool.submit(probe) for name, probe in PROBES.items()}
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    pool.shutdown(wait=False)
    report = {}
    for name, future in futures.items():
        if not future.done():
            log.warning("health: %s did not answer within %s s", name, DEADLINE_SECONDS)
        elif future.exception() is not None:
            log.warning("health: %s check failed: %r", name, future.exception())
        report[name] = "ok" if future.done() and future.exception() is None else "unavailable"
    return report
