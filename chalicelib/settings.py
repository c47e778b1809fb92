"""Settings: one frozen dataclass, read from the environment on first use.

Nothing reads ``os.environ`` at import time: Chalice's test client applies a stage's environment
only during a call, and Lambda cold starts pay for every import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


class SettingsError(RuntimeError):
    """The environment does not describe a usable deployment."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    aws_region: str
    export_bucket: str
    export_queue_url: str
    kms_key_id: str
    jwt_secret: str
    jwt_ttl_seconds: int
    presign_expiry_seconds: int
    export_max_attempts: int
    stripe_connect_base_url: str
    stripe_api_base_url: str
    stripe_client_id: str
    stripe_secret_key: str
    stripe_redirect_uri: str
    stripe_require_state: bool
    public_base_url: str


def _int(name: str, default: int, *, low: int, high: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
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


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SettingsError(f"{name} is not set")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, validated once."""
    return Settings(
        database_url=_required("DATABASE_URL"),
        aws_region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        export_bucket=os.environ.get("EXPORT_BUCKET", "open-event-exports"),
        export_queue_url=os.environ.get("EXPORT_QUEUE_URL", ""),
        kms_key_id=os.environ.get("KMS_KEY_ID", "alias/open-event-secrets"),
        jwt_secret=_required("JWT_SECRET"),
        jwt_ttl_seconds=_int("JWT_TTL_SECONDS", 24 * 3600, low=60, high=30 * 24 * 3600),
        # The contract: download links expire within 15 minutes.
        presign_expiry_seconds=_int("PRESIGN_EXPIRY_SECONDS", 600, low=1, high=900),
        export_max_attempts=_int("EXPORT_MAX_ATTEMPTS", 3, low=1, high=100),
        stripe_connect_base_url=os.environ.get("STRIPE_CONNECT_BASE_URL", "https://connect.stripe.com").rstrip("/"),
        stripe_api_base_url=os.environ.get("STRIPE_API_BASE_URL", "https://api.stripe.com").rstrip("/"),
        stripe_client_id=os.environ.get("STRIPE_CLIENT_ID", ""),
        stripe_secret_key=os.environ.get("STRIPE_SECRET_KEY", ""),
        stripe_redirect_uri=os.environ.get("STRIPE_REDIRECT_URI", ""),
        stripe_require_state=_bool("STRIPE_REQUIRE_STATE", True),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
    )
