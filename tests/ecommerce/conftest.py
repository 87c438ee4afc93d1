"""The cross-border world of tests/ecommerce (tests/ecommerce/senders.py), in a test's database."""

from __future__ import annotations

import pytest

from .senders import World, world_make


@pytest.fixture
def world(db: None) -> World:
    return world_make()


@pytest.fixture
def world_tx(transactional_db: None) -> World:
    """The same world in a database that threads see (transactional tests)."""
    return world_make()
