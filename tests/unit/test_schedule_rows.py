"""The schedule's query rows are read by name: a column added in the middle shifts no meaning."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from chalicelib.schedule.queries import SESSION_COLUMNS, SessionRow, session_rows_query

SCHEDULE = Path(__file__).resolve().parents[2] / "chalicelib" / "schedule"


@pytest.mark.parametrize("path", sorted(SCHEDULE.glob("*.py")), ids=lambda path: path.name)
def test_no_row_is_read_by_position(path: Path) -> None:
    positional = [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "row"
        and isinstance(node.slice, ast.Constant)
    ]

    assert positional == [], f"{path.name} reads rows by position on lines {positional}"


def test_the_session_query_selects_every_field_of_its_row_in_order_by_label() -> None:
    labels = list(session_rows_query(1).selected_columns.keys())

    assert labels == list(SessionRow._fields) == list(SESSION_COLUMNS)
