"""The docs name everything the code offers: every route, export format, setting and CLI flag.

Read from the code itself (the app's routes, the format registry, the environment names settings.py
reads, the CLI's parser), so a route, format, setting or flag added without its docs fails here.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from app import app
from chalicelib.exports.formats.registry import FORMATS
from devtools.cli import parser
from tests.conftest import REPO

DOCS = REPO / "docs"
ALL_DOCS = "\n".join(path.read_text(encoding="utf-8") for path in [REPO / "README.md", *sorted(DOCS.glob("*.md"))])


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def route_pattern(method: str, path: str) -> re.Pattern[str]:
    """``METHOD /path`` as the docs write it, a ``{parameter}`` standing for any one segment."""
    segments = [r"[^/\s`|]+" if segment.startswith("{") else re.escape(segment) for segment in path.split("/")]
    return re.compile(rf"\b{method} {'/'.join(segments)}(?![\w/])")


ROUTES = sorted((method, path) for path, methods in app.routes.items() for method in methods)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_every_route_is_documented(method: str, path: str) -> None:
    documented = "GET" if method == "HEAD" else method  # a HEAD answers as its GET does (RFC 9110 9.3.2)

    assert route_pattern(documented, path).search(ALL_DOCS), f"{method} {path} is in no doc (README.md, docs/*.md)"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_export_format_is_documented(name: str) -> None:
    exports = read("exports.md")

    assert f"`{name}`" in exports or f"export/{name}`" in exports, f"{name} is not in docs/exports.md"


def setting_names() -> list[str]:
    """Every variable settings.py reads, and the ``<SECRET>_PARAMETER`` name of each secret."""
    source = (REPO / "chalicelib" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:environ\.get|_number|_bool)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    secrets = set(re.findall(r'Secret\.from_environment\(\s*"([A-Z][A-Z0-9_]+)"', source))
    return sorted(names | secrets | {f"{secret}_PARAMETER" for secret in secrets})


@pytest.mark.parametrize("name", setting_names())
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in read("configuration.md"), f"{name} is not in docs/configuration.md"


def cli_flags() -> list[str]:
    """``command --flag`` for every option of every command, and ``command ARG`` for positionals."""
    (commands,) = (a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    flags = []
    for command, subparser in commands.choices.items():
        for action in subparser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            flags.append(f"{command} {action.option_strings[-1] if action.option_strings else action.dest.upper()}")
    return flags


@pytest.mark.parametrize("flag", cli_flags())
def test_every_cli_command_and_flag_is_documented(flag: str) -> None:
    command, argument = flag.split(" ")
    rows = [line for line in read("cli.md").splitlines() if line.startswith(f"| `{command}")]

    assert rows and any(argument in row for row in rows), f"{flag} is not in docs/cli.md's table"


def test_the_readme_states_the_relays_rate() -> None:
    (source,) = (s for s in app.event_sources if s.name == "export_requeue")

    assert source.schedule_expression.to_string() == "rate(1 minute)"
    assert "every 5 min" not in ALL_DOCS and "every minute" in (REPO / "README.md").read_text()


def test_operations_doc_is_linked_from_the_readme() -> None:
    assert Path(DOCS / "operations.md").exists()
    assert "(docs/operations.md)" in (REPO / "README.md").read_text()
