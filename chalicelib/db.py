"""The database engine and the unit-of-work boundary.

One engine per process, created on first use. Services receive a ``Session`` and never commit:
the caller opens ``with transaction() as session:`` at the edge of the invocation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from chalicelib.settings import get_settings


def make_engine(url: str) -> Engine:
    """An engine sized for Lambda: one warm connection per container, a little overflow locally."""
    return create_engine(
        url,
        pool_size=1,
        max_overflow=4,
        pool_pre_ping=True,  # Lambda containers sleep; RDS may have closed the socket meanwhile.
        pool_recycle=300,
    )


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache(maxsize=1)
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def transaction() -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back otherwise."""
    with get_sessionmaker().begin() as session:
        yield session


def reset() -> None:
    """Forget the engine, so that the next use reads the settings again (tests, local stack)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()
