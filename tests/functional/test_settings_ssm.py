"""Production secrets are SSM SecureStrings, read through the parameter names the template sets."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from chalicelib import aws
from chalicelib.settings import SettingsError, get_settings
from tests.conftest import Stack, reset_process_state


@pytest.fixture
def ssm_settings(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The stack's environment without the secrets in clear; settings read afresh, and restored after."""
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    yield monkeypatch
    monkeypatch.undo()
    reset_process_state()


def put_secure_string(value: str) -> str:
    name = f"/open-event/test-{uuid.uuid4().hex[:8]}/secret"
    aws.ssm().put_parameter(Name=name, Value=value, Type="SecureString")
    return name


def use_parameter(monkeypatch: pytest.MonkeyPatch, variable: str, name: str) -> None:
    monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv(f"{variable}_PARAMETER", name)
    get_settings.cache_clear()


@pytest.mark.parametrize("variable", ["DATABASE_URL", "OPEN_EVENT_DATABASE_URL", "JWT_SECRET", "STRIPE_SECRET_KEY"])
def test_secret_is_read_from_its_secure_string(ssm_settings: pytest.MonkeyPatch, variable: str) -> None:
    name = put_secure_string(f"value-of-{variable}")
    use_parameter(ssm_settings, variable, name)

    value = getattr(get_settings(), variable.lower())

    assert value == f"value-of-{variable}"


def test_secret_is_read_once_per_container(ssm_settings: pytest.MonkeyPatch) -> None:
    name = put_secure_string("first")
    use_parameter(ssm_settings, "JWT_SECRET", name)
    settings = get_settings()
    assert settings.jwt_secret == "first"

    aws.ssm().put_parameter(Name=name, Value="rotated", Type="SecureString", Overwrite=True)

    assert get_settings().jwt_secret == "first"


def test_missing_parameter_of_a_required_secret_is_a_clear_error(ssm_settings: pytest.MonkeyPatch) -> None:
    use_parameter(ssm_settings, "JWT_SECRET", "/open-event/nowhere/jwt-secret")

    with pytest.raises(
        SettingsError, match=r"JWT_SECRET_PARAMETER names '/open-event/nowhere/jwt-secret'.*ParameterNotFound"
    ):
        get_settings().jwt_secret  # noqa: B018


def test_missing_parameter_of_the_stripe_key_turns_stripe_off(ssm_settings: pytest.MonkeyPatch) -> None:
    use_parameter(ssm_settings, "STRIPE_SECRET_KEY", "/open-event/nowhere/stripe-secret-key")

    assert get_settings().stripe_secret_key == ""


def test_missing_parameter_of_the_open_event_database_url_is_a_clear_error(ssm_settings: pytest.MonkeyPatch) -> None:
    # Open Event mode is on once the parameter is named: falling back to standalone would read and
    # migrate the wrong database.
    use_parameter(ssm_settings, "OPEN_EVENT_DATABASE_URL", "/open-event/nowhere/open-event-database-url")

    with pytest.raises(SettingsError, match=r"OPEN_EVENT_DATABASE_URL_PARAMETER names .*ParameterNotFound"):
        get_settings().open_event_database_url  # noqa: B018
