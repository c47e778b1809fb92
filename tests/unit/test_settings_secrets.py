"""Secrets come from their variable, else from the SSM parameter ``<NAME>_PARAMETER`` names, on first use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.settings import Secret, SettingsError, get_settings

SECRET_VARIABLES = ("DATABASE_URL", "OPEN_EVENT_DATABASE_URL", "JWT_SECRET", "STRIPE_SECRET_KEY")


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No secret and no parameter name in the environment; settings read afresh."""
    for variable in SECRET_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(f"{variable}_PARAMETER", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_settings_load_without_secrets_a_function_does_not_use(bare_environment: pytest.MonkeyPatch) -> None:
    bare_environment.setenv("EXPORT_BUCKET", "exports-bucket")

    settings = get_settings()

    assert settings.export_bucket == "exports-bucket"


@pytest.mark.parametrize("attribute", ["database_url", "jwt_secret"])
def test_required_secret_missing_everywhere_names_both_variables(
    bare_environment: pytest.MonkeyPatch, attribute: str
) -> None:
    settings = get_settings()

    with pytest.raises(SettingsError) as raised:
        getattr(settings, attribute)

    assert f"{attribute.upper()} is not set" in str(raised.value)
    assert f"{attribute.upper()}_PARAMETER" in str(raised.value)


def test_optional_secret_missing_everywhere_is_empty(bare_environment: pytest.MonkeyPatch) -> None:
    assert get_settings().stripe_secret_key == ""


def test_without_open_event_database_url_or_its_parameter_the_mode_is_standalone(
    bare_environment: pytest.MonkeyPatch,
) -> None:
    bare_environment.setenv("OPEN_EVENT_DATABASE_URL_PARAMETER", "")  # the template's empty default

    assert get_settings().open_event_mode is False


def test_open_event_mode_is_told_by_the_parameter_name_without_reading_it(
    bare_environment: pytest.MonkeyPatch,
) -> None:
    # No AWS endpoint or credentials here: reading the parameter would fail.
    bare_environment.setenv("OPEN_EVENT_DATABASE_URL_PARAMETER", "/never/read")

    assert get_settings().open_event_mode is True


def test_secret_variable_wins_over_its_parameter(bare_environment: pytest.MonkeyPatch) -> None:
    bare_environment.setenv("JWT_SECRET", "from-the-environment")
    bare_environment.setenv("JWT_SECRET_PARAMETER", "/never/read")

    assert get_settings().jwt_secret == "from-the-environment"


def test_secret_value_never_shows_in_repr(bare_environment: pytest.MonkeyPatch) -> None:
    bare_environment.setenv("JWT_SECRET", "do-not-log-me")

    settings = get_settings()
    settings.jwt_secret  # noqa: B018 -- resolved, and cached on the instance

    assert "do-not-log-me" not in repr(settings)
    assert "do-not-log-me" not in repr(Secret.from_environment("JWT_SECRET", required=True))
