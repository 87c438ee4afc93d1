"""The portal's settings with the test-only client of the spine (tests/plugin) installed; pytest and
the processes the integration tests start use these."""

from agencies.apps import AGENCIES
from singlewindow.settings import *  # noqa: F403
from singlewindow.settings import INSTALLED_APPS, AgencyPublicKeys
from singlewindow.signatures import development_private_text, public_text

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin"]

# Selection for inspection by risk lane is switched on by the tests about it (credit), so other tests'
# agencies decide as each test configures them.
RISK_LANES = False

# Keys of their own (not the published development keys), the same in every process a test starts: the
# portal's, and each agency's private key, which the simulator and tests/agencies/receipts.py sign with.
TEST_PRIVATE_KEYS = {name: development_private_text(f"tests: {name}") for name in ("portal", *AGENCIES)}
PORTAL_SIGNING_KEY = TEST_PRIVATE_KEYS["portal"]
AGENCY_PUBLIC_KEYS = AgencyPublicKeys({agency: [public_text(TEST_PRIVATE_KEYS[agency])] for agency in AGENCIES})
# What the simulator is started with.
SIMULATOR_KEYS_ENV = {
    "PORTAL_PUBLIC_KEY": public_text(PORTAL_SIGNING_KEY),
    **{f"AGENCY_{agency.upper()}_PRIVATE_KEY": TEST_PRIVATE_KEYS[agency] for agency in AGENCIES},
}

# The live server the browser tests drive speaks plain http: cookies must not be Secure there (with DEBUG
# off, the portal's default is Secure cookies; tests/singlewindow/test_security_settings.py checks it).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# Every user the tests make gets a password (tests/factories.py) and the browser tests log in with it: the
# portal's hasher (PBKDF2, a million rounds) would cost each of them about a second; a cheap hash is checked
# the same way.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
