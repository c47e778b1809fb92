"""Live feeds benchmark: a fleet of apps revalidating, and the full download of a large schedule.

A 7,500-session event (``devtools.seed``) with a published schedule; the feeds' refresh builds its
files (timed). Then the local API (Chalice's local server, threaded, in this process) is asked by
``CLIENTS`` concurrent clients, each revalidating ``schedule.xml`` ``ROUNDS`` times with
``If-None-Match``: latency p50/p95, errors, and the database statements the server sent meanwhile
(zero is the goal: a 304 reads the manifest in S3 only). Last, one full download of schedule.xml,
following the redirect to the bucket when the file is larger than ``FEEDS_INLINE_MAX_BYTES``.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests

IDENTIFIER = "bench-feeds-7500"
CLIENTS = 200
ROUNDS = 10


def _published_event() -> int:
    from sqlalchemy import select, update

    from chalicelib.db import transaction
    from chalicelib.models import Event
    from devtools.seed import SeedSpec, seed

    with transaction() as session:
        if session.scalar(select(Event.id).where(Event.identifier == IDENTIFIER)) is None:
            seed(session, SeedSpec(identifier=IDENTIFIER, orders=0, sessions=7500, speakers=2500, rooms=25, days=5))
        published = {"state": "published", "schedule_published_on": datetime(2026, 5, 1, tzinfo=UTC)}
        session.execute(update(Event).where(Event.identifier == IDENTIFIER).values(**published))
        event_id = session.scalar(select(Event.id).where(Event.identifier == IDENTIFIER))
    assert isinstance(event_id, int)
    return event_id


def _timed_refresh() -> tuple[float, list[int]]:
    from chalicelib.feeds.refresh import run as refresh

    started = time.perf_counter()
    report = refresh(budget_seconds=3600)
    return time.perf_counter() - started, report.rebuilt


def _retitle_one_session(event_id: int) -> None:
    """A change as Open Event Server makes it: one title, straight in the database."""
    from sqlalchemy import text

    from chalicelib.db import transaction

    with transaction() as session:
        session.execute(
            text(
                "UPDATE sessions SET title = title || '.' WHERE id = (SELECT min(id) FROM sessions WHERE event_id = :e)"
            ),
            {"e": event_id},
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _revalidations(url: str, etag: str) -> tuple[list[float], int, int]:
    """``CLIENTS`` clients, ``ROUNDS`` conditional GETs each: latencies (ms), 304s, anything else."""

    def client(_: int) -> tuple[list[float], int, int]:
        times, not_modified, other = [], 0, 0
        with requests.Session() as http:
            for _round in range(ROUNDS):
                started = time.perf_counter()
                try:
                    status = http.get(url, headers={"If-None-Match": etag}, timeout=60).status_code
                except requests.RequestException:
                    status = 0
                times.append((time.perf_counter() - started) * 1000)
                not_modified, other = not_modified + (status == 304), other + (status != 304)
        return times, not_modified, other

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    return [t for times, _, _ in results for t in times], sum(r[1] for r in results), sum(r[2] for r in results)


def run(services: Any) -> dict[str, Any]:
    from sqlalchemy import event as sa_event

    from app import app
    from chalicelib.db import get_engine
    from devtools.localapi import local_server
    from devtools.stack import REPO

    event_id = _published_event()
    _timed_refresh()  # whatever the bench database's other published events need
    check_seconds, _ = _timed_refresh()  # nothing changed: fingerprints only
    _retitle_one_session(event_id)
    build_seconds, rebuilt = _timed_refresh()
    assert rebuilt == [event_id], rebuilt

    port = _free_port()
    server = local_server(app, REPO, "127.0.0.1", port)
    threading.Thread(target=server.serve_forever, name="bench-http", daemon=True).start()
    url = f"http://127.0.0.1:{port}/v1/events/{IDENTIFIER}/schedule.xml"
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    try:
        first = requests.get(url, allow_redirects=False, timeout=60)
        alone = []
        for _ in range(20):
            began = time.perf_counter()
            requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
            alone.append((time.perf_counter() - began) * 1000)
        sa_event.listen(get_engine(), "before_cursor_execute", record)
        began = time.perf_counter()
        latencies, not_modified, errors = _revalidations(url, first.headers["ETag"])
        wall = time.perf_counter() - began
        sa_event.remove(get_engine(), "before_cursor_execute", record)
        began = time.perf_counter()
        full = requests.get(url, timeout=120)
        download_seconds = time.perf_counter() - began
    finally:
        server.shutdown()
    return {
        "refresh with nothing changed, every published event of the bench database (s)": round(check_seconds, 2),
        "refresh after one title changed: 7,500 sessions, 5 files rebuilt (s)": round(build_seconds, 2),
        "one client alone, 304 p50 ms": round(statistics.median(alone), 1),
        "revalidations": len(latencies),
        "304s": not_modified,
        "errors or other answers": errors,
        "p50 ms": round(statistics.median(latencies), 1),
        "p95 ms": round(_percentile(latencies, 0.95), 1),
        "requests/s": round(len(latencies) / wall, 1),
        "database statements during the revalidations": len(statements),
        "schedule.xml first answer": first.status_code,
        "schedule.xml bytes": len(full.content),
        "schedule.xml full download (s)": round(download_seconds, 2),
        "schedule.xml download status": full.status_code,
    }
