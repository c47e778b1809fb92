"""The one text-cleaning function every string passes through before it reaches XML or iCalendar.

XML 1.0 forbids the C0 controls other than TAB, LF and CR, lone surrogates, and U+FFFE/U+FFFF: a
pasted form feed made pretalx's schedule.xml unreadable (pretalx#496), and lxml refuses to write
such a string at all. iCalendar text has the same hazards in the apps that read it.
"""

from __future__ import annotations

import re

# Everything outside the XML 1.0 ``Char`` production, plus DEL and the C1 controls: XML 1.0
# discourages them and RFC 5545 forbids DEL in TEXT (the strict ``ical`` parser rejects it).
# Surrogates appear in a Python str only when they are lone (e.g. decoded with
# ``surrogateescape``): a valid pair is one code point.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: object) -> str:
    """``value`` as text that every XML and iCalendar consumer accepts; ``None`` becomes ``""``.

    Never writes the text ``None`` (Open Event Server did, in iCal descriptions). Line ends are
    normalised to LF so that each format can write its own.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():  # the common case, checked in C: nothing to remove
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", text)


def clean_or_none(value: object) -> str | None:
    """Like ``clean``, but blank text becomes ``None`` so that optional fields can be left out."""
    text = clean(value)
    return text if text.strip() else None
