"""Rich text (the HTML of abstracts and biographies, as Open Event's editor saves it) as plain text.

html-text (lxml underneath) is made for this: tags and comments go, ``<script>`` and ``<style>``
go with their content, entities are decoded, and paragraphs, line breaks and list items become line
breaks, so that a spreadsheet cell reads like the page. A regular expression would do none of it.
"""

from __future__ import annotations

import html_text

# Text with neither is plain already, and parsing it would only collapse its white space.
MARKUP = "[<&]"


def plain_text(value: str) -> str:
    """``value`` without its markup; text without ``<`` or ``&`` is returned as it is."""
    if "<" not in value and "&" not in value:
        return value
    text: str = html_text.extract_text(value)
    return text
