"""The cells of an XLSX sheet as SpreadsheetML, written by PostgreSQL inside the COPY (and, for the
few cells Python rewrites, by ``xml_text`` here, which a test holds equal to ``xml_text_sql``).

Text is an inline string (``t="inlineStr"``): never a formula, whatever it starts with, and no
shared-strings table to hold in memory. Characters XML 1.0 cannot carry (controls but TAB, LF and
CR; U+FFFE, U+FFFF) are dropped; CR and LF become character references, so that a row is one line
of COPY's output and its line breaks survive XML's end-of-line handling. A text longer than a cell
holds (32,767 characters) is cut with an ellipsis. Numbers are ``<v>`` values; times and dates are
Excel serials (days since 1899-12-30) of the wall time in the session's zone (the event's), with a
date format; a NULL is an empty ``<c/>``, so that every row has every cell in its place.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import TIMESTAMP, ColumnElement, Date, Numeric, String, case, cast, func, literal, type_coerce

from chalicelib.exports.formats.table import Column, Kind, two_places

CELL_LIMIT = 32_767  # characters in one cell (Excel's specification and limits)
ELLIPSIS = "\u2026"
NOT_IN_XML = "[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"), ("\n", "&#10;"))

# Cell styles of styles.xml (``xlsx_package``), by index.
DATETIME_STYLE, DECIMAL_STYLE, DATE_STYLE, HEADER_STYLE = 1, 2, 3, 4
TEXT_OPEN, TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
EMPTY = "<c/>"
EXCEL_LARGEST = 10**307  # within a double's range
LAST_DAY = 2_958_465  # 9999-12-31, the last date Excel shows

_not_in_xml = re.compile(NOT_IN_XML)


def xml_text(text: str) -> str:
    """``text`` as the content of an XML element: cut to a cell, no character XML refuses, escaped."""
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + ELLIPSIS
    text = _not_in_xml.sub("", text)
    for plain, escaped in ESCAPES:
        text = text.replace(plain, escaped)
    return text


def xml_unescape(text: str) -> str:
    """What ``xml_text`` escaped, back as it was."""
    for plain, escaped in reversed(ESCAPES):
        text = text.replace(escaped, plain)
    return text


def xml_text_sql(value: Any) -> ColumnElement[str]:
    """``xml_text`` as a SQL expression (NULL for NULL and for a text it leaves empty)."""
    text: Any = func.nullif(cast(value, String), "")
    text = case((func.length(text) > CELL_LIMIT, func.left(text, CELL_LIMIT - 1) + ELLIPSIS), else_=text)
    text = case((text.regexp_match(NOT_IN_XML), func.regexp_replace(text, NOT_IN_XML, "", "g")), else_=text)
    for plain, escaped in ESCAPES:
        text = func.replace(text, plain, escaped)
    return type_coerce(func.nullif(text, ""), String)  # nothing left (only controls): NULL too


def _wrapped(opening: str, value: Any, closing: str = "</v></c>") -> ColumnElement[str]:
    """``opening value closing``; NULL when ``value`` is."""
    xml: Any = literal(opening, String) + type_coerce(value, String) + literal(closing, String)
    return type_coerce(xml, String)


def _text(value: Any) -> ColumnElement[str]:
    return _wrapped(TEXT_OPEN, xml_text_sql(value), TEXT_CLOSE)


def _number(style: int, number: Any, value: Any, low: int = -EXCEL_LARGEST, high: int = EXCEL_LARGEST) -> Any:
    """``number`` as a cell of ``style`` when Excel can hold it (between ``low`` and ``high``: not
    NaN nor an infinity, no date before 1900 or after 9999), else ``value`` shown as text."""
    shown = case((number.between(low, high), cast(number, String)))
    return func.coalesce(_wrapped(f'<c s="{style}"><v>', shown), _text(value))


def xlsx_cell(column: Column, value: ColumnElement[Any]) -> ColumnElement[str]:
    """The ``<c>`` element of a value of ``column``; an empty one for NULL."""
    if column.kind is Kind.TEXT:
        cell = _text(value)
    elif column.kind is Kind.INTEGER:
        cell = _number(0, cast(value, Numeric), value)
    elif column.kind is Kind.DECIMAL:
        cell = _number(DECIMAL_STYLE, two_places(value), value)
    elif column.kind is Kind.DATETIME:
        days = func.extract("epoch", cast(value, TIMESTAMP)) / 86400 + 25569
        cell = _number(DATETIME_STYLE, func.round(days, 10), value, 1, LAST_DAY)
    elif column.kind is Kind.DATE:
        serial = cast(value, Date) - func.make_date(1899, 12, 30)
        cell = _number(DATE_STYLE, serial, value, 1, LAST_DAY)
    else:
        cell = _wrapped('<c t="b"><v>', case((value, "1"), (~value, "0")))
    return func.coalesce(cell, EMPTY)
