"""Schema migrations, run programmatically (the ``migrate`` Lambda function and the CLI).

Two invocations never interleave: each holds a PostgreSQL advisory lock for its whole run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, text

from chalicelib.errors import ValidationError

# In the deployment package the scripts sit beside ``chalicelib`` (copied from vendor/migrations).
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_LOCK_KEY = 0x0E_5E_A1_1E  # any constant shared by every migrator of this database

Action = Literal["upgrade", "downgrade", "current"]
ACTIONS: tuple[Action, ...] = ("upgrade", "downgrade", "current")


@dataclass(frozen=True)
class MigrationResult:
    action: str
    before: str | None
    after: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"action": self.action, "before": self.before, "after": self.after}


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def run(engine: Engine, action: str, revision: str = "head") -> MigrationResult:
    """Apply ``action`` up or down to ``revision`` and report the revision before and after."""
    if action not in ACTIONS:
        raise ValidationError(f"action must be one of {', '.join(ACTIONS)}", pointer="/action")
    if action == "downgrade" and revision == "head":
        raise ValidationError("downgrade needs a target revision, such as -1 or base", pointer="/revision")
    with engine.connect() as connection:
        # A session-level lock, taken outside the migration transaction so that it is held until
        # the very end: a second migrator waits here, then sees the finished schema.
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
        connection.commit()
        try:
            before = current_revision(connection)
            connection.commit()
            if action == "upgrade":
                command.upgrade(alembic_config(connection), revision)
            elif action == "downgrade":
                command.downgrade(alembic_config(connection), revision)
            connection.commit()
            after = current_revision(connection)
            connection.commit()
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            connection.commit()
    return MigrationResult(action=action, before=before, after=after)


def handle_invocation(payload: dict[str, object] | None) -> dict[str, str | None]:
    """The ``migrate`` Lambda function: ``{"action": ..., "revision": "head"}`` in, revisions out."""
    from chalicelib.db import get_engine

    payload = payload or {}
    action = str(payload.get("action", "upgrade"))
    revision = str(payload.get("revision", "head"))
    return run(get_engine(), action, revision).as_dict()
