"""The export formats, declared: the only module of ``formats`` the pipeline imports.

Light on purpose: the HTTP function imports this module, and the heavy renderer behind each format
(lxml, icalendar, fpdf2) is imported by the worker only. The table exports follow from their
declarations: a module in ``formats/tables/`` is a table in every form of ``TABLE_FORMS``, and a
new form of every table is its engine's module and one entry there. Any other format is its
module beside this one and its ``ExportFormat`` in ``FORMATS``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import BadRequest, NotFound
from chalicelib.exports.formats import bodies, tables
from chalicelib.exports.formats.base import (
    EVENT_ONLY,
    SESSION_IDS,
    STAMP,
    VERSION,
    ExportFailed,
    Renderer,
    SiteRenderer,
)
from chalicelib.exports.formats.table import BodyParser, OptionsParser, Table, no_options

__all__ = [
    "EVENT_ONLY",
    "FORMATS",
    "SESSION_IDS",
    "STAMP",
    "VERSION",
    "ExportFailed",
    "ExportFormat",
    "Renderer",
    "SiteRenderer",
    "get_format",
]

# A site-wide table's engine, as a SiteRenderer.
SITE_WIDE = "chalicelib.exports.formats.table_engine:SiteWide"
TABLE_FORMS = {
    # form: (extension, content type, "module:engine class")
    "csv": ("csv", "text/csv; charset=utf-8", "chalicelib.exports.formats.table_csv:TableCsv"),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "chalicelib.exports.formats.table_xlsx:TableXlsx",
    ),
    "pdf": ("pdf", "application/pdf", "chalicelib.exports.formats.table_pdf:TablePdfRenderer"),
}


def _attribute(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _form(query: Mapping[str, str], *forms: str) -> dict[str, Any]:
    """``form``: one of ``forms``, the first by default."""
    form = query.get("form", forms[0])
    if form not in forms:
        raise BadRequest(f"form must be {' or '.join(forms)}", parameter="form")
    return {"form": form}


def xcal_options(query: Mapping[str, str]) -> dict[str, Any]:
    """``form``: ``conference`` (the Pentabarf/frab/pretalx form, default) or ``rfc6321``."""
    return _form(query, "conference", "rfc6321")


def pentabarf_options(query: Mapping[str, str]) -> dict[str, Any]:
    """``form``: ``c3voc`` (passes the C3VOC schema, default) or ``pentabarf`` (the classic form
    with ``day_change``, ``venue`` and ``city``, which that schema refuses and old parsers need)."""
    return _form(query, "c3voc", "pentabarf")


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the path after /export/
    extension: str
    content_type: str
    file_label: str  # <event identifier>-<label>.<extension>
    renderer_path: str  # "module:attribute", imported by the worker only
    parse_options: OptionsParser = field(default=no_options)
    # Set: the format is asked for by POST, its options are this parser's reading of the JSON body.
    parse_body: BodyParser | None = None
    # True: the file covers every event, for admins; its task names no event, its renderer is a SiteRenderer.
    site_wide: bool = False
    options: tuple[str, ...] = ()  # the query parameters parse_options reads; any other is a 400
    # Set: renderer_path names an engine class (table_csv, ...), made for this table.
    table: Table | None = None

    def read_query(self, query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """The options of a request's query string (every value of each parameter): each parameter
        must be one of this format's and given once, so that a typo is never silently ignored."""
        for name, values in query.items():
            if name not in self.options:
                accepted = ", ".join(self.options) or "no parameters"
                raise BadRequest(
                    f"Unknown parameter for the {self.name} export, which takes {accepted}", parameter=name
                )
            if len(values) != 1:
                raise BadRequest(f"'{name}' may be given only once", parameter=name)
        return self.parse_options({name: values[0] for name, values in query.items()})

    def file_name(self, event_identifier: str | None) -> str:
        if event_identifier is None:
            return f"{self.file_label}.{self.extension}"
        return f"{event_identifier}-{self.file_label}.{self.extension}"

    def _load(self) -> Any:
        loaded = _attribute(self.renderer_path)
        if self.table is None:
            return loaded
        engine = loaded(self.table)
        return _attribute(SITE_WIDE)(engine) if self.site_wide else engine

    def renderer(self) -> Renderer:
        renderer: Renderer = self._load()
        return renderer

    def site_renderer(self) -> SiteRenderer:
        renderer: SiteRenderer = self._load()
        return renderer


def declared_tables() -> list[Table]:
    """Every module of ``formats/tables``'s ``TABLE``, in the modules' order."""
    modules = sorted(module.name for module in pkgutil.iter_modules(tables.__path__))
    return [importlib.import_module(f"{tables.__name__}.{name}").TABLE for name in modules]


def table_formats(table: Table) -> Iterator[ExportFormat]:
    """The formats of one table: CSV and XLSX with the table's options, and the PDF when it is
    printed (by GET as Open Event's PDFs are: the table's query options, or none for a table whose
    options come in a body, ``Table.default_options``)."""
    for form, (extension, content_type, engine) in TABLE_FORMS.items():
        if form == "pdf" and (table.printed is None or table.site_wide):
            continue
        # The PDF is asked for by GET, as Open Event's are: with the table's query options, if any.
        posted = table.parse_body is not None and form != "pdf"
        with_options = form != "pdf" or table.parse_body is None
        yield ExportFormat(
            f"{table.name}/{form}",
            extension,
            content_type,
            table.label,
            engine,
            table.parse_query if with_options else no_options,
            parse_body=table.parse_body if posted else None,
            site_wide=table.site_wide,
            options=table.options if with_options else (),
            table=table,
        )


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        *(fmt for table in declared_tables() for fmt in table_formats(table)),
        ExportFormat(
            "pentabarf",
            "xml",
            "application/vnd.c3voc.schedule+xml",
            "schedule",
            "chalicelib.exports.formats.pentabarf:renderer",
            pentabarf_options,
            options=("form",),
        ),
        ExportFormat(
            "xcal",
            "xcs",
            "application/calendar+xml",
            "schedule",
            "chalicelib.exports.formats.xcal:renderer",
            xcal_options,
            options=("form",),
        ),
        ExportFormat(
            "ical", "ics", "text/calendar; charset=utf-8", "schedule", "chalicelib.exports.formats.ical:renderer"
        ),
        ExportFormat(
            "json-schedule", "json", "application/json", "schedule", "chalicelib.exports.formats.frab_json:renderer"
        ),
        # The exports the frontend asks for by POST, with a JSON body (chalicelib/exports/formats/bodies.py).
        ExportFormat(
            "json",
            "zip",
            "application/zip",
            "archive",
            "chalicelib.exports.formats.event_archive:renderer",
            parse_body=bodies.event_archive_body,
        ),
    )
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise NotFound(f"Unknown export format {name!r}; known: {', '.join(FORMATS)}") from None
