"""The portal's settings with the test-only client of the spine (tests/plugin) installed; pytest and
the processes the integration tests start use these."""

from singlewindow.settings import *  # noqa: F403
from singlewindow.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin"]

# Selection for inspection by risk lane is switched on by the tests about it (credit), so other tests'
# agencies decide as each test configures them.
RISK_LANES = False
