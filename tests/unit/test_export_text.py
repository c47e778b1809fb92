"""The one text-cleaning function: what XML 1.0 and RFC 5545 consumers refuse never gets through."""

from __future__ import annotations

import pytest
from lxml import etree

from chalicelib.schedule.text import clean, clean_or_none


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("form\x0cfeed", "formfeed"),
        ("nul\x00byte", "nulbyte"),
        ("escape\x1b[0m", "escape[0m"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("crlf\r\nand cr\r", "crlf\nand cr\n"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("non\ufffechars\uffff", "nonchars"),
        ("del\x7f and c1\x85\x9f", "del and c1"),
        ("emoji 🎉 rtl مرحبا שלום", "emoji 🎉 rtl مرحبا שלום"),
        ("& < > ' \"", "& < > ' \""),
    ],
    ids=[
        "plain",
        "form-feed",
        "nul",
        "escape",
        "tab-lf-kept",
        "line-ends",
        "lone-surrogate",
        "non-characters",
        "del-and-c1",
        "emoji-rtl",
        "markup-left-to-the-writer",
    ],
)
def test_clean_removes_what_consumers_refuse(raw: str, expected: str):
    assert clean(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "], ids=["none", "empty", "blank"])
def test_clean_never_writes_none(raw: object):
    assert clean(raw) in {"", "   "}
    assert clean_or_none(raw) is None


def test_clean_output_is_always_writable_as_xml():
    every_bmp_character = "".join(chr(code) for code in range(0x10000))

    element = etree.Element("text")
    element.text = clean(every_bmp_character)

    assert etree.fromstring(etree.tostring(element)).text == element.text
