"""Command line: ``python -m devtools.cli {migrate,load,seed,token,import-schedule}``.

Commands print JSON (or, for ``token``, the bare token) on stdout so that scripts can chain them;
a refusal (``migrate`` downgrading past data without ``--confirm drop-data``, an unknown revision,
``seed`` of an identifier that exists) prints one JSON line ``{"error": ..., "detail": ...}`` and
exits with status 1. ``load``, ``seed`` and ``import-schedule`` write Open Event's tables and are
refused so in Open Event mode (``OPEN_EVENT_DATABASE_URL`` set); ``token`` reads OES's users there.
Without ``DATABASE_URL`` they use ``make run``'s embedded database (migrated first), and ``make
run``'s development JWT secret: nothing to set by hand beside the local stack. They run with database
limits fit for an operator's bulk work (``COMMAND_LIMITS``: ``seed --orders 1000000`` writes for
minutes), not the HTTP function's 10 s statement timeout; variables that are set win.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from chalicelib.db import read_transaction, transaction

Command = Callable[[argparse.Namespace], Any]
# The database limits of a command: an hour per statement (the settings' maximum), a patient connect.
COMMAND_LIMITS = {"DATABASE_STATEMENT_TIMEOUT_SECONDS": "3600", "DATABASE_CONNECT_TIMEOUT_SECONDS": "10"}


@contextmanager
def command_limits() -> Iterator[None]:
    """``COMMAND_LIMITS`` (those not set already) for the block; settings and engine read them anew."""
    from chalicelib import db
    from chalicelib.settings import get_settings

    added = {name: value for name, value in COMMAND_LIMITS.items() if not os.environ.get(name)}
    os.environ.update(added)
    get_settings.cache_clear()
    db.reset()
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)
        get_settings.cache_clear()
        db.reset()


class _LambdaContext:
    """Enough of a Lambda context for invoking our functions in process."""

    function_name = "migrate"
    aws_request_id = "local"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 15 * 60 * 1000


def cmd_migrate(args: argparse.Namespace) -> Any:
    """Invoke the ``migrate`` Lambda function of the app, in this process."""
    from app import migrate

    payload = {"action": args.action, "revision": args.revision}
    if getattr(args, "confirm", None):
        payload["confirm"] = args.confirm
    return migrate(payload, _LambdaContext())


def cmd_load(args: argparse.Namespace) -> Any:
    from devtools.fixtures import load

    fixture = json.loads(Path(args.file).read_text(encoding="utf-8"))
    with transaction() as session:
        return load(session, fixture)


def cmd_seed(args: argparse.Namespace) -> Any:
    from chalicelib.access import event_exists
    from devtools.seed import SeedSpec, seed

    spec = SeedSpec(
        identifier=args.identifier,
        orders=args.orders,
        sessions=args.sessions,
        speakers=args.speakers,
        rooms=args.rooms,
        days=args.days,
        buyers=args.buyers,
        holders=args.holders,
        timezone=args.timezone,
    )
    with transaction() as session:
        if event_exists(session, spec.identifier):
            # A refusal, not the database's unique-violation traceback: the README and docs/cli.md
            # both seed "big", so running one after the other meets it.
            return {
                "error": f"an event with identifier {spec.identifier!r} exists",
                "detail": "seed a new event under another --identifier",
            }
        return seed(session, spec)


def cmd_token(args: argparse.Namespace) -> Any:
    from chalicelib.auth import issue_token
    from chalicelib.models import User

    with read_transaction() as session:
        user = session.scalars(select(User).where(User.email == args.email.strip())).first()
        if user is None:
            raise SystemExit(f"no user with email {args.email!r}")
        return issue_token(user)


def cmd_import_schedule(args: argparse.Namespace) -> Any:
    from chalicelib.schedule.importer import import_schedule_file
    from chalicelib.schedule.parse import MAX_BYTES, ScheduleImportError

    try:
        with open(args.file, "rb") as file, transaction() as session:
            data = file.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
            return import_schedule_file(session, data, args.identifier, args.timezone)
    except (ScheduleImportError, OSError) as error:
        raise SystemExit(f"import-schedule: {error}") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m devtools.cli", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="apply migrations through the migrate function")
    # No argparse choices: the function itself refuses an unknown action, as one JSON line.
    migrate.add_argument("action", nargs="?", default="upgrade", help="upgrade, downgrade or current")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--confirm", help='"drop-data" to allow a downgrade that drops tables or columns')
    migrate.set_defaults(run=cmd_migrate)

    load = commands.add_parser("load", help="load a JSON fixture (docs/fixtures.md)")
    load.add_argument("file")
    load.set_defaults(run=cmd_load)

    seed = commands.add_parser("seed", help="generate a synthetic event in SQL")
    seed.add_argument("--identifier", default="seed")
    seed.add_argument("--orders", type=int, default=1000)
    seed.add_argument("--holders", type=int, default=0, help="ticket holders, spread over the orders")
    seed.add_argument("--sessions", type=int, default=100)
    seed.add_argument("--speakers", type=int, default=50)
    seed.add_argument("--rooms", type=int, default=5)
    seed.add_argument("--days", type=int, default=3)
    seed.add_argument("--buyers", type=int, default=1000)
    seed.add_argument("--timezone", default="Europe/Berlin")
    seed.set_defaults(run=cmd_seed)

    token = commands.add_parser("token", help="print an access token for a user")
    token.add_argument("email")
    token.set_defaults(run=cmd_token)

    imports = commands.add_parser("import-schedule", help="import a Pentabarf/frab/pretalx schedule.xml as a new event")
    imports.add_argument("file")
    imports.add_argument("--identifier", help="the new event's identifier (default: from the acronym)")
    imports.add_argument("--timezone", help="IANA zone when the file names none (default: its offset)")
    imports.set_defaults(run=cmd_import_schedule)
    return root


# Commands that write Open Event's tables: never in Open Event mode (OES's database is read only here).
_WRITES_OPEN_EVENT_DATA = (cmd_load, cmd_seed, cmd_import_schedule)


def main(argv: Sequence[str] | None = None) -> int:
    from chalicelib.settings import get_settings
    from devtools.stack import use_local_database

    args = parser().parse_args(argv)
    local = use_local_database()  # before the settings are read: it may set DATABASE_URL
    if args.run in _WRITES_OPEN_EVENT_DATA and get_settings().open_event_mode:
        refusal = {"error": "open-event-mode", "detail": f"{args.command} writes Open Event's tables: standalone only"}
        print(json.dumps(refusal))
        return 1
    with command_limits():
        if local and args.run is not cmd_migrate:
            cmd_migrate(argparse.Namespace(action="upgrade", revision="head"))  # idempotent: a no-op when current
        result = args.run(args)
    if isinstance(result, dict) and "error" in result:  # a refusal: one JSON line, a non-zero status
        print(json.dumps(result, default=str))
        return 1
    print(result if isinstance(result, str) else json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
