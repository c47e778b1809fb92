"""Download links as a real S3 checks them: LocalStack with signature validation on (moto accepts any URL).

Runs under ``make test-localstack``; skipped against moto.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import requests

from tests.conftest import Stack
from tests.functional.export_helpers import (
    read_task,
    run_worker,
    start_export,
    task_url_of,
)


@pytest.fixture(scope="module")
def localstack(stack: Stack) -> Stack:
    try:
        healthy = requests.get(f"{stack.aws_endpoint}/_localstack/health", timeout=5).ok
    except requests.RequestException:
        healthy = False
    if not healthy:
        pytest.skip("needs LocalStack (make test-localstack): moto does not verify presigned URLs")
    return stack


@pytest.fixture
def download_url(client, localstack, export_queue, factory) -> str:
    event = factory.event(identifier="presign-check")
    ticket = factory.ticket(event)
    factory.order(event, identifier="P-1", amount=5, tickets=[(ticket, 1)])
    token = factory.token(factory.staff(event))
    task_url = task_url_of(start_export(client, token, event.identifier))
    run_worker(client, localstack)
    url: str = read_task(client, token, task_url)["result"]["download_url"]
    return url


def replace_query(name: str, value: str) -> Callable[[str], str]:
    return lambda url: re.sub(rf"([?&]{name}=)[^&]*", rf"\g<1>{value}", url)


def forge_signature(url: str) -> str:
    """The same URL with the last digit of its signature changed."""
    head, _, tail = url.partition("X-Amz-Signature=")
    signature, separator, rest = tail.partition("&")
    last = "1" if signature[-1] == "0" else "0"
    return f"{head}X-Amz-Signature={signature[:-1]}{last}{separator}{rest}"


def test_download_url_is_accepted_as_issued(download_url: str) -> None:
    response = requests.get(download_url, timeout=30)

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # the orders CSV, with its BOM


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace("presign-check-orders.csv", "presign-check-orders2.csv"),
        replace_query("X-Amz-Expires", "604800"),
        replace_query("response-content-disposition", "inline"),
        forge_signature,
    ],
    ids=["other-object", "longer-expiry", "other-disposition", "forged-signature"],
)
def test_tampered_download_url_is_refused(download_url: str, tamper: Callable[[str], str]) -> None:
    tampered = tamper(download_url)
    assert tampered != download_url

    response = requests.get(tampered, timeout=30)

    assert response.status_code == 403
