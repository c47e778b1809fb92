"""``make run``: the whole local stack in the foreground, stopped cleanly with Ctrl-C.

- PostgreSQL: ``DATABASE_URL`` when set, else an embedded server with its data in ``.local/pgdata``
  (kept across restarts; ``OES_LOCAL_DIR`` moves ``.local``).
- AWS: ``AWS_ENDPOINT_URL`` when set (LocalStack), else moto in server mode on 127.0.0.1.
  The bucket, the queues and the KMS key are created when missing.
- Migrations, applied by invoking the app's ``migrate`` Lambda function.
- The demo event (``devtools/demo.json``), loaded unless it is already there.
- The API on http://127.0.0.1:8000 (``PORT``) and the queue workers (the export queue, its dead letters),
  and the relay that re-sends lost export requests every five minutes.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The local stack's state (the embedded PostgreSQL's data); another folder with OES_LOCAL_DIR.
LOCAL = Path(os.environ.get("OES_LOCAL_DIR") or REPO / ".local")
DEMO_FIXTURE = Path(__file__).resolve().parent / "demo.json"
DEMO_IDENTIFIER = "fossasia-demo"
DEV_JWT_SECRET = "local-development-secret-do-not-deploy"
LOCAL_DATABASE = "open_event"


@dataclass(frozen=True)
class Services:
    database_url: str
    aws_endpoint: str
    bucket: str
    queue_url: str
    dead_letter_queue_url: str


def _database_url(database_name: str) -> str:
    from sqlalchemy import make_url

    from devtools.postgres import embedded_server_url, ensure_database

    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    server = embedded_server_url(LOCAL / "pgdata")
    url = make_url(server).set(database=database_name).render_as_string(hide_password=False)
    ensure_database(url)
    return url


def use_local_database() -> bool:
    """Point this process at ``make run``'s database unless ``DATABASE_URL`` names another one.

    The embedded server is started when it is not running already, so the CLI works beside
    ``make run`` and without it. Returns whether the local database was chosen."""
    os.environ.setdefault("JWT_SECRET", DEV_JWT_SECRET)
    if os.environ.get("DATABASE_URL"):
        return False
    os.environ["DATABASE_URL"] = _database_url(LOCAL_DATABASE)
    return True


@contextmanager
def start_backing_services(database_name: str = LOCAL_DATABASE, moto_port: int = 0) -> Iterator[Services]:
    """PostgreSQL and AWS up, resources provisioned, schema migrated, environment set."""
    from chalicelib import aws, db
    from chalicelib.settings import get_settings
    from devtools.cli import cmd_migrate
    from devtools.localaws import provision, start_moto, use_endpoint

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log drowns everything

    os.environ.setdefault("JWT_SECRET", DEV_JWT_SECRET)
    database_url = _database_url(database_name)
    os.environ["DATABASE_URL"] = database_url
    moto = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint:
        moto, endpoint = start_moto(moto_port)
    use_endpoint(endpoint)
    resources = provision()
    os.environ.update(resources.environment())
    get_settings.cache_clear()
    db.reset()
    aws.reset()
    cmd_migrate(Namespace(action="upgrade", revision="head"))
    try:
        yield Services(database_url, endpoint, resources.bucket, resources.queue_url, resources.dead_letter_queue_url)
    finally:
        db.reset()
        if moto is not None:
            moto.stop()


def load_demo() -> dict[str, object]:
    """Load the demo fixture unless its event exists; returns the fixture's users for the banner."""
    from chalicelib.access import event_exists
    from chalicelib.db import transaction
    from devtools.fixtures import load

    fixture = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
    with transaction() as session:
        if not event_exists(session, DEMO_IDENTIFIER):
            load(session, fixture)
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
        f'  curl -s -H "Authorization: JWT $TOKEN" {base_url}/v1/tasks/<uuid from task_url>',
        "",
        "Ctrl-C stops everything.",
    ]
    return "\n".join(lines)


def _start_workers(services: Services, stop: threading.Event) -> list[threading.Thread]:
    """One poller per queue, as Lambda runs one event source per queue (the exports, their dead letters),
    and the relay on its schedule."""
    from devtools.worker import every, serve

    queues = {"queue-worker": services.queue_url, "dead-letter-worker": services.dead_letter_queue_url}
    threads = [threading.Thread(target=serve, args=(url, stop), name=name, daemon=True) for name, url in queues.items()]
    threads.append(threading.Thread(target=every, args=("export_requeue", stop), name="requeue", daemon=True))
    for thread in threads:
        thread.start()
    return threads


def main() -> int:
    from app import app
    from devtools.localapi import local_server

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for ours in ("chalicelib", "devtools"):  # our own INFO lines (exports starting, finishing); others' warnings
        logging.getLogger(ours).setLevel(logging.INFO)
    port = int(os.environ.get("PORT", "8000"))
    host = "127.0.0.1"
    with start_backing_services(moto_port=int(os.environ.get("MOTO_PORT", str(port + 1)))) as services:
        fixture = load_demo()
        server = local_server(app, REPO, host, port)
        stop = threading.Event()
        workers = _start_workers(services, stop)
        http = threading.Thread(target=server.serve_forever, name="http", daemon=True)
        http.start()
        print(_banner(f"http://{host}:{port}", fixture), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with suppress(KeyboardInterrupt):
            stop.wait()
        print("\nstopping...", flush=True)
        stop.set()
        server.shutdown()
        for worker in workers:
            worker.join(timeout=25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
