from __future__ import annotations

from dataclasses import dataclass

import pytest

from singlewindow.models import User
from tests import factories

from .helpers import ensure_seeded, join, window_officer


@dataclass
class People:
    clerk: User  # the applicant's declarant
    window: User  # the approval bureau's officer
    planning: User  # an officer of a department that joined (planning)
    land: User  # another joined department
    # Stage 1's other departments (forestry, ocean, environment, development) have not joined: absent.


@pytest.fixture
def people(db: None, settings) -> People:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_seeded()
    return People(clerk=factories.clerk(), window=window_officer(), planning=join("planning"), land=join("land"))
