"""What the engines of the table exports share: a declaration's columns and rows for one file
(``resolve``: the declared columns, then those the event adds), presented column by column (each
engine its own way, in PostgreSQL), the count for progress, and the site-wide adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options, ProgressCallback
from chalicelib.exports.formats.copy_stream import BATCH_SIZE, use_event_time_zone
from chalicelib.exports.formats.plain_text import MARKUP
from chalicelib.exports.formats.table import Column, Table
from chalicelib.models import Event

# How an engine shows one raw value of a column, as a SQL expression.
Present = Callable[[Column, ColumnElement[Any]], ColumnElement[Any]]


def event_id_of(event: Event | None) -> int | None:
    return None if event is None else event.id


@dataclass(frozen=True)
class Rows:
    """One file's columns, and its query: a raw value per column, in the file's order."""

    columns: tuple[Column, ...]
    query: Select[Any]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    @property
    def rich(self) -> tuple[int, ...]:
        """The indexes of the rich-text columns."""
        return tuple(index for index, column in enumerate(self.columns) if column.rich)


def resolve(session: Session, table: Table, event: Event | None, options: Options) -> Rows:
    """The declared columns and rows, then the columns the event adds (``Table.extra_columns``).
    An added column with the header of one already there takes its place, as a later value of a
    key took the earlier one's in Open Event's rows (dictionaries): one column, the event's value."""
    query = table.rows(event_id_of(event), options)
    if table.extra_columns is None:
        return Rows(table.columns, query)
    columns, values = list(table.columns), list(query.selected_columns)
    for column, value in table.extra_columns(session, event_id_of(event)):
        headers = [known.header for known in columns]
        if column.header in headers:
            index = headers.index(column.header)
            columns[index], values[index] = column, value
        else:
            columns.append(column)
            values.append(value)
    return Rows(tuple(columns), query.with_only_columns(*values))


def presented(rows: Rows, present: Present) -> Select[Any]:
    """The rows, each value shown as ``present`` says; for a table with rich-text columns, after a
    first cell ``1`` when one of them holds markup, else ``0``."""
    values: Sequence[ColumnElement[Any]] = list(rows.query.selected_columns)
    pairs = list(zip(rows.columns, values, strict=True))
    rich = [value.regexp_match(MARKUP) for column, value in pairs if column.rich]
    cells = [present(column, value) for column, value in pairs]
    if rich:
        return rows.query.with_only_columns(case((or_(*rich), 1), else_=0), *cells)
    return rows.query.with_only_columns(*cells)


def count_rows(session: Session, table: Table, event: Event | None, options: Options) -> int | None:
    rows = table.rows(event_id_of(event), options).order_by(None).subquery()
    total: int | None = session.scalar(select(func.count()).select_from(rows))
    return total


def begin(session: Session, event: Event | None) -> None:
    """PostgreSQL prints an event's times in its zone; a site-wide table shows each in its own."""
    if event is not None:
        use_event_time_zone(session, event)


class TableEngine:
    """An engine bound to one declaration; ``event`` is None for a site-wide table. ``batch_size``
    rows go to the output (and the progress) at a time."""

    default_batch_size = BATCH_SIZE

    def __init__(self, table: Table, batch_size: int | None = None) -> None:
        self.table = table
        self.batch_size = batch_size or self.default_batch_size

    def estimate_total(self, session: Session, event: Event | None, options: Options) -> int | None:
        return count_rows(session, self.table, event, options)

    def render(
        self, session: Session, event: Event | None, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        raise NotImplementedError


class SiteWide:
    """A table engine as a ``SiteRenderer``: the same file, with no event."""

    def __init__(self, engine: TableEngine) -> None:
        self._engine = engine

    def estimate_total(self, session: Session, options: Options) -> int | None:
        return self._engine.estimate_total(session, None, options)

    def render(self, session: Session, options: Options, out: BinaryIO, progress: ProgressCallback) -> int:
        return self._engine.render(session, None, options, out, progress)
