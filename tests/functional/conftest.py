"""Fixtures for driving the app through Chalice's test client against the running stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from chalicelib import models
from chalicelib.db import transaction
from tests.conftest import REPO, Stack, empty_tables
from tests.factories import Factory

# Fixtures of the export tests, offered to every functional test module.
from tests.functional.export_helpers import crashing_format, export_queue  # noqa: F401


@pytest.fixture(autouse=True)
def clean_database(stack: Stack) -> Iterator[None]:
    """Every test starts from empty tables (the schema stays)."""
    yield
    empty_tables()


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app, project_dir=str(REPO)) as test_client:
        yield test_client


@pytest.fixture
def factory(stack: Stack) -> Factory:
    return Factory()


@pytest.fixture
def one_order_event(factory: Factory) -> tuple[models.Event, str]:
    """An event with one order, and the access token of one of its organizers (the export tests' usual case)."""
    event = factory.event(identifier="one-order")
    organizer = factory.staff(event)
    factory.order(event, identifier="O-1")
    return event, factory.token(organizer)


@pytest.fixture
def db_session() -> Iterator[Any]:
    with transaction() as session:
        yield session
