"""Every operation of ``openapi.yaml``, fuzzed by Schemathesis against the running app over HTTP, as
an anonymous caller, an event organizer and an admin: no answer may be a 5xx, every answer must
match the description (status, media type, body schema, headers), a request it calls valid is never
refused as malformed and one it calls invalid never accepted, so that a client generated from it and
the server agree. Valid and invalid requests alike, with a fixed seed: the same cases on every
run. ``make test`` runs ``FUZZ_EXAMPLES`` (default 80) generated cases per operation and role, besides
Schemathesis's examples and its coverage phase; ``make fuzz`` runs 1,000."""

from __future__ import annotations

import os
from collections.abc import Iterator

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.conftest import REPO, empty_tables
from tests.factories import Factory
from tests.fuzz.conftest import SENT
from tests.local_api import serving

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "80"))
SEED = 20261201
# The event and page the description's examples name, so that valid requests reach real rows.
EVENT_IDENTIFIER = "fossasia-demo"

schema = schemathesis.openapi.from_path(
    REPO / "openapi.yaml",
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "allow-x00": False},
            "phases": {"stateful": {"enabled": False}},
            # The feeds' five routes run one code path with a few flags: a quarter of the budget each.
            "operations": [{"include-tag": "feeds", "generation": {"max-examples": max(EXAMPLES // 4, 5)}}],
        }
    ),
).exclude(method="HEAD")  # a HEAD runs its GET's code and answers its headers: fuzzed through the GET

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
    # What the description calls valid is not refused as malformed (400, 406, 415, 422): 2xx, or an
    # answer about the caller (401, 403), a row (404, 409) or the pace (429).
    openapi_checks.positive_data_acceptance,
]


@pytest.fixture(scope="module")
def base_url(stack) -> Iterator[str]:
    with serving() as url:
        yield url


@pytest.fixture(scope="module")
def tokens(stack) -> Iterator[dict[str, str | None]]:
    empty_tables()
    factory = Factory()
    event = factory.event(identifier=EVENT_IDENTIFIER)
    factory.order(event)
    organizer = factory.staff(event)
    yield {"anonymous": None, "organizer": factory.token(organizer), "admin": factory.token(factory.user(admin=True))}
    empty_tables()


@pytest.fixture(scope="module")
def session() -> requests.Session:
    return requests.Session()


@pytest.mark.parametrize("role", ["anonymous", "organizer", "admin"])
@schema.parametrize()
@hypothesis.settings(deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_no_request_breaks_the_server_or_the_description(case, role, base_url, tokens, session):
    token = tokens[role]
    headers = {"Authorization": f"JWT {token}"} if token else {}

    response = case.call(base_url=base_url, session=session, headers=headers, timeout=30)
    SENT[case.operation.label] += 1

    case.validate_response(response, checks=CHECKS, headers=headers)
    assert response.headers.get("access-control-allow-origin") == ["*"], "every answer is CORS-enabled"
