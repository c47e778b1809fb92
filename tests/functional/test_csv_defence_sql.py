"""The formula defence in SQL (for rows PostgreSQL writes itself) is exactly the one in Python."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from chalicelib.db import transaction
from chalicelib.exports.formats.csv_rows import defuse, defused_sql

CELLS = [
    "=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@evil", "\t=1", "\r=1", "|calc", "%0A", "-1", "+3.50",
    "-0.00", "1.", "-.5", "-1\n", "-1\n=2", "Ada", "a=b", " =1", "Zoë 東京", "'quoted", "=",
]  # fmt: skip


@pytest.mark.parametrize("cell", CELLS, ids=range(len(CELLS)))
def test_sql_defence_matches_python_defence(stack, cell):
    with transaction() as session:
        in_sql = session.scalar(select(defused_sql(literal(cell))))

    assert in_sql == defuse(cell)


def test_sql_defence_turns_empty_and_null_into_null(stack):
    with transaction() as session:
        empty, null = session.execute(select(defused_sql(literal("")), defused_sql(literal(None)))).one()

    assert (empty, null) == (None, None)
