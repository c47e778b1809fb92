"""A thin client for Stripe Connect's OAuth endpoints, over a ``requests.Session`` it is given.

Failures leave as our errors, never as ``requests`` exceptions:

- the organizer's code is refused (``invalid_grant``, ``invalid_request``) -> ``ValidationError`` 422
  at ``/data/attributes/stripe-auth-code`` with Stripe's ``error_description``;
- Stripe cannot be reached or does not answer in time -> ``ServiceUnavailable`` 503;
- any other answer (5xx after the retries, non-JSON, a refusal of the platform's own credentials,
  missing fields) -> ``BadGateway`` 502.

Connection errors and 5xx answers are retried with backoff; 4xx answers never are, and neither is
a read timeout: Stripe may already have consumed the one-time code.
No token is ever part of a message, a log line or a ``repr``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from chalicelib.errors import BadGateway, ServiceUnavailable, ValidationError
from chalicelib.stripe import CODE_POINTER

log = logging.getLogger(__name__)

# OAuth errors that describe the organizer's code rather than the platform's configuration.
_CODE_ERRORS = frozenset({"invalid_grant", "invalid_request"})


@dataclass(frozen=True)
class StripeCredentials:
    """What a successful exchange gives the platform. The tokens stay out of ``repr``."""

    stripe_user_id: str
    stripe_publishable_key: str
    livemode: bool
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. With the default retries, the worst case stays under API Gateway's 29 s limit."""

    connect: float = 3.05
    read: float = 7.0


class StripeConnectClient:
    """``exchange_code`` and ``deauthorize`` against ``<base_url>/oauth/...``."""

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str,
        client_id: str,
        secret_key: str,
        timeouts: Timeouts = Timeouts(),
        retries: int = 2,
        backoff_factor: float = 0.5,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._secret_key = secret_key
        self._timeout = (timeouts.connect, timeouts.read)
        retry = Retry(
            total=retries,
            connect=retries,
            read=False,  # a read timeout is raised as such, never retried
            status=retries,
            other=0,
            allowed_methods=frozenset({"POST"}),  # both calls are safe to repeat when Stripe failed
            status_forcelist=frozenset(range(500, 600)),
            backoff_factor=backoff_factor,
            raise_on_status=False,  # the last 5xx comes back as a response, and becomes a 502
        )
        session.mount(self._base_url + "/", HTTPAdapter(max_retries=retry))

    def exchange_code(self, code: str) -> StripeCredentials:
        """The connected account's credentials for a one-time authorization ``code``."""
        form = {"client_secret": self._secret_key, "code": code, "grant_type": "authorization_code"}
        status, answer = self._post("/oauth/token", form)
        if status >= 400:
            raise self._oauth_error(status, answer, code_errors=_CODE_ERRORS)
        try:
            return StripeCredentials(
                stripe_user_id=_text(answer, "stripe_user_id"),
                stripe_publishable_key=_text(answer, "stripe_publishable_key"),
                livemode=bool(answer.get("livemode", False)),
                access_token=_text(answer, "access_token"),
                refresh_token=answer.get("refresh_token") if isinstance(answer.get("refresh_token"), str) else None,
            )
        except KeyError as missing:
            raise BadGateway(f"Stripe's token answer lacks {missing.args[0]}") from None

    def deauthorize(self, stripe_user_id: str) -> None:
        """Revoke the platform's access to the account; an account already disconnected is fine."""
        form = {"client_id": self._client_id, "stripe_user_id": stripe_user_id}
        status, answer = self._post("/oauth/deauthorize", form, bearer=self._secret_key)
        if status < 400:
            return
        description = str(answer.get("error_description", ""))
        if answer.get("error") == "invalid_client" and "not connected" in description.lower():
            log.info("Stripe account %s was already disconnected", stripe_user_id)
            return
        raise self._oauth_error(status, answer, code_errors=frozenset())

    def _post(self, path: str, form: dict[str, str], *, bearer: str | None = None) -> tuple[int, dict[str, Any]]:
        headers = {"Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            response = self._session.post(self._base_url + path, data=form, headers=headers, timeout=self._timeout)
        except requests.Timeout:
            raise ServiceUnavailable("Stripe did not answer in time; try again later") from None
        except requests.RequestException as error:
            log.warning("Stripe %s unreachable: %s", path, type(error).__name__)
            raise ServiceUnavailable("Stripe cannot be reached; try again later") from None
        if response.status_code >= 500:
            raise BadGateway(f"Stripe answered {response.status_code}; try again later")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise BadGateway(f"Stripe answered {response.status_code} with something other than a JSON object")
        return response.status_code, answer

    @staticmethod
    def _oauth_error(status: int, answer: dict[str, Any], *, code_errors: frozenset[str]) -> Exception:
        error = str(answer.get("error", ""))
        if error in code_errors:
            return ValidationError(str(answer.get("error_description") or error), pointer=CODE_POINTER)
        # Anything else is about the platform (wrong keys, test/live mismatch): not the caller's fault,
        # and Stripe's description may name our key, so it goes to the log only by its error code.
        log.error("Stripe refused the platform's request: %s %s", status, error or "(no error code)")
        return BadGateway("Stripe refused the platform's request; the operator must check the Stripe settings")


def _text(answer: dict[str, Any], name: str) -> str:
    value = answer.get(name)
    if not isinstance(value, str) or not value:
        raise KeyError(name)
    return value
