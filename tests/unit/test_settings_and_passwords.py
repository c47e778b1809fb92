"""Settings validation and password hashing. No I/O."""

from __future__ import annotations

import base64
import hashlib

import pytest

from chalicelib.auth import hash_password, verify_password
from chalicelib.settings import SettingsError, get_settings
from tests.factories import legacy_password_hash


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

    assert verify_password("s3cret", stored.password, stored.salt)
    assert not verify_password("S3cret", stored.password, stored.salt)
    assert not verify_password("s3cret", "garbage", stored.salt)


def test_passwords_are_stored_as_flask_scrypt_stores_them():
    """OES's ``User.password``: base64(scrypt(password, salt text, N=2**14, r=8, p=1, 64 bytes)), salt
    the base64 of 64 random bytes; so a password set at OES verifies here, and one set here at OES."""
    stored = hash_password("s3cret")

    assert len(base64.b64decode(stored.salt)) == 64
    expected = hashlib.scrypt(b"s3cret", salt=stored.salt.encode(), n=2**14, r=8, p=1, dklen=64)
    assert base64.b64decode(stored.password) == expected
    assert len(stored.password) <= 128  # users._password is varchar(128)


def test_a_hash_from_before_the_oes_shape_still_verifies():
    """Revision i18_core_0001_oes_shape kept the old hashes (salt NULL): they verify as they did."""
    old = legacy_password_hash("s3cret")

    assert verify_password("s3cret", old, None)
    assert not verify_password("S3cret", old, None)
    assert not verify_password("s3cret", "garbage", None)
