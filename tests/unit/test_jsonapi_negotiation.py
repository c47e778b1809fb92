"""Content negotiation: which Accept and Content-Type headers a JSON:API route takes."""

from __future__ import annotations

import pytest

from chalicelib.errors import NotAcceptable, UnsupportedMediaType
from chalicelib.jsonapi import check_accept, check_content_type


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "application/vnd.api+json",
        "*/*",
        "application/*",
        "text/html,application/xhtml+xml,*/*;q=0.8",
        "application/json, application/vnd.api+json;q=0.5",
        "application/vnd.api+json; ext=bulk, application/vnd.api+json",
        "APPLICATION/VND.API+JSON",
    ],
    ids=["absent", "exact", "any", "application-any", "browser", "with-quality", "one-bare-among-extended", "case"],
)
def test_acceptable_accept_headers(accept):
    check_accept({} if accept is None else {"accept": accept})


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "text/html, application/xml",
        "application/vnd.api+json; ext=bulk",
        "application/vnd.api+json; ext=bulk, */*",
        "application/vnd.api+json;q=0, text/plain",
        "*/*;q=0",
    ],
    ids=["json", "html-xml", "extension", "extension-even-with-wildcard", "refused-by-quality", "wildcard-refused"],
)
def test_unacceptable_accept_headers_are_406(accept):
    with pytest.raises(NotAcceptable):
        check_accept({"accept": accept})


def test_jsonapi_content_type_is_accepted():
    check_content_type({"content-type": "application/vnd.api+json"})


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "application/vnd.api+json; charset=utf-8",
        "application/vnd.api+json;ext=bulk",
        "text/plain",
    ],
    ids=["absent", "json", "charset-parameter", "extension-parameter", "text"],
)
def test_other_content_types_are_415(content_type):
    with pytest.raises(UnsupportedMediaType):
        check_content_type({} if content_type is None else {"content-type": content_type})
