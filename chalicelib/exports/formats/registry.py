"""The export formats, declared: the only module of ``formats`` the pipeline imports.

Light on purpose: the HTTP function imports this module, and the heavy renderer behind each format
(lxml, icalendar, fpdf2) is imported by the worker only. To add a format, write its module beside this one
and add its ``ExportFormat`` to ``FORMATS``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import BadRequest, NotFound
from chalicelib.exports.formats import bodies
from chalicelib.exports.formats.base import (
    EVENT_ONLY,
    SESSION_IDS,
    STAMP,
    VERSION,
    ExportFailed,
    Renderer,
    SiteRenderer,
)
from chalicelib.models import ORDER_STATUSES

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

OptionsParser = Callable[[Mapping[str, str]], dict[str, Any]]
BodyParser = Callable[[Any], dict[str, Any]]


def _no_options(query: Mapping[str, str]) -> dict[str, Any]:
    return {}


def _boolean(query: Mapping[str, str], name: str, default: bool) -> bool:
    raw = query.get(name)
    if raw is None:
        return default
    if raw.lower() in {"true", "1"}:
        return True
    if raw.lower() in {"false", "0"}:
        return False
    raise BadRequest(f"{name} must be true or false", parameter=name)


EXPORTABLE_ORDER_STATUSES = tuple(status for status in ORDER_STATUSES if status != "deleted")


def orders_csv_options(query: Mapping[str, str]) -> dict[str, Any]:
    """``status`` (comma list, default all but deleted) and ``bom`` (default true: Excel needs it)."""
    statuses = list(EXPORTABLE_ORDER_STATUSES)
    if query.get("status") is not None:
        statuses = [part.strip(" ") for part in query["status"].split(",")]  # spaces, as openapi.yaml says
        unknown = [status for status in statuses if status not in EXPORTABLE_ORDER_STATUSES]
        if unknown:  # an empty item ("completed,,placed") too
            allowed = ", ".join(EXPORTABLE_ORDER_STATUSES)
            raise BadRequest(f"status must be a comma-separated list of: {allowed}", parameter="status")
    return {"statuses": sorted(set(statuses)), "bom": _boolean(query, "bom", True)}


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
    parse_options: OptionsParser = field(default=_no_options)
    # Set: the format is asked for by POST, its options are this parser's reading of the JSON body.
    parse_body: BodyParser | None = None
    # True: the file covers every event, for admins; its task names no event, its renderer is a SiteRenderer.
    site_wide: bool = False
    options: tuple[str, ...] = ()  # the query parameters parse_options reads; any other is a 400

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
        module, _, attribute = self.renderer_path.partition(":")
        return getattr(importlib.import_module(module), attribute)

    def renderer(self) -> Renderer:
        renderer: Renderer = self._load()
        return renderer

    def site_renderer(self) -> SiteRenderer:
        renderer: SiteRenderer = self._load()
        return renderer


FORMATS: dict[str, ExportFormat] = {
    fmt.name: fmt
    for fmt in (
        ExportFormat(
            "orders/csv",
            "csv",
            "text/csv; charset=utf-8",
            "orders",
            "chalicelib.exports.formats.orders_csv:renderer",
            orders_csv_options,
            options=("status", "bom"),
        ),
        ExportFormat(
            "orders/pdf", "pdf", "application/pdf", "orders", "chalicelib.exports.formats.orders_pdf:renderer"
        ),
        ExportFormat(
            "attendees/csv",
            "csv",
            "text/csv; charset=utf-8",
            "attendees",
            "chalicelib.exports.formats.attendees_csv:renderer",
            orders_csv_options,  # the same options: the orders' statuses, and the BOM
            options=("status", "bom"),
        ),
        ExportFormat(
            "attendees/pdf", "pdf", "application/pdf", "attendees", "chalicelib.exports.formats.attendees_pdf:renderer"
        ),
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
            "sessions/csv",
            "csv",
            "text/csv; charset=utf-8",
            "sessions",
            "chalicelib.exports.formats.sessions_csv:renderer",
            parse_body=bodies.sessions_csv_body,
        ),
        ExportFormat(
            "speakers/csv",
            "csv",
            "text/csv; charset=utf-8",
            "speakers",
            "chalicelib.exports.formats.speakers_csv:renderer",
            parse_body=bodies.speakers_csv_body,
        ),
        ExportFormat(
            "json",
            "zip",
            "application/zip",
            "archive",
            "chalicelib.exports.formats.event_archive:renderer",
            parse_body=bodies.event_archive_body,
        ),
        ExportFormat(
            "admin/sales/csv",
            "csv",
            "text/csv; charset=utf-8",
            "admin-sales",
            "chalicelib.exports.formats.admin_sales_csv:renderer",
            parse_body=bodies.admin_sales_body,
            site_wide=True,
        ),
    )
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise NotFound(f"Unknown export format {name!r}; known: {', '.join(FORMATS)}") from None
