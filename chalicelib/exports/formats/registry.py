"""The export formats, declared: the only module of ``formats`` the pipeline imports.

Light on purpose: the HTTP function imports this module, and the heavy renderer behind each format
(lxml, icalendar) is imported by the worker only. To add a format, write its module beside this one
and add its ``ExportFormat`` to ``FORMATS``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import BadRequest, NotFound
from chalicelib.exports.formats.base import ExportFailed, Renderer
from chalicelib.models import ORDER_STATUSES

__all__ = ["FORMATS", "ExportFailed", "ExportFormat", "Renderer", "get_format"]

OptionsParser = Callable[[Mapping[str, str]], dict[str, Any]]


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
        statuses = [part.strip() for part in query["status"].split(",")]
        unknown = [status for status in statuses if status not in EXPORTABLE_ORDER_STATUSES]
        if unknown:  # an empty item ("completed,,placed") too
            allowed = ", ".join(EXPORTABLE_ORDER_STATUSES)
            raise BadRequest(f"status must be a comma-separated list of: {allowed}", parameter="status")
    return {"statuses": sorted(set(statuses)), "bom": _boolean(query, "bom", True)}


def xcal_options(query: Mapping[str, str]) -> dict[str, Any]:
    """``form``: ``conference`` (the Pentabarf/frab/pretalx form, default) or ``rfc6321``."""
    form = query.get("form", "conference")
    if form not in {"conference", "rfc6321"}:
        raise BadRequest("form must be conference or rfc6321", parameter="form")
    return {"form": form}


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the path after /export/
    extension: str
    content_type: str
    file_label: str  # <event identifier>-<label>.<extension>
    renderer_path: str  # "module:attribute", imported by the worker only
    parse_options: OptionsParser = field(default=_no_options)
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

    def file_name(self, event_identifier: str) -> str:
        return f"{event_identifier}-{self.file_label}.{self.extension}"

    def renderer(self) -> Renderer:
        module, _, attribute = self.renderer_path.partition(":")
        renderer: Renderer = getattr(importlib.import_module(module), attribute)
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
            "pentabarf",
            "xml",
            "application/vnd.c3voc.schedule+xml",
            "schedule",
            "chalicelib.exports.formats.pentabarf:renderer",
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
    )
}


def get_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise NotFound(f"Unknown export format {name!r}; known: {', '.join(FORMATS)}") from None
