"""``make run``: the whole local stack in the foreground, stopped cleanly with Ctrl-C or SIGTERM.

- PostgreSQL: ``DATABASE_URL`` when set, else an embedded server with its data in ``.local/pgdata``
  (kept across restarts; ``OES_LOCAL_DIR`` moves ``.local``).
- AWS: ``AWS_ENDPOINT_URL`` when set (LocalStack), else moto in server mode on 127.0.0.1.
  The bucket, the queues and the KMS key are created when missing.
- Migrations, applied by invoking the app's ``migrate`` Lambda function.
- The demo event (``devtools/demo.json``), loaded unless it is already there; not with
  ``OPEN_EVENT_DATABASE_URL`` set (Open Event mode): then the API serves that database, read only,
  and nothing is written into it (try it on a copy of production before routing traffic).
- The API on http://127.0.0.1:8000 (``PORT``), with the API function's settings, and the queue workers
  (the export queue, its dead letters) and the relay, every minute, each in a process of its own with
  its own function's settings (``devtools.worker``; ``make worker`` runs more workers beside it).

Ctrl-C or SIGTERM (a process manager, ``kill``) stops the workers, the API, moto and the embedded
PostgreSQL this process started, within seconds; a server it found running is left running.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import threading
from argparse import Namespace
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from chalicelib.settings import DEVELOPMENT_JWT_SECRET

REPO = Path(__file__).resolve().parent.parent
# The local stack's state (the embedded PostgreSQL's data); another folder with OES_LOCAL_DIR.
LOCAL = Path(os.environ.get("OES_LOCAL_DIR") or REPO / ".local")
DEMO_FIXTURE = Path(__file__).resolve().parent / "demo.json"
DEMO_IDENTIFIER = "fossasia-demo"
LOCAL_DATABASE = "open_event"


@dataclass(frozen=True)
class Services:
    database_url: str
    aws_endpoint: str
    bucket: str
    queue_url: str
    dead_letter_queue_url: str


def _local_database_url(server: str, database_name: str) -> str:
    from sqlalchemy import make_url

    from devtools.postgres import ensure_database

    url = make_url(server).set(database=database_name).render_as_string(hide_password=False)
    ensure_database(url)
    return url


def use_local_database() -> bool:
    """Point this process at ``make run``'s database unless ``DATABASE_URL`` names another one.

    The embedded server is started when it is not running already, so the CLI works beside
    ``make run`` and without it. Returns whether the local database was chosen."""
    from devtools.postgres import embedded_server_url

    os.environ.setdefault("JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    if os.environ.get("DATABASE_URL"):
        return False
    os.environ["DATABASE_URL"] = _local_database_url(embedded_server_url(LOCAL / "pgdata"), LOCAL_DATABASE)
    return True


def local_moto_port() -> int:
    """The port of ``make run``'s moto: ``MOTO_PORT``, else ``PORT`` + 1."""
    return int(os.environ.get("MOTO_PORT") or int(os.environ.get("PORT") or "8000") + 1)


