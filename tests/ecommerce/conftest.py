"""The cross-border world of tests/ecommerce (tests/ecommerce/senders.py), in a test's database."""

from __future__ import annotations

import pytest

from ecommerce.examples import Parties

from .senders import ROLES, World, file_products, make_sender


@pytest.fixture
def world(db: None) -> World:
    parties = Parties()
    w = World(parties)
    for role, attr in ROLES.items():
        w.senders[attr] = make_sender(role, getattr(parties, attr))
    file_products(w.seller.filing)
    return w


@pytest.fixture
def world_tx(transactional_db: None) -> World:
    """The same world in a database that threads see (transactional tests)."""
    parties = Parties()
    w = World(parties)
    for role, attr in ROLES.items():
        w.senders[attr] = make_sender(role, getattr(parties, attr))
    file_products(w.seller.filing)
    return w
