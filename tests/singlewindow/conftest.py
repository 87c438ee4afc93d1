import pytest

from singlewindow.choices import OrganisationKind, Role
from singlewindow.models import User

from .. import factories


@pytest.fixture
def manager(db: None) -> User:
    """A client enterprise's manager (who decides its delegations)."""
    return factories.clerk(role=Role.MANAGER)


@pytest.fixture
def broker(db: None) -> User:
    """A customs broker's user."""
    return factories.UserFactory(organisation=factories.OrganisationFactory(kind=OrganisationKind.BROKER))
