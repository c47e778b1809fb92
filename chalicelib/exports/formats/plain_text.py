"""Rich text (the HTML of abstracts and biographies, as Open Event's editor saves it) as plain text.

The text is what html-text's ``extract_text`` gives (html-text is made for this: entities decoded,
paragraphs, line breaks and list items turned into line breaks, white space laid out as a browser
would, so that a spreadsheet cell reads like the page), and a test holds the two equal on a corpus
of tricky markup. How it gets there is ours, for speed: ``extract_text`` costs 40 to 100 µs a cell,
in a new parser, a deep copy and several Python passes of its cleaner, and a Python walk of the
tree; the CSVs had twice COPY's time in it.

Here libxml2 parses with the same options and one reused parser, and its parse events go straight
to ``_TextTarget`` (lxml's parser-target interface): no tree is built or walked. The target applies
html-text's cleaner and layout rules to the event stream: what the cleaner kills (scripts, styles,
comments, processing instructions, links, meta, applets, frames) is skipped with its content, what
it unwraps (objects, embeds, iframes) keeps its text, and ``NEWLINE_TAGS`` and
``DOUBLE_NEWLINE_TAGS`` (html-text's own sets) give the line breaks.
"""

from __future__ import annotations

from html_text import DOUBLE_NEWLINE_TAGS, NEWLINE_TAGS
from lxml import etree

# Text with neither is plain already, and parsing it would only collapse its white space.
MARKUP = "[<&]"

# html-text's cleaner: scripts, style, links, meta, frames and (with embedded) applet are killed,
# comments and processing instructions too (lxml's target never hears those without a handler).
_KILLED = frozenset(("script", "style", "link", "meta", "applet", "frameset", "frame", "noframes"))
# embedded: these lose their tags, not their text (a void ``param`` has none either way).
_UNWRAPPED = frozenset(("iframe", "embed", "layer", "object", "param"))
# No space is guessed before these, nor after an opening bracket (html-text's guess_punct_space).
_PUNCTUATION = tuple(',:;.!?")')
_OPENING = ("(", "(\n")
_LINE, _BLANK_LINE = 1, 2  # what the text ends in; 0: in a line, after ``_last``


class _TextTarget:
    """html-text's ``etree_to_text`` as a parser target: a text run is flushed at each tag of the
    kept elements (it is the ``text`` or ``tail`` that the tree would hold there), then the tag's
    line breaks are added. ``reset`` before each parse; ``close`` returns the text."""

    __slots__ = ("_chunks", "_ends", "_killed", "_last", "_run")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._chunks: list[str] = []
        self._run: list[str] = []
        self._last = ""  # the raw text of the last non-blank run (for the punctuation guess)
        self._ends = _BLANK_LINE
        self._killed = 0  # depth inside killed elements

    def _flush(self) -> None:
        raw = "".join(self._run)
        self._run.clear()
        text = " ".join(raw.split())  # html-text's \s+ -> " " on the stripped text: the same classes
        if not text:
            return
        last = self._last
        if not self._ends and (last[-1].isspace() or not (text.startswith(_PUNCTUATION) or last.endswith(_OPENING))):
            self._chunks.append(" ")
        self._chunks.append(text)
        self._last = raw
        self._ends = 0

    def _tag(self, tag: str) -> None:
        if self._run:
            self._flush()
        if self._ends == _BLANK_LINE:  # never more than one blank line
            return
        if tag in DOUBLE_NEWLINE_TAGS:
            self._chunks.append("\n" if self._ends == _LINE else "\n\n")
            self._ends = _BLANK_LINE
        elif tag in NEWLINE_TAGS:
            if self._ends != _LINE:
                self._chunks.append("\n")
            self._ends = _LINE

    def start(self, tag: str, attrib: object) -> None:
        if self._killed:
            self._killed += tag in _KILLED
        elif tag in _KILLED:
            self._killed = 1
        elif tag not in _UNWRAPPED:
            self._tag(tag)

    def end(self, tag: str) -> None:
        if self._killed:
            self._killed -= tag in _KILLED
        elif tag not in _UNWRAPPED:
            self._tag(tag)
            if tag == "html":
                # The root (no other element is ``html``) has ended. libxml2 reports markup after
                # ``</html>`` as a second root, which the tree, and so html-text, leaves out.
                self._killed = 1

    def data(self, text: str) -> None:
        if not self._killed:
            self._run.append(text)

    def close(self) -> str:
        return "".join(self._chunks).strip()


class PlainText:
    """Makes cells plain, one after the other, in one parser (not shareable between threads)."""

    def __init__(self) -> None:
        self._target = _TextTarget()
        # html-text's parser: libxml2's HTML parser, recovering, on UTF-8 bytes.
        self._parser = etree.HTMLParser(target=self._target, recover=True, encoding="utf-8")

    def __call__(self, value: str) -> str:
        """``value`` without its markup; text without ``<`` or ``&`` is returned as it is."""
        if "<" not in value and "&" not in value:
            return value
        self._target.reset()
        text: str = etree.fromstring(value.strip().replace("\x00", "").encode("utf-8"), self._parser)
        return text
