"""The command line: load a fixture, seed a synthetic event, print a token, invoke migrate."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from chalicelib import models
from chalicelib.auth import user_from_token
from chalicelib.db import transaction
from devtools.cli import COMMAND_LIMITS, main
from devtools.stack import DEMO_FIXTURE, DEMO_IDENTIFIER
from tests.conftest import REPO


def run_cli(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def count(model: type[models.Base], **where: object) -> int:
    with transaction() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(session.scalar(query) or 0)


def test_load_the_demo_fixture_prints_what_it_created(capsys):
    output = json.loads(run_cli(capsys, "load", str(DEMO_FIXTURE)))

    event = output["events"][0]
    assert event["identifier"] == DEMO_IDENTIFIER
    assert event["orders"] == 300
    assert "organizer@example.com" in output["users"]
    assert count(models.Order, event_id=event["id"]) == 300
    assert count(models.SpeakerSession) > 0
    assert count(models.UserEventRole, event_id=event["id"], role_id=models.role_id("owner")) == 1


def test_load_rejects_a_reference_to_an_unknown_room(tmp_path):
    fixture = {
        "events": [
            {
                "identifier": "broken",
                "name": "Broken",
                "starts_at": "2026-01-01T09:00:00+00:00",
                "ends_at": "2026-01-02T18:00:00+00:00",
                "sessions": [{"title": "Lost", "room": "nowhere"}],
            }
        ]
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(fixture))

    with pytest.raises(ValueError, match="unknown room 'nowhere'"):
        main(["load", str(path)])
    assert count(models.Event) == 0  # all or nothing


def test_seed_generates_the_requested_sizes(capsys):
    output = json.loads(
        run_cli(
            capsys,
            "seed",
            "--identifier",
            "bench",
            "--orders",
            "2500",
            "--holders",
            "300",
            "--sessions",
            "120",
            "--rooms",
            "4",
            "--days",
            "2",
        )
    )

    assert count(models.Order, event_id=output["id"]) == 2500
    assert count(models.EventSession, event_id=output["id"]) == 120
    assert count(models.OrderTicket) >= 2500
    assert count(models.TicketHolder) == 300


def test_seed_of_an_identifier_that_exists_is_a_refusal_line(capsys):
    # The README seeds "big", docs/cli.md seeds "big" again: the second is refused, not a traceback.
    run_cli(capsys, "seed", "--identifier", "big", "--orders", "10", "--sessions", "0")

    assert main(["seed", "--identifier", "big", "--orders", "20"]) == 1

    refusal = json.loads(capsys.readouterr().out)
    assert refusal["error"] == "an event with identifier 'big' exists"
    assert count(models.Event, identifier="big") == 1
    assert count(models.Order) == 10


def test_token_prints_a_bare_token_for_the_user(capsys, factory):
    user = factory.user(email="ada@example.com")

    token = run_cli(capsys, "token", "ada@example.com").strip()

    with transaction() as session:
        assert user_from_token(session, token).id == user.id


def test_migrate_invokes_the_function(capsys):
    output = json.loads(run_cli(capsys, "migrate", "current"))

    assert output["before"] == output["after"] == "i21_tables_0001_oes_columns"


def test_seed_runs_with_the_commands_limits_not_the_apis_statement_timeout(capsys, monkeypatch):
    import devtools.seed

    seeded_under = []
    real_seed = devtools.seed.seed

    def seed_and_note_the_timeout(session, spec):
        seeded_under.append(session.scalar(text("SHOW statement_timeout")))
        return real_seed(session, spec)

    monkeypatch.setattr(devtools.seed, "seed", seed_and_note_the_timeout)
    for name in COMMAND_LIMITS:  # nothing set by hand
        monkeypatch.delenv(name, raising=False)

    run_cli(capsys, "seed", "--identifier", "limits", "--orders", "10", "--sessions", "0")

    assert seeded_under == ["1h"]  # the HTTP function's would be "10s"
    assert "DATABASE_STATEMENT_TIMEOUT_SECONDS" not in os.environ  # the command's limits end with it


def test_the_cli_prints_no_runtime_dir_warning(tmp_path):
    environment = {name: value for name, value in os.environ.items() if name != "XDG_RUNTIME_DIR"}
    probe = f"from devtools.postgres import embedded_server_running; embedded_server_running(Path({str(tmp_path)!r}))"

    result = subprocess.run(
        [sys.executable, "-W", "always", "-c", f"from pathlib import Path; {probe}"],
        cwd=REPO, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip

    assert result.stderr == ""
