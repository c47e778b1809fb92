"""Settings validation and password hashing. No I/O."""

from __future__ import annotations

import pytest

from chalicelib.auth import hash_password, verify_password
from chalicelib.settings import SettingsError, get_settings


@pytest.fixture
def environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+pg8000://u@/db")
    monkeypatch.setenv("JWT_SECRET", "secret")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("PRESIGN_EXPIRY_SECONDS", "3600", "between 1 and 900"),
        ("PRESIGN_EXPIRY_SECONDS", "ten", "must be an integer"),
        ("STRIPE_REQUIRE_STATE", "maybe", "true or false"),
        ("JWT_SECRET", "", "JWT_SECRET is not set"),
    ],
    ids=["expiry-too-long", "expiry-not-int", "bad-bool", "no-secret"],
)
def test_bad_settings_fail_with_a_clear_message(environment, name, value, message):
    environment.setenv(name, value)

    with pytest.raises(SettingsError, match=message):
        get_settings().jwt_secret  # noqa: B018 -- secrets are read on first use (chalicelib/settings.py)


def test_download_links_expire_within_fifteen_minutes_by_default(environment):
    assert get_settings().presign_expiry_seconds <= 900


def test_password_hash_verifies_only_the_same_password():
    stored = hash_password("s3cret")

    assert stored.startswith("scrypt$")
    assert verify_password("s3cret", stored)
    assert not verify_password("S3cret", stored)
    assert not verify_password("s3cret", "garbage")