@contextmanager
def start_backing_services(database_name: str = LOCAL_DATABASE, moto_port: int = 0) -> Iterator[Services]:
    """PostgreSQL and AWS up, resources provisioned, schema migrated, environment set.

    What this started (the embedded PostgreSQL, moto) is stopped when the block ends, however it ends."""
    from chalicelib import aws, db
    from chalicelib.settings import get_settings
    from devtools.cli import cmd_migrate
    from devtools.localaws import provision, start_moto, use_endpoint
    from devtools.postgres import embedded_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log drowns everything

    os.environ.setdefault("JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    with ExitStack() as started:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            server = started.enter_context(embedded_server(LOCAL / "pgdata"))
            database_url = _local_database_url(server, database_name)
        os.environ["DATABASE_URL"] = database_url
        started.callback(db.reset)  # close our connections before the server stops
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        fresh_bucket = not endpoint
        if fresh_bucket:
            moto, endpoint = start_moto(moto_port)
            started.callback(moto.stop)
        use_endpoint(endpoint)
        resources = provision()
        os.environ.update(resources.environment())
        get_settings.cache_clear()
        db.reset()
        aws.reset()
        cmd_migrate(Namespace(action="upgrade", revision="head"))
        if fresh_bucket:
            forget_built_feeds()
        yield Services(database_url, endpoint, resources.bucket, resources.queue_url, resources.dead_letter_queue_url)


def forget_built_feeds() -> None:
    """moto keeps its bucket in memory, so a restarted stack has none of the feeds' files while our
    record (``schedule_feeds``) says they are built and unchanged: every feed was a 404 after a
    restart until its schedule changed. Forgotten, each public schedule is built by the next refresh."""
    from sqlalchemy import delete

    from chalicelib.db import transaction
    from chalicelib.models import ScheduleFeed

    with transaction() as own:
        own.execute(delete(ScheduleFeed))


def load_demo() -> dict[str, object]:
    """Load the demo fixture unless its event exists; returns the fixture's users for the banner."""
    from chalicelib.access import event_exists
    from chalicelib.db import transaction
    from devtools.fixtures import load

    fixture = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
    with transaction() as session:
        if not event_exists(session, DEMO_IDENTIFIER):
            load(session, fixture)
    from chalicelib.feeds.refresh import run as refresh_feeds

    refresh_feeds()  # the demo's schedule is published: its feeds are there from the first request
    return fixture


def _banner(base_url: str, fixture: dict[str, object]) -> str:
    from devtools.cli import cmd_token

    users = fixture["users"]
    assert isinstance(users, list)
    organizer = next(u for u in users if not u.get("is_admin"))
    token = cmd_token(Namespace(email=organizer["email"]))
    lines = [
        "",
        f"open-event-serverless is running on {base_url}",
        "",
        "Demo users (email / password):",
        *[f"  {u['email']} / {u['password']}{'  (admin)' if u.get('is_admin') else ''}" for u in users[:2]],
        f"  ...and {len(users) - 2} ticket buyers, attendee1@example.com to attendee{len(users) - 2}@example.com"
        " / attendee-password",
        "",
        f"A token for {organizer['email']}:",
        f"  export TOKEN={token}",
        "",
        "Try:",
        f"  curl -s {base_url}/v1/health",
        f'  curl -s -H "Authorization: JWT $TOKEN" {base_url}/v1/events/{DEMO_IDENTIFIER}/export/orders/csv',
        f'  curl -s -H "Authorization: JWT $TOKEN" {base_url}/v1/export-tasks/<uuid from task_url>',
        f"  curl -si {base_url}/v1/events/{DEMO_IDENTIFIER}/schedule.xml   (live feeds: docs/feeds.md)",
        "",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def _open_event_banner(base_url: str) -> str:
    return "\n".join(
        [
            "",
            f"open-event-serverless is running on {base_url} in Open Event mode:",
            "  Open Event Server's data is read (read only) from OPEN_EVENT_DATABASE_URL; this service's own",
            "  state is in the local database. Log in at Open Event Server: its tokens work here when JWT_SECRET",
            "  is OES's secret (python -m devtools.cli token <email> makes one).",
            "",
            "Ctrl-C stops everything.",
        ]
    )


def reset_settings() -> None:
    """Settings and the engine read the environment again."""
    from chalicelib import db
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    db.reset()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM unwinds exactly like Ctrl-C, during start-up too


def _serve(app: object) -> None:
    from chalicelib.settings import get_settings
    from devtools import functions
    from devtools.localapi import local_server
    from devtools.worker import configure_logging, start_functions, stop_functions

    configure_logging()
    port = int(os.environ.get("PORT", "8000"))
    host = "127.0.0.1"
    with start_backing_services(moto_port=local_moto_port()):
        open_event = get_settings().open_event_mode
        banner = _open_event_banner if open_event else functools.partial(_banner, fixture=load_demo())
        # The workers, in processes of their own with their functions' settings; then this process
        # takes the API function's (its 10 s statement timeout), as on Lambda.
        workers = start_functions()
        os.environ.update(functions.environment("api_handler"))
        reset_settings()
        server = local_server(app, REPO, host, port)
        stop = threading.Event()
        http = threading.Thread(target=server.serve_forever, name="http", daemon=True)
        http.start()
        try:
            print(banner(f"http://{host}:{port}"), flush=True)
            stop.wait()
        finally:
            print("\nstopping...", flush=True)
            stop.set()
            server.shutdown()
            stop_functions(workers)


def main() -> int:
    """Run until Ctrl-C or SIGTERM; either way the workers, moto and PostgreSQL stop with it."""
    signal.signal(signal.SIGTERM, _interrupt)
    from app import app

    with suppress(KeyboardInterrupt):
        _serve(app)
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
