"""Rich text (the HTML of abstracts and biographies, as Open Event's editor saves it) as plain text.

html-text (on lxml) is made for this: entities decoded, paragraphs, line breaks and list items
turned into line breaks, white space laid out as a browser would, so that a spreadsheet cell reads
like the page. A regular expression would do none of it.

One part is replaced, for speed: html-text's general-purpose cleaner (lxml-html-clean, which also
rewrites links, forms and frames) took two thirds of its time. What text extraction needs of it is
that nothing a browser never shows is kept, so comments, processing instructions, ``<script>``,
``<style>``, ``<template>`` and ``<head>`` are removed with their content by lxml itself, in C.
"""

from __future__ import annotations

import html_text
from lxml import etree

# Text with neither is plain already, and parsing it would only collapse its white space.
MARKUP = "[<&]"
_INVISIBLE = (etree.Comment, etree.ProcessingInstruction, "script", "style", "template", "head")


def plain_text(value: str) -> str:
    """``value`` without its markup; text without ``<`` or ``&`` is returned as it is."""
    if "<" not in value and "&" not in value:
        return value
    tree = html_text.parse_html(value)
    etree.strip_elements(tree, *_INVISIBLE, with_tail=False)
    text: str = html_text.etree_to_text(tree)
    return text
