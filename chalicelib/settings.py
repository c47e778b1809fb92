"""Settings: one frozen dataclass, read from the environment on first use.

Nothing reads ``os.environ`` at import time: Chalice's test client applies a stage's environment
only during a call, and Lambda cold starts pay for every import.

Secrets (``DATABASE_URL``, ``OPEN_EVENT_DATABASE_URL``, ``JWT_SECRET``, ``STRIPE_SECRET_KEY``) come from their variable when it is
set (development, tests), else from the SSM SecureString that ``<NAME>_PARAMETER`` names (production:
the template sets the names, never the values). They are fetched on first access, so a function
only reads, and only needs IAM access to, the secrets it uses: the worker never asks for the JWT key.
A ``/aws/reference/secretsmanager/<secret>`` name reads a Secrets Manager secret through SSM.

A deployment says so: the template sets ``STAGE`` (the stack's stage; unset means local development,
``make run``, the tests and the CLI). A deployment never signs tokens with the development secret of
this repository or with one shorter than 32 bytes (a guessable HMAC key forges any token): reading
``jwt_secret`` raises ``InsecureSecret`` instead, which the API answers as a 503 with a log line.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TypeVar

log = logging.getLogger(__name__)


class SettingsError(RuntimeError):
    """The environment does not describe a usable deployment."""


class InsecureSecret(SettingsError):
    """A deployment's token-signing secret is public or too short to resist guessing."""


# What ``make run`` and the CLI sign with: public, so never accepted by a deployment.
DEVELOPMENT_JWT_SECRET = "local-development-secret-do-not-deploy"
# RFC 7518 §3.2: an HS256 key of at least 256 bits.
MIN_JWT_SECRET_BYTES = 32


@dataclass(frozen=True)
class Secret:
    """Where one secret setting comes from: its own variable, or the SSM parameter another one names."""

    variable: str
    value: str = field(repr=False)
    parameter: str
    required: bool
    # An optional secret whose named parameter does not exist is simply unset (the Stripe key); one
    # whose mere presence switches a mode (OES's database URL) must exist once it is named.
    missing_parameter_ok: bool

    @classmethod
    def from_environment(cls, variable: str, *, required: bool, missing_parameter_ok: bool | None = None) -> Secret:
        return cls(
            variable=variable,
            value=os.environ.get(variable, ""),
            parameter=os.environ.get(f"{variable}_PARAMETER", ""),
            required=required,
            missing_parameter_ok=not required if missing_parameter_ok is None else missing_parameter_ok,
        )

    @property
    def configured(self) -> bool:
        """Whether the environment gives the secret or names its parameter (read nothing yet)."""
        return bool(self.value or self.parameter)

    def resolve(self) -> str:
        if self.value:
            return self.value
        if self.parameter:
            return _parameter_value(self.variable, self.parameter, missing_ok=self.missing_parameter_ok)
        if self.required:
            raise SettingsError(
                f"{self.variable} is not set: set it, or set {self.variable}_PARAMETER to the name of an SSM"
                " SecureString that holds it"
            )
        return ""


