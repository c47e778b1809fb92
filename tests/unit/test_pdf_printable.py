"""What a PDF cell shows of a text: one line, no controls, no bidirectional overrides."""

from __future__ import annotations

import pytest

from chalicelib.exports.formats.pdf_table import printable


@pytest.mark.parametrize(
    "value,expected",
    [
        (None, ""),
        (42, "42"),
        ("Line\nBreak\r\nand\ttab", "Line Break and tab"),
        ("Bell\x07Escape\x1b", "BellEscape"),
        ("  spaced   out  ", "spaced out"),
        ("rlo\u202eevil", "rloevil"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("Zoë 東京 محمد", "Zoë 東京 محمد"),
        ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),
    ],
    ids=["none", "number", "line-breaks", "controls", "spaces", "override", "invisible", "scripts", "formula"],
)
def test_printable_is_one_clean_line(value, expected):
    assert printable(value) == expected
