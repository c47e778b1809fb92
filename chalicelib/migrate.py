"""Schema migrations, run programmatically (the ``migrate`` Lambda function and the CLI).

Two chains. ``STANDALONE`` (``migrations/versions``, version table ``public.alembic_version``)
builds Open Event's tables in standalone mode; ``OWN`` (``migrations/own``, version table
``serverless.alembic_version``) builds our own state in schema ``serverless``. In standalone mode
an upgrade brings ``OWN`` to its head first, then ``STANDALONE`` (whose revision
``i18_core_0001_oes_shape`` moves old rows into ``serverless``). In Open Event mode only ``OWN``
is migrated: OES's tables and its ``public.alembic_version`` are OES's, and the answer says so.
A new revision is a file in ``migrations/versions`` (OES-shaped tables, standalone only) or in
``migrations/own/versions`` (ours: ``schema="serverless"`` on every operation, no foreign key into
OES's tables), chained on that chain's head, with its ``data_loss``.

Two invocations never interleave: each holds a PostgreSQL advisory lock for its whole run, and one
that cannot get it within ``LOCK_WAIT_SECONDS`` gives up, naming the backend that holds it.

Nothing is destroyed by accident: a downgrade past a revision whose ``data_loss`` says it drops
tables or columns (a module attribute of the revision) is refused unless the request says
``"confirm": "drop-data"``; the refusal names each such revision and what it would lose.

A request that is not carried out raises ``MigrationRefused``; the function returns its one JSON
object (``{"error": ..., "detail": ...}``) and the CLI prints it on one line with a non-zero status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text

from chalicelib.models import OWN_SCHEMA

# In the deployment package the scripts sit beside ``chalicelib`` (copied from vendor/migrations).
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


@dataclass(frozen=True)
class Chain:
    """One Alembic chain: its scripts and the schema of its version table (None: the search path's)."""

    name: str
    directory: Path
    version_schema: str | None


STANDALONE = Chain("standalone", MIGRATIONS_DIR, None)
OWN = Chain("serverless", MIGRATIONS_DIR / "own", OWN_SCHEMA)
_LOCK_KEY = 0x0E_5E_A1_1E  # any constant shared by every migrator of this database
# Far longer than any migration of this schema takes; short enough to answer inside the function's 300 s.
LOCK_WAIT_SECONDS = 60.0
_LOCK_POLL_SECONDS = 0.25
CONFIRM_DATA_LOSS = "drop-data"

Action = Literal["upgrade", "downgrade", "current"]
ACTIONS: tuple[Action, ...] = ("upgrade", "downgrade", "current")


class MigrationRefused(Exception):
    """A migration request that was not carried out, with a code and a message for a person."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.code, self.detail, self.extra = code, detail, extra

    def as_dict(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail, **self.extra}


@dataclass(frozen=True)
class MigrationResult:
    action: str
    before: str | None
    after: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"action": self.action, "before": self.before, "after": self.after}


def alembic_config(connection: Connection, chain: Chain = STANDALONE) -> Config:
    config = Config()
    config.set_main_option("script_location", str(chain.directory))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection, chain: Chain = STANDALONE) -> str | None:
    if chain.version_schema and not connection.scalar(
        text("SELECT to_regclass(:table) IS NOT NULL"), {"table": f"{chain.version_schema}.alembic_version"}
    ):
        return None
    options = {"version_table_schema": chain.version_schema} if chain.version_schema else {}
    return MigrationContext.configure(connection, opts=options).get_current_revision()


def data_lost_by_downgrade(config: Config, current: str | None, target: str) -> dict[str, str]:
    """The revisions a downgrade from ``current`` to ``target`` undoes that lose data, and what they lose."""
    if current is None:
        return {}
    # The steps ``command.downgrade`` itself would run (relative targets such as -1 included).
    steps = ScriptDirectory.from_config(config)._downgrade_revs(target, current)
    scripts = [step.revision for step in steps]
    return {script.revision: loss for script in scripts if (loss := getattr(script.module, "data_loss", None))}


def _refuse_data_loss(config: Config, current: str | None, target: str, confirm: str | None) -> None:
    lost = data_lost_by_downgrade(config, current, target)
    if lost and confirm != CONFIRM_DATA_LOSS:
        losses = "; ".join(f"{revision} {loss}" for revision, loss in lost.items())
        raise MigrationRefused(
            "data-loss",
            f"downgrade to {target} would destroy data: {losses}. Nothing was changed; repeat with"
            f' "confirm": "{CONFIRM_DATA_LOSS}" (CLI: --confirm {CONFIRM_DATA_LOSS}) to proceed.',
            revisions=lost,
        )


def _lock_holder(connection: Connection) -> int | None:
    """The backend pid that holds the migration lock, if any (a bigint key is classid:objid)."""
    holder = connection.scalar(
        text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"
        ),
        {"key": _LOCK_KEY},
    )
    return int(holder) if holder is not None else None


def _take_lock(connection: Connection, wait_seconds: float) -> None:
    """The session-level migration lock within ``wait_seconds``, or ``MigrationRefused`` naming its holder."""
    deadline = time.monotonic() + wait_seconds
    while not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": _LOCK_KEY}):
        if time.monotonic() >= deadline:
            holder = _lock_holder(connection)
            connection.rollback()
            raise MigrationRefused(
                "lock-timeout",
                f"another migration holds the migration lock (PostgreSQL backend pid {holder}); waited"
                f" {wait_seconds:g} s. Try again once it has finished; if it is stuck, end it with"
                f" SELECT pg_terminate_backend({holder}).",
                holder_pid=holder,
            )
        connection.rollback()
        time.sleep(_LOCK_POLL_SECONDS)
    connection.commit()


def run(
    engine: Engine,
    action: str,
    revision: str = "head",
    *,
    chain: Chain = STANDALONE,
    confirm: str | None = None,
    lock_wait_seconds: float = LOCK_WAIT_SECONDS,
) -> MigrationResult:
    """Apply ``action`` up or down to ``revision`` of ``chain`` and report its revision before and
    after. An upgrade of ``STANDALONE`` brings ``OWN`` to its head first (it moves rows into it)."""
    if action not in ACTIONS:
        raise MigrationRefused("bad-request", f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if action == "downgrade" and revision == "head":
        raise MigrationRefused("bad-request", "downgrade needs a target revision, such as -1 or base")
    with engine.connect() as connection:
        # A session-level lock, taken outside the migration transaction so that it is held until
        # the very end: a second migrator waits here, then sees the finished schema.
        _take_lock(connection, lock_wait_seconds)
        try:
            before = current_revision(connection, chain)
            connection.commit()
            config = alembic_config(connection, chain)
            if action == "upgrade":
                if chain is STANDALONE:
                    command.upgrade(alembic_config(connection, OWN), "head")
                    connection.commit()
                command.upgrade(config, revision)
            elif action == "downgrade":
                _refuse_data_loss(config, before, revision, confirm)
                command.downgrade(config, revision)
            connection.commit()
            after = current_revision(connection, chain)
            connection.commit()
        except (CommandError, RevisionError) as error:  # an unknown or unreachable revision
            raise MigrationRefused("bad-revision", f"{action} to {revision!r} is not possible: {error}") from None
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            connection.commit()
    return MigrationResult(action=action, before=before, after=after)


OPEN_EVENT_NOTE = (
    "Open Event mode (OPEN_EVENT_DATABASE_URL is set): only schema serverless and its"
    " serverless.alembic_version are migrated; Open Event Server's tables are left to OES"
)


def revisions(engine: Engine, chains: tuple[Chain, ...]) -> dict[str, str | None]:
    """The current revision of each of ``chains``."""
    with engine.connect() as connection:
        return {chain.name: current_revision(connection, chain) for chain in chains}


def handle_invocation(payload: dict[str, object] | None) -> dict[str, Any]:
    """The ``migrate`` Lambda function: ``{"action": ..., "revision": "head", "confirm": ...}`` in,
    the revisions before and after out (``current``: of both chains), or the refusal's
    ``{"error": ..., "detail": ...}``. In Open Event mode the request applies to the ``serverless``
    chain only, and the answer's ``mode`` and ``note`` say so."""
    from chalicelib.db import get_engine
    from chalicelib.settings import get_settings

    payload = payload or {}
    action = str(payload.get("action", "upgrade"))
    revision = str(payload.get("revision", "head"))
    confirm = payload.get("confirm")
    open_event = get_settings().open_event_mode
    chain = OWN if open_event else STANDALONE
    mode = {"mode": "open-event", "note": OPEN_EVENT_NOTE} if open_event else {"mode": "standalone"}
    try:
        result = run(get_engine(), action, revision, chain=chain, confirm=str(confirm) if confirm else None)
        chains = (OWN,) if open_event else (STANDALONE, OWN)
        return {**result.as_dict(), **mode, "revisions": revisions(get_engine(), chains)}
    except MigrationRefused as refused:
        return {**refused.as_dict(), **mode}
