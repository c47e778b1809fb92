"""Password guessing is not free: failed logins are counted per account and per client address in
PostgreSQL (every instance of the API function sees the same counts), and once either reaches its
limit within the window, logins for it answer 429 with ``Retry-After`` until the window ends, even
with the right password.

- Fixed windows: a key's first failure opens a window of ``LOGIN_WINDOW_SECONDS``; a success
  clears the account's count (not the address's: an attacker with an account of their own must
  not reset their address by logging in to it).
- Nothing reveals whether an account exists: the account key is the email as typed (normalized),
  counted and refused alike for accounts that exist and those that do not.
- No lock contention between unrelated accounts: each key is its own row, written with one
  ``INSERT ... ON CONFLICT`` after the password check; nothing locks the table.
- Bounded growth: keys are SHA-256 digests (64 characters, no email kept), and each failure deletes
  up to ``PURGE_BATCH`` rows whose window has ended (``SKIP LOCKED``: purges never wait on logins).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from chalicelib.errors import TooManyRequests
from chalicelib.models import LoginThrottle
from chalicelib.settings import get_settings

PURGE_BATCH = 100


@dataclass(frozen=True)
class Attempt:
    """Whose login this is: the account's and the client address's throttle keys."""

    account: str
    address: str

    @classmethod
    def of(cls, email: str, address: str) -> Attempt:
        return cls(account=_digest("account", email.strip().lower()), address=_digest("address", address))

    def limits(self) -> dict[str, int]:
        settings = get_settings()
        return {self.account: settings.login_account_max_failures, self.address: settings.login_address_max_failures}


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def check(session: Session, attempt: Attempt) -> None:
    """``TooManyRequests`` when the account or the address has used up its failures in the window."""
    limits = attempt.limits()
    rows = session.execute(
        select(LoginThrottle.key, LoginThrottle.failures, LoginThrottle.window_ends_at).where(
            LoginThrottle.key.in_(limits), LoginThrottle.window_ends_at > func.now()
        )
    ).all()
    ends = [row.window_ends_at for row in rows if row.failures >= limits[row.key]]
    if ends:
        wait = max(ends) - datetime.now(UTC)
        raise TooManyRequests(
            "Too many failed logins; try again later",
            retry_after_seconds=max(1, math.ceil(wait.total_seconds())),
        )


def record_failure(session: Session, attempt: Attempt) -> None:
    """Count a failed login for the account and the address (the caller commits)."""
    window = timedelta(seconds=get_settings().login_window_seconds)
    for key in sorted(attempt.limits()):  # one order for every writer: no deadlock between two logins
        statement = insert(LoginThrottle).values(key=key, failures=1, window_ends_at=func.now() + window)
        ended = LoginThrottle.window_ends_at <= func.now()
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[LoginThrottle.key],
                set_={  # a window that has ended starts again with this failure
                    "failures": case((ended, 1), else_=LoginThrottle.failures + 1),
                    "window_ends_at": case((ended, func.now() + window), else_=LoginThrottle.window_ends_at),
                },
            )
        )
    _purge(session)


def forget_account(session: Session, attempt: Attempt) -> None:
    """A successful login: the account's failures are forgiven."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == attempt.account))


def _purge(session: Session) -> None:
    ended = (
        select(LoginThrottle.key)
        .where(LoginThrottle.window_ends_at < func.now())
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(ended.scalar_subquery())))
