"""What the API takes as text and as JSON at all (``chalicelib.inputs``), and which errors mean the
database cannot serve (``chalicelib.db.unavailable``). No I/O."""

from __future__ import annotations

import pytest
from pg8000.exceptions import DatabaseError, InterfaceError
from sqlalchemy import exc

from chalicelib.db import unavailable
from chalicelib.http import url_id
from chalicelib.inputs import NotJson, json_text_problem, load_json, text_problem


@pytest.mark.parametrize("text", ["", "plain", "émoji 🎉", "\ufffd", "tab\tand\nnewline"])
def test_text_of_unicode_scalar_values_is_text(text):
    assert text_problem(text) is None


@pytest.mark.parametrize(
    "text, problem",
    [
        ("a\x00b", "contains a NUL character"),
        ("\ud800", "contains a lone surrogate (U+D800), which is not a character"),
        ("x\udfffy", "contains a lone surrogate (U+DFFF), which is not a character"),
    ],
)
def test_nul_and_lone_surrogates_are_not_text(text, problem):
    assert text_problem(text) == problem


def test_the_first_string_that_is_not_text_is_found_by_its_pointer():
    document = {"data": {"attributes": {"a/b": ["ok", "bad\x00"]}}}

    assert json_text_problem(document) == ("/data/attributes/a~1b/1", "The value contains a NUL character")


def test_a_member_name_that_is_not_text_points_at_its_object():
    assert json_text_problem({"data": {"\ud800": 1}}) == (
        "/data",
        "A member name contains a lone surrogate (U+D800), which is not a character",
    )


def test_a_document_as_deep_as_the_parser_allows_is_walked_without_recursion():
    deep = load_json("[" * 900 + '"\\u0000"' + "]" * 900)

    assert json_text_problem(deep) == ("/0" * 900, "The value contains a NUL character")


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("{", "not valid JSON"),
        (b"\xff", "not valid JSON"),
        ("[" * 100_000, "nested too deeply"),
        ("9" * 5000, "a number has too many digits"),
    ],
)
def test_what_the_json_parser_cannot_take_is_not_json(raw, reason):
    with pytest.raises(NotJson, match=reason):
        load_json(raw)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", 1),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("9" * 18, None),
        ("²", None),
        ("-1", None),
        ("", None),
    ],
)
def test_an_id_in_a_url_is_ascii_digits_within_integer(text, expected):
    assert url_id(text) == expected


def wrapped(error: Exception, kind: type[exc.DBAPIError] = exc.DBAPIError) -> exc.DBAPIError:
    return kind("SELECT 1", {}, error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(InterfaceError("Can't create a connection to host"), exc.InterfaceError),
        wrapped(DatabaseError({"C": "57014", "M": "canceling statement due to statement timeout"})),
        wrapped(DatabaseError({"C": "53300", "M": "too many connections"})),
        wrapped(DatabaseError({"C": "08006", "M": "connection failure"})),
        exc.TimeoutError("QueuePool limit reached"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
    ],
)
def test_errors_that_mean_the_database_cannot_serve_now(error):
    assert unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(DatabaseError({"C": "23505", "M": "duplicate key"}), exc.IntegrityError),
        wrapped(DatabaseError({"C": "42703", "M": "column does not exist"}), exc.ProgrammingError),
        UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
        RuntimeError("a bug"),
    ],
)
def test_errors_that_are_bugs_or_client_errors_are_not_unavailability(error):
    assert not unavailable(error)
