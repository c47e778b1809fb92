"""The database engines, their limits, and the unit-of-work boundaries.

Two handles, created on first use, one per process each. ``transaction()`` is our own, writable
state (``DATABASE_URL``: export tasks, Stripe secrets, schedule import extras, in schema
``serverless``). ``read_transaction()`` reads Open Event's data (users, events, orders, ...): from
``OPEN_EVENT_DATABASE_URL`` when set (Open Event mode), else from the same database as
``DATABASE_URL`` (standalone). Its transactions are ``READ ONLY`` and take no lock beyond a plain
SELECT's, so a SELECT-only role and a hot standby serve it. Services receive a ``Session`` and
never commit: the caller opens the transaction at the edge of the invocation.

Every wait on the database is bounded (``DATABASE_CONNECT_TIMEOUT_SECONDS``, and
``DATABASE_STATEMENT_TIMEOUT_SECONDS``, which the server enforces and the socket backs up when the
server stops answering at all), and a connection on which the driver failed in any other way than
with an error the server sent is thrown away rather than pooled: pg8000 can stop in the middle of a
message (a lone surrogate it cannot encode), and the next query on that connection would read
another query's answer. ``unavailable`` is the one place that tells which errors mean "the
database is down or overloaded" (503) rather than a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from pg8000.exceptions import DatabaseError as ServerError
from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from chalicelib.settings import Settings, get_settings

# How long the socket waits beyond the statement timeout before it takes the server for gone.
_SOCKET_GRACE_SECONDS = 2.0
# SQLSTATEs that say "not now" rather than "wrong": a cancelled statement (the timeout), the
# server shutting down or starting, too many connections, out of resources.
_UNAVAILABLE_STATES = {"57014", "57P01", "57P02", "57P03", "53000", "53100", "53200", "53300", "53400"}


def make_engine(url: str, settings: Settings) -> Engine:
    """An engine sized for Lambda: one warm connection per container, a little overflow locally."""
    statement_ms = int(settings.database_statement_timeout_seconds * 1000)
    engine = create_engine(
        url,
        pool_size=1,
        max_overflow=4,
        pool_pre_ping=True,  # Lambda containers sleep; RDS may have closed the socket meanwhile.
        pool_recycle=300,
        pool_timeout=settings.database_connect_timeout_seconds,
        connect_args={
            # pg8000's one socket timeout covers the TCP connect and the startup exchange here...
            "timeout": settings.database_connect_timeout_seconds,
            # ...and the server cancels any statement that runs longer than this.
            "startup_params": {"statement_timeout": str(statement_ms)},
        },
    )
    read_timeout = settings.database_statement_timeout_seconds + _SOCKET_GRACE_SECONDS

    @event.listens_for(engine, "connect")
    def _bound_reads(dbapi_connection: Any, record: Any) -> None:
        # ...then every read waits a little longer than the server may run a statement. pg8000 has
        # no public setter for this, so its socket (a pinned version's attribute) is set directly.
        dbapi_connection._usock.settimeout(read_timeout)

    event.listen(engine, "handle_error", _discard_unless_server_error)
    return engine


def _discard_unless_server_error(context: ExceptionContext) -> None:
    """A server's error leaves the connection in step (the server says where it is); anything
    else (an encoding error mid-message, a timeout, a broken socket) may not: never pool it again."""
    if isinstance(context.original_exception, ServerError) and _sqlstate(context.original_exception):
        return
    context.is_disconnect = True
    context.invalidate_pool_on_disconnect = False  # only this connection; the others are fine


def _sqlstate(error: BaseException | None) -> str:
    details = error.args[0] if error is not None and error.args else None
    return str(details.get("C", "")) if isinstance(details, dict) else ""


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot serve now (down, frozen, overloaded, timed out)."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, ConnectionError | TimeoutError):  # pg8000 lets some socket errors through unwrapped
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, exc.OperationalError | exc.InterfaceError):
        return True
    state = _sqlstate(error.orig)
    return state in _UNAVAILABLE_STATES or state.startswith("08")


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.database_url, settings)


@lru_cache(maxsize=1)
def get_read_engine() -> Engine:
    """The engine of Open Event's data: its own database in Open Event mode, else ``get_engine()``."""
    settings = get_settings()
    if not settings.open_event_mode:
        return get_engine()
    return make_engine(settings.open_event_database_url, settings)


@lru_cache(maxsize=1)
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@lru_cache(maxsize=1)
def get_read_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_read_engine(), expire_on_commit=False, autoflush=False)


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction on our own state: committed when the block ends normally, rolled back otherwise."""
    with get_sessionmaker().begin() as session:
        yield session


@contextmanager
def read_transaction(*, snapshot: bool = False) -> Iterator[Session]:
    """One READ ONLY transaction on Open Event's data; ``snapshot``: one REPEATABLE READ snapshot for
    every statement (a file read in pages). Both are allowed on a hot standby."""
    with get_read_sessionmaker().begin() as session:
        if snapshot:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.execute(text("SET TRANSACTION READ ONLY"))
        yield session


def reset() -> None:
    """Forget the engines, so that the next use reads the settings again (tests, local stack)."""
    if get_read_engine.cache_info().currsize and get_read_engine() is not get_engine():
        get_read_engine().dispose()
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    for cached in (get_engine, get_read_engine, get_sessionmaker, get_read_sessionmaker):
        cached.cache_clear()
