"""Rows into OES's tables and into the standalone schema alike, naming only the columns that matter.

OES's tables have many NOT NULL columns without a default (``events.is_featured``,
``users.is_blocked``, ``tickets.sales_starts_at``, ...) that no export reads. The writer reads the
tables' columns from ``information_schema`` once and fills each such column with a neutral value of
its type (false, 0, '', a fixed instant), so a seeder says what it means and nothing else.

The standalone schema holds only the columns we read, under OES's names; a column the target table
lacks is one no export reads, so the writer leaves it out, and the same seeder writes both schemas.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The instant a required timestamp no seeder named gets: far from every seeded date, and fixed,
# so that two databases seeded alike hold the same rows.
NEUTRAL_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
_NEUTRAL_BY_TYPE: dict[str, Any] = {
    "boolean": False,
    "smallint": 0,
    "integer": 0,
    "bigint": 0,
    "double precision": 0.0,
    "real": 0.0,
    "numeric": 0,
    "character varying": "",
    "character": "",
    "text": "",
    "citext": "",
    "timestamp with time zone": NEUTRAL_INSTANT,
    "timestamp without time zone": NEUTRAL_INSTANT.replace(tzinfo=None),
    "date": NEUTRAL_INSTANT.date(),
    "json": "{}",
    "jsonb": "{}",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # information_schema's data_type, or the domain/extension type's name (citext)
    required: bool  # NOT NULL without a default: an INSERT must name it


class TableWriter:
    """Inserts into the tables of ``schema`` as the session's database has them."""

    def __init__(self, session: Session, schema: str = "public") -> None:
        self._session = session
        rows = session.execute(
            text(
                """SELECT table_name, column_name,
                          CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END AS type,
                          is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' AS required
                   FROM information_schema.columns WHERE table_schema = :schema"""
            ),
            {"schema": schema},
        )
        self._tables: dict[str, dict[str, Column]] = {}
        for row in rows:
            self._tables.setdefault(row.table_name, {})[row.column_name] = Column(
                row.column_name, row.type, row.required
            )
        self._schema = schema

    def insert(self, table: str, values: Mapping[str, Any]) -> int | None:
        """One row; returns its ``id`` (None for a table without one, or one this schema lacks)."""
        columns = self._tables.get(table)
        if columns is None:
            return None
        row = self._complete(
            columns, {name: _bind(columns[name], value) for name, value in values.items() if name in columns}
        )
        names = ", ".join(f'"{name}"' for name in row)
        placeholders = ", ".join(self._placeholder(columns[name], name) for name in row)
        returning = " RETURNING id" if "id" in columns else ""
        result = self._session.execute(
            text(f'INSERT INTO "{self._schema}"."{table}" ({names}) VALUES ({placeholders}){returning}'), row
        )
        return result.scalar_one() if returning else None

    def insert_id(self, table: str, values: Mapping[str, Any]) -> int:
        """One row of a table that has an ``id`` and that this schema holds; returns the id."""
        row_id = self.insert(table, values)
        if row_id is None:
            raise ValueError(f"{self._schema}.{table} is absent or has no id column")
        return row_id

    def insert_select(self, table: str, expressions: Mapping[str, str], source: str, **params: Any) -> None:
        """Many rows from SQL: ``INSERT INTO table (...) SELECT <expressions> <source>`` (``source``
        starts with FROM); the required columns no expression names get their neutral value."""
        columns = self._tables[table]
        named = {name: sql for name, sql in expressions.items() if name in columns}
        neutral = self._complete(columns, {name: None for name in named})
        fills = {name: value for name, value in neutral.items() if name not in named}
        selected = named | {name: self._placeholder(columns[name], f"fill_{name}") for name in fills}
        names = ", ".join(f'"{name}"' for name in selected)
        sql = f'INSERT INTO "{self._schema}"."{table}" ({names}) SELECT {", ".join(selected.values())} {source}'
        self._session.execute(text(sql), params | {f"fill_{name}": value for name, value in fills.items()})

    @staticmethod
    def _complete(columns: Mapping[str, Column], row: dict[str, Any]) -> dict[str, Any]:
        for column in columns.values():
            if column.required and column.name not in row:
                if column.type not in _NEUTRAL_BY_TYPE:
                    raise ValueError(f"no neutral value for required column {column.name} of type {column.type}")
                row[column.name] = _NEUTRAL_BY_TYPE[column.type]
        return row

    @staticmethod
    def _placeholder(column: Column, parameter: str) -> str:
        # pg8000 sends str parameters untyped: JSON and citext columns take them through a cast.
        if column.type in ("json", "jsonb", "citext"):
            return f"CAST(:{parameter} AS {column.type})"
        return f":{parameter}"


def _bind(column: Column, value: Any) -> Any:
    """The parameter for ``value``: pg8000 would send a list as an array, so JSON goes as text."""
    if column.type in ("json", "jsonb") and value is not None and not isinstance(value, str):
        return json.dumps(value)
    return value
