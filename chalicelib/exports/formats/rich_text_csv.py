"""The renderer of the event CSVs whose rows hold rich text (sessions, speakers): one marked query.

The format module gives the header, the names of its rich-text columns and the query: a first
cell ``1`` when one of those cells holds markup, else ``0``, then the columns of the header, text
cells defused by ``defused_sql``. The query is streamed by COPY, as the orders CSV is; rows marked
``1`` are parsed and their rich-text cells made plain (``PlainText``, one per export: its parser
serves every cell) in Python, the others pass untouched (``MarkedCopyRows``). Options: ``status``
and ``bom``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from chalicelib.exports.formats.base import Options, ProgressCallback
from chalicelib.exports.formats.csv_rows import CsvWriter, MarkedCopyRows
from chalicelib.exports.formats.orders_csv import BATCH_SIZE, copy_csv, use_event_time_zone
from chalicelib.exports.formats.plain_text import PlainText
from chalicelib.models import Event

# (event id, status) -> the marked rows, in the file's order.
MarkedQuery = Callable[[int, str], Select[Any]]


class RichTextCsv:
    def __init__(
        self, header: tuple[str, ...], rich_text: tuple[str, ...], query: MarkedQuery, batch_size: int = BATCH_SIZE
    ) -> None:
        self.header = header
        self._rich_columns = tuple(header.index(name) for name in rich_text)
        self._query = query
        self.batch_size = batch_size

    def estimate_total(self, session: Session, event: Event, options: Options) -> int | None:
        rows = self._query(event.id, options["status"]).order_by(None).subquery()
        return session.scalar(select(func.count()).select_from(rows))

    def render(
        self, session: Session, event: Event, options: Options, out: BinaryIO, progress: ProgressCallback
    ) -> int:
        use_event_time_zone(session, event)
        writer = CsvWriter(out, bom=bool(options.get("bom", True)))
        writer.write_rows([self.header])
        plain = PlainText()

        def rewrite(cells: list[str]) -> list[str]:
            for index in self._rich_columns:  # a defused cell stays defused: its ``'`` is text
                cells[index] = plain(cells[index])
            return cells

        rows = MarkedCopyRows(writer, self.batch_size, progress, rewrite)
        copy_csv(session, self._query(event.id, options["status"]), rows)
        return rows.count
