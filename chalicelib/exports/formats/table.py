"""A table export, declared once: its columns (the header Open Event writes, and the type) and its query.

A declaration is one module in ``formats/tables/`` exposing ``TABLE``. Its ``rows`` query selects
the raw values, one per column, in the file's order; the engines present them, each in PostgreSQL
and inside one COPY: ``table_csv`` (defused text, ISO 8601 dates), ``table_xlsx`` (the cells'
XML, dates as Excel serials) and ``table_pdf`` (dates for people, text as it is). The registry
makes the routes' formats of every declaration (``<name>/csv``, ``<name>/xlsx``, and
``<name>/pdf`` for a table with a ``printed`` form). Light on purpose: the HTTP function imports
every declaration through the registry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import ColumnElement, Numeric, Select, cast, func

from chalicelib.exports.formats.base import Options

# (event id, or None for a site-wide table; the task's options) -> the rows, raw, in the file's order.
RowsQuery = Callable[[int | None, Options], Select[Any]]
OptionsParser = Callable[[Mapping[str, str]], dict[str, Any]]
BodyParser = Callable[[Any], dict[str, Any]]
if TYPE_CHECKING:
    from sqlalchemy.orm import Session
# (session, event id) -> the columns an event adds after the declared ones (its custom-form fields,
# in the form's order), each with its value as an expression over the rows' query.
ExtraColumns = Callable[["Session", int | None], Sequence[tuple["Column", Any]]]
# A printed row read back: its cells as text by header (a NULL is "").
Record = Mapping[str, str]


class Kind(enum.Enum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"  # money: two places
    DATETIME = "datetime"  # a timestamp, shown in the event's zone
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    rich: bool = False  # HTML from the editor, made plain text in every form
    width: int = 0  # characters in a spreadsheet; 0: the kind's own


@dataclass(frozen=True)
class PrintedColumn:
    """A column of a printed table: its title, its share of the page's width, right-aligned if numeric."""

    title: str
    share: float
    numeric: bool = False


@dataclass(frozen=True)
class Closing:
    """A table printed after the rows (totals): its caption, its columns, its rows."""

    caption: str
    columns: Sequence[PrintedColumn]
    rows: Sequence[Sequence[object]]


class Summary(Protocol):
    """Kept while the rows are printed, one ``add`` each; then the closing tables."""

    def add(self, record: Record) -> None: ...

    def closing(self, count: int) -> Sequence[Closing]: ...


@dataclass(frozen=True)
class Printed:
    """The PDF form of a table: which columns, how each row's cells are made, the closing tables."""

    subtitle: str
    columns: Sequence[PrintedColumn]
    cells: Callable[[Record], Sequence[object]]
    summary: Callable[[], Summary] | None = None


def two_places(value: Any) -> ColumnElement[Any]:
    """An amount rounded to two places, as every form shows it (never too large for its type)."""
    return func.round(cast(value, Numeric), 2)


def no_options(query: Mapping[str, str]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Table:
    """One table export. Options come from the query string (``parse_query``, reading ``options``)
    or, for the tables the frontend asks for by POST, from a JSON body (``parse_body``)."""

    name: str  # the path after /export/ and before the form (``orders``, ``admin/sales``)
    label: str  # the file's name: <event identifier>-<label>.<extension>
    columns: tuple[Column, ...]
    rows: RowsQuery
    parse_query: OptionsParser = field(default=no_options)
    options: tuple[str, ...] = ()
    parse_body: BodyParser | None = None
    site_wide: bool = False  # every event, for admins: the query gets no event id
    printed: Printed | None = None
    extra_columns: ExtraColumns | None = None

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)

    def default_options(self) -> dict[str, Any]:
        """The options of the form that takes none (the PDF)."""
        return self.parse_body(None) if self.parse_body is not None else self.parse_query({})