def _parameter_value(variable: str, name: str, *, missing_ok: bool) -> str:
    """The decrypted value of the SSM parameter ``name``, with a clear error when it cannot be read.

    An optional secret (the Stripe key) whose parameter does not exist is simply not configured:
    the feature that needs it answers that it is off.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib import aws  # boto3 only for a deployment that keeps its secrets in SSM

    try:
        value: str = aws.ssm().get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        if code == "ParameterNotFound" and missing_ok:
            log.warning("%s_PARAMETER names %r, which does not exist: %s is not configured", variable, name, variable)
            return ""
        raise SettingsError(f"{variable}_PARAMETER names {name!r}, which cannot be read from SSM: {code}") from None
    except BotoCoreError as error:
        raise SettingsError(f"{variable}_PARAMETER names {name!r}, which cannot be read from SSM: {error}") from None
    if not value:
        raise SettingsError(f"{variable}_PARAMETER names {name!r}, which is empty")
    return value


@dataclass(frozen=True)
class Settings:
    export_bucket: str
    export_queue_url: str
    kms_key_id: str
    jwt_ttl_seconds: int
    jwt_refresh_ttl_seconds: int
    presign_expiry_seconds: int
    export_max_attempts: int
    export_retry_delay_seconds: int
    export_heartbeat_seconds: int
    stripe_connect_base_url: str
    stripe_client_id: str
    stripe_redirect_uri: str
    stripe_require_state: bool
    stripe_timeout_seconds: float
    database_connect_timeout_seconds: float
    database_statement_timeout_seconds: float
    metrics_namespace: str
    feeds_inline_max_bytes: int
    feeds_max_age_seconds: int
    stage: str  # the deployment's stage; empty in local development
    login_window_seconds: int
    login_account_max_failures: int
    login_address_max_failures: int
    database_url_source: Secret = field(repr=False)
    open_event_database_url_source: Secret = field(repr=False)
    jwt_secret_source: Secret = field(repr=False)
    stripe_secret_key_source: Secret = field(repr=False)

    # Secrets are resolved on first access and kept for the life of this Settings (one container).
    @cached_property
    def database_url(self) -> str:
        return self.database_url_source.resolve()

    @cached_property
    def open_event_database_url(self) -> str:
        """Open Event Server's database (read only), or "" in standalone mode."""
        return self.open_event_database_url_source.resolve()

    @property
    def open_event_mode(self) -> bool:
        """Whether OES's data is read from OES's own database, beside a running OES.

        Told by the variable or its parameter's name, without reading SSM: the migrate function needs
        the mode but never OES's database, so its role may not read that parameter.
        """
        return self.open_event_database_url_source.configured

    @cached_property
    def jwt_secret(self) -> str:
        secret = self.jwt_secret_source.resolve()
        if self.stage and secret == DEVELOPMENT_JWT_SECRET:
            raise InsecureSecret(f"JWT_SECRET is the public development secret on stage {self.stage!r}")
        if self.stage and len(secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise InsecureSecret(f"JWT_SECRET is shorter than {MIN_JWT_SECRET_BYTES} bytes on stage {self.stage!r}")
        return secret

    @cached_property
    def stripe_secret_key(self) -> str:
        return self.stripe_secret_key_source.resolve()


Number = TypeVar("Number", int, float)


def _number(name: str, default: Number, *, low: Number, high: Number) -> Number:
    """A number from the environment (unset or empty: the default), checked against its range."""
    raw = os.environ.get(name) or str(default)
    parse = type(default)
    try:
        value = parse(raw)
    except ValueError:
        kind = "an integer" if parse is int else "a number"
        raise SettingsError(f"{name} must be {kind}, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, validated once."""
    return Settings(
        export_bucket=os.environ.get("EXPORT_BUCKET", "open-event-exports"),
        export_queue_url=os.environ.get("EXPORT_QUEUE_URL", ""),
        kms_key_id=os.environ.get("KMS_KEY_ID", "alias/open-event-secrets"),
        jwt_ttl_seconds=_number("JWT_TTL_SECONDS", 24 * 3600, low=60, high=30 * 24 * 3600),
        # "Remember me" on the frontend's login. Open Event Server gives a year; nothing can revoke one
        # here before it expires (deleting the user can), so the default is a month.
        jwt_refresh_ttl_seconds=_number("JWT_REFRESH_TTL_SECONDS", 30 * 24 * 3600, low=60, high=365 * 24 * 3600),
        # The contract: download links expire within 15 minutes.
        presign_expiry_seconds=_number("PRESIGN_EXPIRY_SECONDS", 600, low=1, high=900),
        export_max_attempts=_number("EXPORT_MAX_ATTEMPTS", 3, low=1, high=100),
        # Recovery (docs/faults.md): a crashed attempt's message comes back after this delay, growing
        # with each delivery; a STARTED task silent for this heartbeat is taken over by the relay.
        export_retry_delay_seconds=_number("EXPORT_RETRY_DELAY_SECONDS", 10, low=0, high=300),
        export_heartbeat_seconds=_number("EXPORT_HEARTBEAT_SECONDS", 120, low=1, high=3600),
        stripe_connect_base_url=os.environ.get("STRIPE_CONNECT_BASE_URL", "https://connect.stripe.com").rstrip("/"),
        stripe_client_id=os.environ.get("STRIPE_CLIENT_ID", ""),
        stripe_redirect_uri=os.environ.get("STRIPE_REDIRECT_URI", ""),
        # Off by default: the Open Event frontend's OAuth library (torii) makes and checks its own state
        # in the browser and cannot send ours. A state that is sent is checked either way.
        stripe_require_state=_bool("STRIPE_REQUIRE_STATE", False),
        # Stripe's read timeout; with the client's retries the worst case stays under API Gateway's 29 s.
        stripe_timeout_seconds=_number("STRIPE_TIMEOUT_SECONDS", 7.0, low=0.1, high=20.0),
        # A frozen or overloaded database gives a 503 long before API Gateway's 29 s; the worker's
        # function sets a longer statement timeout in its own environment (.chalice/config.json).
        database_connect_timeout_seconds=_number("DATABASE_CONNECT_TIMEOUT_SECONDS", 3.0, low=0.1, high=60.0),
        database_statement_timeout_seconds=_number("DATABASE_STATEMENT_TIMEOUT_SECONDS", 10.0, low=0.1, high=3600.0),
        # CloudWatch namespace of the embedded metrics (chalicelib.metrics); the template names one per stage.
        metrics_namespace=os.environ.get("METRICS_NAMESPACE") or "OpenEventServerless/local",
        # Live schedule feeds (docs/feeds.md): a larger file is a redirect to the bucket, well inside
        # Lambda's 6 MB response; how long apps and CDNs may reuse an answer before revalidating.
        feeds_inline_max_bytes=_number("FEEDS_INLINE_MAX_BYTES", 4_000_000, low=0, high=5_000_000),
        feeds_max_age_seconds=_number("FEEDS_MAX_AGE_SECONDS", 60, low=0, high=86400),
        stage=os.environ.get("STAGE", ""),
        # Password guessing (chalicelib.login_throttle): this many failures in the window, then 429
        # until it ends. 10 per account per 15 minutes is OWASP's usual lockout (temporary, so no
        # permanent lockout for an attacker to inflict); 100 per address leaves room for an office
        # or a campus behind one NAT, and stays under NIST SP 800-63B's 100 attempts per account.
        login_window_seconds=_number("LOGIN_WINDOW_SECONDS", 15 * 60, low=1, high=24 * 3600),
        login_account_max_failures=_number("LOGIN_ACCOUNT_MAX_FAILURES", 10, low=1, high=100),
        login_address_max_failures=_number("LOGIN_ADDRESS_MAX_FAILURES", 100, low=1, high=10_000),
        database_url_source=Secret.from_environment("DATABASE_URL", required=True),
        open_event_database_url_source=Secret.from_environment(
            "OPEN_EVENT_DATABASE_URL", required=False, missing_parameter_ok=False
        ),
        jwt_secret_source=Secret.from_environment("JWT_SECRET", required=True),
        stripe_secret_key_source=Secret.from_environment("STRIPE_SECRET_KEY", required=False),
    )
