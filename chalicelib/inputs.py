"""What the API accepts as text and as JSON at all, before any route reads a value.

PostgreSQL stores neither NUL nor lone surrogates (U+D800-U+DFFF), and pg8000 fails on a surrogate
while it is writing a message, leaving its connection out of step with the server. So no such
string may travel further than the boundary: query strings and path segments are checked by the
HTTP middleware, JSON bodies and the ``filter`` parameter where they are parsed. JSON parsing has
its own limits (nesting, Python's 4,300-digit cap on integers), which are client errors too.
"""

from __future__ import annotations

import json
import re
from typing import Any

_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
# PostgreSQL ``integer`` (every id, and integer attributes): a bigger number would reach the
# database and fail there.
INTEGER_RANGE = (-(2**31), 2**31 - 1)


class NotJson(ValueError):
    """The text is not a JSON document we can read; the message says why, for the client."""


def text_problem(text: str) -> str | None:
    """Why ``text`` is not storable text (a NUL, a lone surrogate), or None."""
    match = _NOT_TEXT.search(text)
    if match is None:
        return None
    if match.group() == "\x00":
        return "contains a NUL character"
    return f"contains a lone surrogate (U+{ord(match.group()):04X}), which is not a character"


def pointer_token(name: str) -> str:
    """A JSON Pointer reference token (RFC 6901), so that a name with a '/' still points at itself."""
    return name.replace("~", "~0").replace("/", "~1")


def load_json(raw: str | bytes) -> Any:
    """The parsed document; ``NotJson`` when it is not JSON or exceeds what the parser takes."""
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotJson(f"not valid JSON: {error}") from None
    except RecursionError:  # json's C scanner gives up on a few thousand nested arrays
        raise NotJson("nested too deeply") from None
    except ValueError:  # int(): "Exceeds the limit (4300 digits) for integer string conversion"
        raise NotJson("a number has too many digits") from None


def json_text_problem(document: Any) -> tuple[str, str] | None:
    """``(pointer, problem)`` for the first string of a parsed document (member names included) that
    is not text, or None. Iterative: a document nested as deep as the parser allows is no crash."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        pointer, value = pending.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return pointer, f"The value {problem}"
        elif isinstance(value, list):
            pending.extend((f"{pointer}/{index}", item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for name in value:
                problem = text_problem(name)
                if problem:
                    return pointer, f"A member name {problem}"
            pending.extend((f"{pointer}/{pointer_token(name)}", item) for name, item in reversed(value.items()))
    return None
