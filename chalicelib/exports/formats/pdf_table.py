"""A printable table as PDF (the tables' PDF form): a title block, one line per row, the column
headings again on every page, closing tables (totals), and "Page n of N" on every page.

fpdf2 lays the pages out and, when the file is written, embeds only the glyphs it used. Fonts ship
in the package, none come from the system: WenQuanYi Micro Hei (Latin, Greek, Cyrillic, Chinese,
Japanese kana, Korean hangul), then, for what it lacks, Noto Sans Arabic, Hebrew, Devanagari and
Thai, Noto Emoji (in black and white) and Noto Sans Symbols (``FALLBACK_FONTS``). Text in a
fallback font or in a right-to-left script is shaped by HarfBuzz (uharfbuzz): Arabic letters
joined, Devanagari and Thai marks placed, right-to-left runs set right to left. A character none
of the fonts has prints as a white square (``NO_GLYPH``), never as nothing.

fpdf2 keeps every page in memory until ``write`` (it cannot send pages out as they are done), so
memory grows with the file, by about 25 KB a page of 45 rows; ``make bench`` measures it at
100,000 rows. Speed: ``cell``, which picks fallback fonts and shapes, costs about 0.7 ms a row;
a cell whose text the main font covers and that needs no shaping (nearly all of them) is drawn
with ``text``, about ten times faster. Text that does not fit its column, on either path, is
cut at the end of its reading order and ends in an ellipsis (for right-to-left text, on its left):
the width is measured as drawn, shaped and in its fallback fonts, so nothing is ever clipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import BinaryIO

from fpdf import FPDF
from fpdf.fonts import TTFFont
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chalicelib.exports.formats.table import PrintedColumn as Column
from chalicelib.models import Event
from chalicelib.schedule.text import clean

# Packaged font files: (package, path inside it).
MAIN_FONT = ("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc")
FALLBACK_FONTS = (
    ("fontpkg_noto_sans_arabic", "files/NotoSansArabic[wdth,wght].ttf"),
    ("manimgx_fonts", "NotoSansHebrew[wght].ttf"),
    ("manimgx_fonts", "NotoSansDevanagari[wght].ttf"),
    ("manimgx_fonts", "NotoSansThai[wght].ttf"),
    ("manimgx_fonts", "NotoEmoji[wght].ttf"),
    ("manimgx_fonts", "NotoSansSymbols[wght].ttf"),
)
# Shaped text is measured exactly only when this times its nominal width would not fit.
SHAPING_MARGIN = 1.25
NO_GLYPH = "\u25a1"  # WHITE SQUARE, in the main font: a character no font has

MARGIN = 28.0  # points: about 1 cm
FONT_SIZE = 7.5
ROW_HEIGHT = 11.0
PADDING = 2.0
STRIPE_GRAY = 240
ELLIPSIS = "\u2026"
# The total page count's placeholder; control characters never survive ``printable``, so no
# text from the database can contain it (an organizer's "{nb}" stays as typed).
PAGE_COUNT = "\x01pages\x01"

# Scripts written right to left, which fpdf2 sets only when shaping is on.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# Bidirectional overrides and other invisible format characters: no glyph in either font, and an
# override could make one cell show text backwards.
# Variation selectors too: an emoji's presentation is the emoji font's either way.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe00-\ufe0f\ufeff]")

# Dates as people read them, in the event's zone (the title block names it).
PRINTED_DATE = "YYYY-MM-DD HH24:MI"


def printable(value: object) -> str:
    """``value`` as one line of text a PDF can show: no controls, no line breaks, no overrides."""
    text = clean(value)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class TitleBlock:
    title: str  # the event's name
    subtitle: str  # what the table lists
    details: str  # the event's dates and zone


def title_block(session: Session, event: Event, subtitle: str) -> TitleBlock:
    """The event's name, ``subtitle``, and the event's dates in its zone (as PostgreSQL prints them)."""
    date = PRINTED_DATE
    starts, ends = session.execute(
        select(func.to_char(Event.starts_at, date), func.to_char(Event.ends_at, date)).where(Event.id == event.id)
    ).one()
    return TitleBlock(event.name, subtitle, f"{starts} to {ends} ({event.timezone})")


class _NoText(int):
    """A code point written as nothing in a font's ToUnicode map. HarfBuzz may draw one character
    with several glyphs (Noto Sans Arabic draws the dots of a letter apart); fpdf2 maps the first
    to the character and leaves the others out of the map, which readers then extract as control
    codes inside a name. Mapped to nothing, they extract as nothing: the text is the data."""

    def __format__(self, spec: str) -> str:
        return ""


NO_TEXT = _NoText(0)


def _font_file(package_and_path: tuple[str, str]) -> str:
    package, path = package_and_path
    return str(files(package).joinpath(path))


def _characters(pdf: FPDF, font: str) -> frozenset[str]:
    """The characters ``font`` (added to ``pdf``) has a glyph for."""
    return frozenset(map(chr, getattr(pdf.fonts[font], "cmap", {})))


class _Document(FPDF):
    """fpdf2's document with our footer: the event's name, and the page number out of the total."""

    def __init__(self, table: TablePdf) -> None:
        super().__init__(orientation="L", unit="pt", format="A4")
        self._table = table

    def footer(self) -> None:
        self._table.footer()


class TablePdf:
    """Call ``table`` to start a table (a caption, its columns), ``row`` for each row, then ``write``."""

    def __init__(self, title: TitleBlock) -> None:
        pdf = self._pdf = _Document(self)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)  # rows break pages themselves, so that headings follow
        pdf.c_margin = PADDING
        pdf.alias_nb_pages(PAGE_COUNT)
        pdf.set_title(printable(title.title))
        pdf.add_font("main", fname=_font_file(MAIN_FONT))
        fallbacks = [f"fallback{index}" for index in range(len(FALLBACK_FONTS))]
        for name, font in zip(fallbacks, FALLBACK_FONTS, strict=True):
            pdf.add_font(name, fname=_font_file(font))
        pdf.set_fallback_fonts(["main", *fallbacks])
        pdf.set_font("main", size=FONT_SIZE)
        self._covered = _characters(pdf, "main")
        self._fallbacks = {name: _characters(pdf, name) for name in fallbacks}
        self._printable = self._covered.union(*self._fallbacks.values())
        self._fonts = [font for font in pdf.fonts.values() if isinstance(font, TTFFont)]
        self._nominal: dict[str, float] = {}
        self._footer = printable(title.title)
        self._columns: Sequence[Column] = ()
        self._lefts: list[float] = []
        self._widths: list[float] = []
        self._table_width = 0.0
        self._rows_on_page = 0
        pdf.add_page()
        self._title_block(title)

    # -- layout ------------------------------------------------------------------------------

    def _title_block(self, title: TitleBlock) -> None:
        pdf, width = self._pdf, self._pdf.epw
        for text, size, height in ((title.title, 14, 20), (title.subtitle, 10, 14), (title.details, 8, 14)):
            pdf.set_font_size(size)
            self._text(printable(text), MARGIN, pdf.get_y(), width, height)
            pdf.set_y(pdf.get_y() + height)
        pdf.set_font_size(FONT_SIZE)
        pdf.set_y(pdf.get_y() + ROW_HEIGHT / 2)

    def table(self, columns: Sequence[Column], caption: str = "") -> None:
        """Start a table below what is on the page (on a new page if little room is left)."""
        self._columns = columns
        self._widths = [column.share * self._pdf.epw for column in columns]
        self._lefts = [MARGIN + sum(self._widths[:index]) for index in range(len(columns))]
        self._table_width = sum(self._widths)
        if self._pdf.get_y() + 4 * ROW_HEIGHT > self._bottom:
            self._new_page()
        elif caption:
            self._pdf.set_y(self._pdf.get_y() + ROW_HEIGHT / 2)
        if caption:
            self._text(printable(caption), MARGIN, self._pdf.get_y(), self._pdf.epw, ROW_HEIGHT + 4)
            self._pdf.set_y(self._pdf.get_y() + ROW_HEIGHT + 4)
        self._headings()

    @property
    def _bottom(self) -> float:
        return self._pdf.h - MARGIN - ROW_HEIGHT  # the footer's line below

    def _new_page(self) -> None:
        self._pdf.add_page()

    def _headings(self) -> None:
        pdf, y = self._pdf, self._pdf.get_y()
        pdf.set_fill_color(STRIPE_GRAY - 30)
        pdf.rect(MARGIN, y, self._table_width, ROW_HEIGHT, style="F")
        pdf.set_fill_color(0)  # the text's colour: fpdf2 wraps every text in q/Q while they differ
        for column, left, width in zip(self._columns, self._lefts, self._widths, strict=True):
            self._text(column.title, left, y, width, ROW_HEIGHT, column.numeric)
        pdf.set_y(y + ROW_HEIGHT)
        self._rows_on_page = 0

    def row(self, cells: Sequence[object]) -> None:
        """One line of the current table; each cell is shown as ``printable`` makes it."""
        pdf = self._pdf
        if pdf.get_y() + ROW_HEIGHT > self._bottom:
            self._new_page()
            self._headings()
        y = pdf.get_y()
        if self._rows_on_page % 2:
            pdf.set_fill_color(STRIPE_GRAY)
            pdf.rect(MARGIN, y, self._table_width, ROW_HEIGHT, style="F")
            pdf.set_fill_color(0)
        for cell, column, left, width in zip(cells, self._columns, self._lefts, self._widths, strict=True):
            self._text(printable(cell), left, y, width, ROW_HEIGHT, column.numeric)
        pdf.set_y(y + ROW_HEIGHT)
        self._rows_on_page += 1

    def footer(self) -> None:
        pdf, y = self._pdf, self._pdf.h - MARGIN - ROW_HEIGHT
        half = pdf.epw / 2
        self._text(self._footer, MARGIN, y, half, ROW_HEIGHT)
        pdf.set_xy(MARGIN + half, y)
        pdf.cell(half, ROW_HEIGHT, f"Page {pdf.page_no()} of {PAGE_COUNT}", align="R")

    # -- text ----------------------------------------------------------------------------------

    def _text(self, text: str, x: float, y: float, width: float, height: float, right: bool = False) -> None:
        if not text:
            return
        if text.isascii() or (self._covered.issuperset(text) and not _RIGHT_TO_LEFT.search(text)):
            self._plain_text(text, x, y, width, height, right)
        else:
            self._shaped_text(text, x, y, width, height, right)

    def _plain_text(self, text: str, x: float, y: float, width: float, height: float, right: bool) -> None:
        """The fast path: the main font has every glyph, nothing to shape."""
        pdf, room = self._pdf, width - 2 * PADDING
        text_width = self._width(text)
        if text_width > room:
            text = _cut(text, room, self._width)
            text_width = self._width(text)
        left = x + width - PADDING - text_width if right else x + PADDING
        pdf.text(left, y + height / 2 + 0.35 * pdf.font_size, text)

    def _width(self, text: str) -> float:
        # The main font's own measure: ``get_string_width`` parses the text for fallback fonts and
        # markup first, which took most of the time of a row.
        font = self._pdf.current_font
        assert font is not None
        return float(font.get_text_width(text, self._pdf.font_size_pt, None)[1])

    def _shaped_text(self, text: str, x: float, y: float, width: float, height: float, right: bool) -> None:
        """The slow path: fallback fonts for the main font's missing glyphs, shaped, right-to-left
        runs set right to left; measured as drawn, so that it is cut before it could overflow."""
        pdf, room = self._pdf, width - 2 * PADDING
        if not self._printable.issuperset(text):
            text = "".join(character if character in self._printable else NO_GLYPH for character in text)
        right_to_left = _RIGHT_TO_LEFT.search(text)
        if right_to_left:
            # The script's font first, for its spaces too: one run, shaped and ordered as one.
            letter = right_to_left.group()
            pdf.set_font(next(name for name, font in self._fallbacks.items() if letter in font))
        pdf.set_text_shaping(True)
        if self._nominal_width(text) * SHAPING_MARGIN > room and pdf.get_string_width(text) > room:
            text = _cut(text, room, pdf.get_string_width)
        pdf.set_xy(x, y)
        pdf.cell(width, height, text, align="R" if right else "L")
        pdf.set_text_shaping(False)
        if right_to_left:
            pdf.set_font("main")
        # fpdf2 (2.8.9) may leave a fallback font selected in the page's content while it believes
        # the main one is, and write the next text with no font; make it select the font again.
        pdf.current_font_is_set_on_page = False

    def _nominal_width(self, text: str) -> float:
        """An upper bound of ``text``'s drawn width, without shaping it: each character's widest
        glyph among the fonts. Shaping (joined forms, ligatures, marks) made every text we tried
        narrower, never wider; ``SHAPING_MARGIN`` covers what we did not try."""
        widths = self._nominal
        total = 0.0
        for character in text:
            width = widths.get(character)
            if width is None:
                width = widths[character] = max(font.cw.get(ord(character), 0) for font in self._fonts)
            total += width
        return total * self._pdf.font_size / 1000

    # -- output --------------------------------------------------------------------------------

    def write(self, out: BinaryIO) -> None:
        """The whole file to ``out`` (fpdf2 builds it in memory: it is a fraction of the pages' size)."""
        for font in self._pdf.fonts.values():
            for glyph, _ in font.subset.items() if isinstance(font, TTFFont) else ():
                if glyph is not None and glyph.unicode == ():
                    glyph.unicode = (NO_TEXT,)
        out.write(self._pdf.output())


def _cut(text: str, room: float, width: Callable[[str], float]) -> str:
    """The longest start of ``text`` (in reading order) that fits in ``room`` with an ellipsis after it."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if width(text[:middle] + ELLIPSIS) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
