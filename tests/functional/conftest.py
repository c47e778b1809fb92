"""Fixtures for driving the app through Chalice's test client against the running stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import models
from tests.conftest import Stack, empty_tables
from tests.factories import Factory

# Fixtures of the export tests, offered to every functional test module.
from tests.functional.export_helpers import crashing_format, export_queue  # noqa: F401


@pytest.fixture(autouse=True)
def clean_database(stack: Stack) -> Iterator[None]:
    """Every test starts from empty tables (the schema stays)."""
    yield
    empty_tables()


@pytest.fixture
def factory(stack: Stack) -> Factory:
    return Factory()


@pytest.fixture
def admin_token(factory: Factory) -> str:
    """An access token of a site administrator."""
    return factory.token(factory.user(admin=True))


@pytest.fixture
def one_order_event(factory: Factory) -> tuple[models.Event, str]:
    """An event with one order, and the access token of one of its organizers (the export tests' usual case)."""
    event = factory.event(identifier="one-order")
    organizer = factory.staff(event)
    factory.order(event, identifier="O-1")
    return event, factory.token(organizer)
