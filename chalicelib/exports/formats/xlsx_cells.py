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

from chalicelib.exports.formats.table import Column, Kind

CELL_LIMIT = 32_767  # characters in one cell (Excel's specification and limits)
ELLIPSIS = "\u2026"
NOT_IN_XML = "[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"), ("\n", "&#10;"))

# Cell styles of styles.xml (``xlsx_package``), by index.
DATETIME_STYLE, DECIMAL_STYLE, DATE_STYLE, HEADER_STYLE = 1, 2, 3, 4
TEXT_OPEN, TEXT_CLOSE = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
EMPTY = "<c/>"

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


def text_cell(text: str) -> str:
    return TEXT_OPEN + xml_text(text) + TEXT_CLOSE if text else EMPTY


def xml_text_sql(value: Any) -> ColumnElement[str]:
    """``xml_text`` as a SQL expression (NULL for NULL and the empty text)."""
    text: Any = func.nullif(cast(value, String), "")
    text = case((func.length(text) > CELL_LIMIT, func.left(text, CELL_LIMIT - 1) + ELLIPSIS), else_=text)
    text = case((text.regexp_match(NOT_IN_XML), func.regexp_replace(text, NOT_IN_XML, "", "g")), else_=text)
    for plain, escaped in ESCAPES:
        text = func.replace(text, plain, escaped)
    return type_coerce(text, String)


def _wrapped(opening: str, value: Any, closing: str = "</v></c>") -> ColumnElement[str]:
    """``opening value closing``, or an empty cell when ``value`` is NULL."""
    xml: Any = literal(opening, String) + type_coerce(value, String) + literal(closing, String)
    return func.coalesce(xml, EMPTY)


def xlsx_cell(column: Column, value: ColumnElement[Any]) -> ColumnElement[str]:
    """The ``<c>`` element of a value of ``column``."""
    if column.kind is Kind.TEXT:
        return _wrapped(TEXT_OPEN, xml_text_sql(value), TEXT_CLOSE)
    if column.kind is Kind.INTEGER:
        return _wrapped("<c><v>", cast(value, String))
    if column.kind is Kind.DECIMAL:
        return _wrapped(f'<c s="{DECIMAL_STYLE}"><v>', cast(cast(value, Numeric(16, 2)), String))
    if column.kind is Kind.DATETIME:
        days = func.extract("epoch", cast(value, TIMESTAMP)) / 86400 + 25569
        return _wrapped(f'<c s="{DATETIME_STYLE}"><v>', cast(func.round(days, 10), String))
    if column.kind is Kind.DATE:
        serial = cast(value, Date) - func.make_date(1899, 12, 30)
        return _wrapped(f'<c s="{DATE_STYLE}"><v>', cast(serial, String))
    return _wrapped('<c t="b"><v>', case((value, "1"), (~value, "0")))
