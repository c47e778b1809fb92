"""Schedule exports benchmark: 10,000 sessions, 3,000 speakers, 30 rooms over 5 days.

Each format in its own child process (so that its peak RSS is its own, bare query included),
which alternates the bare query that fetches the schedule's sessions with their rooms, tracks and
types plus their speakers (the loader's two queries, rows into Python, nothing else) and the
format rendered by the registered renderer, the code the worker runs, into a stream that discards
the bytes. Times are the best of ``REPEATS`` runs each, after a warm-up connection. Targets:
Pentabarf, xCal and frab JSON within 2.5x of the bare query, iCal within 6x, peak RSS under 256 MB.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from devtools.benchkit import CountingSink, peak_rss_mb, run_child

IDENTIFIER = "bench-schedule-10000"
REPEATS = 7
FORMATS = {
    "pentabarf": ("pentabarf", {}),
    "xcal": ("xcal", {"form": "conference"}),
    "xcal_rfc6321": ("xcal", {"form": "rfc6321"}),
    "ical": ("ical", {}),
    "json_schedule": ("json-schedule", {}),
}
TARGETS = {"pentabarf": 2.5, "xcal": 2.5, "ical": 6.0, "json_schedule": 2.5}  # the RFC 6321 form has none


def _seeded_event() -> int:
    from sqlalchemy import select

    from chalicelib.db import transaction
    from chalicelib.models import Event
    from devtools.seed import SeedSpec, seed

    with transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.identifier == IDENTIFIER))
        if event_id is None:
            spec = SeedSpec(identifier=IDENTIFIER, orders=0, sessions=10000, speakers=3000, rooms=30, days=5)
            event_id = seed(session, spec)["id"]
    assert isinstance(event_id, int)
    return event_id


def _bare(session: Any, event: Any) -> int:
    """The sessions joined with room, track and type, and their speakers: two queries, all rows."""
    from chalicelib.schedule.queries import session_rows_query, speaker_rows_query

    sessions = session.execute(session_rows_query(event.id)).all()
    speakers = session.execute(speaker_rows_query(event.id)).all()
    return len(sessions) + len(speakers)


def _child(mode: str, event_id: int) -> None:
    """Alternate the bare query and the render, ``REPEATS`` times each, and keep the best of each:
    both are measured under the same load (other processes share these 2 cores)."""
    from sqlalchemy import text

    from chalicelib.db import transaction
    from chalicelib.exports.formats.registry import get_format
    from chalicelib.models import Event

    name, options = FORMATS[mode]
    renderer = get_format(name).renderer()
    bare, best, count, size = float("inf"), float("inf"), 0, 0
    for _ in range(REPEATS):
        with transaction() as session:
            session.execute(text("SELECT 1"))  # connect outside the clock
            event = session.get(Event, event_id)
            started = time.perf_counter()
            _bare(session, event)
            bare = min(bare, time.perf_counter() - started)
            sink = CountingSink()
            started = time.perf_counter()
            count = renderer.render(session, event, options, sink, lambda done: None)  # type: ignore[arg-type]
            best, size = min(best, time.perf_counter() - started), sink.size
    figures = {"bare_seconds": bare, "seconds": best, "items": count, "mb": round(size / 2**20, 1)}
    print(json.dumps(figures | {"peak_rss_mb": round(peak_rss_mb(), 1)}))


def run(services: Any) -> dict[str, Any]:
    event_id = _seeded_event()
    figures: dict[str, Any] = {}
    for mode in FORMATS:
        result = run_child("devtools.bench_schedule", mode, str(event_id))
        figures[mode] = {
            "sessions": result["items"],
            "seconds": round(result["seconds"], 3),
            "bare_query_seconds": round(result["bare_seconds"], 3),
            "ratio_to_bare_query": round(result["seconds"] / result["bare_seconds"], 2),
            "file_mb": result["mb"],
            "peak_rss_mb": result["peak_rss_mb"],
        }
    figures["targets"] = {
        f"{mode}_within_{limit}x": figures[mode]["ratio_to_bare_query"] <= limit for mode, limit in TARGETS.items()
    } | {"peak_rss_under_256_mb": all(figures[mode]["peak_rss_mb"] < 256 for mode in FORMATS)}
    return figures


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
