"""Settings for the Single Window portal: one file, read from the environment, safe defaults.

With no environment at all the portal runs embedded: SQLite, an in-process cache and tasks run
in-process. Production (docker-compose.yml) sets DATABASE_URL, REDIS_URL and SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from singlewindow.signatures import development_private_text, public_text

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset or empty means the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case; unset or empty means the default. Anything else
    is refused rather than read as false (SECURE_COOKIES=ture must not quietly turn security off)."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: "
        "use 1/0, true/false, yes/no or on/off (any case), or leave it empty for the default."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "singlewindow",
    "credit",
    "licensing",
    "approvals",
    "ecommerce",
    "declarations",
    "vessels",
    "agencies",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is chosen (its refusals are in the request's language), before anything else reads
    # the path or the body.
    "singlewindow.middleware.RefuseMalformedRequestMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "singlewindow.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "singlewindow.urls"
WSGI_APPLICATION = "singlewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "singlewindow.context_processors.broker_clients",
                "singlewindow.context_processors.unread_notifications",
                "singlewindow.context_processors.portal_operator",
            ],
        },
    },
]

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'singlewindow.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
elif env_bool("DATABASE_SERVER_SIDE_BINDING", True):
    # Parameters sent apart from the statement, and a statement run 5 times on a connection prepared once: the
    # server parses and plans the hot queries once per connection, not per call (a submission's 30 statements:
    # ~15 % less CPU in the portal, ~40 % less time in PostgreSQL). Off (0) behind a pooler in transaction
    # mode, where a prepared statement does not survive its connection being handed to another client.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "singlewindow.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username + address before the password
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the page of the user's work (singlewindow/menu.py: landing_page)
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production images run collectstatic and set STATIC_MANIFEST=1 for hashed, compressed files.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
WHITENOISE_MANIFEST_STRICT = False
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Attached documents (随附单证): what may be uploaded and how large.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
# A declaration carries at most this many goods lines (China's single window: 50).
DECLARATION_MAX_LINES = env_int("DECLARATION_MAX_LINES", 50)
# ERP import: the largest file accepted and the most declarations (or workbook rows) in one file.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 2**20)
IMPORT_MAX_DECLARATIONS = env_int("IMPORT_MAX_DECLARATIONS", 5000)
# Uploads up to this size are read in the request (their refusal comes with the answer); larger ones in
# the worker (declarations/interchange/uploads.py).
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 2**20)

REST_FRAMEWORK = {
    # The token first: DRF answers an unauthenticated request 401 with the first one's WWW-Authenticate
    # header (Token); a session (the API docs in a browser) still works, with CSRF on unsafe methods.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "singlewindow.api.authentication.OrganisationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "singlewindow.api.pagination.PageSizePagination",  # page_size on every list
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "singlewindow.api.exceptions.exception_handler",
    # JSON nested deeper than a few dozen levels is refused with 400 (singlewindow/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "singlewindow.api.parsers.BoundedJSONParser",
        "singlewindow.api.parsers.CleanFormParser",
        "singlewindow.api.parsers.CleanMultiPartParser",
    ],
    # Who a client is, for the throttles: the address it connects from (an X-Forwarded-For it sends itself is
    # not believed), or behind the TLS proxy the address that proxy saw (the last entry it appends).
    "NUM_PROXIES": 1 if env_bool("BEHIND_TLS_PROXY") else 0,
    "DEFAULT_THROTTLE_CLASSES": [
        "singlewindow.api.throttling.AnonRateThrottle",
        "singlewindow.api.throttling.UserRateThrottle",
    ],
    # Generous for a signed-in ERP (the benchmarks submit well under it), tight for anyone else.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "6000/min"),
        # Failed token authentications per client address (singlewindow/api/authentication.py); beyond it
        # every token from that address is refused with 429 until the minute ends.
        "failed_token": env_str("API_THROTTLE_FAILED_TOKEN", "20/min"),
    },
}
# API tokens (singlewindow/tokens.py) stop working this many days after they were made.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
SPECTACULAR_SETTINGS = {
    "TITLE": "Single Window API",
    "DESCRIPTION": _(
        "One declaration, every agency, one timeline. Everything the portal's pages do, for ERP integration.\n\n"
        "Authenticate with the header `Authorization: Token <key>`. To get a key, sign in to the portal and "
        "open API tokens (/accounts/api-tokens/, linked at the top of every page): a token cannot make "
        "another. A key stops working when it expires or is revoked."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the refusals it can answer with (400, 401, 403, 404, 406, 429; 413 and 415 with
    # a body) in the API's one error shape (singlewindow/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "singlewindow.api.schema.document_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DeclarationStatusEnum": "declarations.choices.DeclarationStatus",
        "ImportStatusEnum": "declarations.choices.ImportStatus",
        "DelegationStatusEnum": "singlewindow.choices.DelegationStatus",
        "DocumentKindEnum": "declarations.choices.DocumentKind",
    },
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Embedded default: with no broker configured, tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not (REDIS_URL or os.environ.get("CELERY_BROKER_URL")))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task reserved per pool process: a delivery takes along what waits for its agency (agencies/delivery.py)
# and one recorder serves every receipt batch, so reserving ahead saves little, while every task a killed
# worker had reserved stays unacknowledged in the broker until the visibility timeout (issue 14's queue peak).
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1)
# And none reserved beyond a free pool process (Redis brokers only; ignored with a warning elsewhere).
CELERY_WORKER_DISABLE_PREFETCH = env_bool("CELERY_WORKER_DISABLE_PREFETCH", bool(REDIS_URL))
# What a killed worker held unacknowledged goes back to the queue after this long (kombu's default is an
# hour). No task waits in the broker for its time (the sweep schedules retries), so this only has to be
# longer than the longest task (an ERP import); the sweep re-queues branches and batches sooner anyway.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900)}
CELERY_TIMEZONE = TIME_ZONE

# Agencies: where each agency's system (or the simulator) takes messages, and the keys each side signs
# with (Ed25519, singlewindow/signatures.py; docs/AGENCY_PROTOCOL.md section 4).
SIMULATOR_URL = env_str("SIMULATOR_URL", "http://127.0.0.1:8001")


class AgencyEndpoints(dict[str, str]):
    """Where each agency's messages go: AGENCY_<AGENCY>_URL, or else the simulator's address for it,
    for whichever agencies are registered (agencies/apps.py)."""

    def __missing__(self, agency: str) -> str:
        url = self[agency] = env_str(f"AGENCY_{agency.upper()}_URL", f"{SIMULATOR_URL}/agencies/{agency}/messages")
        return url


AGENCY_ENDPOINTS = AgencyEndpoints()
# Risk lanes (credit/lanes.py): each declaration's inspection draw is seeded, so anyone can re-draw it.
RISK_LANES = env_bool("RISK_LANES", True)
RISK_SEED = env_str("RISK_SEED", "single-window")
# The portal's own private key (it signs every message it sends); each agency's public keys (one, or two
# while a key is rotated), AGENCY_<AGENCY>_PUBLIC_KEYS. Unset, both are the published development keys,
# which `check --deploy` refuses (agencies.E001-E003).
PORTAL_SIGNING_KEY = env_str("PORTAL_SIGNING_KEY", "") or development_private_text("portal")


class AgencyPublicKeys(dict[str, list[str]]):
    """Each agency's public keys: AGENCY_<AGENCY>_PUBLIC_KEYS (comma-separated), or its development key."""

    def __missing__(self, agency: str) -> list[str]:
        keys = self[agency] = env_list(f"AGENCY_{agency.upper()}_PUBLIC_KEYS") or [
            public_text(development_private_text(agency))
        ]
        return keys


AGENCY_PUBLIC_KEYS = AgencyPublicKeys()
# A branch is retried (backoff doubling up to DELIVERY_BACKOFF_MAX_SECONDS) for DELIVERY_RETRY_HOURS from its
# first attempt, never while its agency is down: after AGENCY_CIRCUIT_FAILURES failures in a row the agency's
# circuit opens, its branches wait and one is tried every AGENCY_PROBE_SECONDS; operators get one email when
# it has been down AGENCY_DOWN_ALERT_MINUTES (agencies/circuit.py).
DELIVERY_RETRY_HOURS = float(env_str("DELIVERY_RETRY_HOURS", "72"))
DELIVERY_BACKOFF_MAX_SECONDS = float(env_str("DELIVERY_BACKOFF_MAX_SECONDS", "300"))
AGENCY_CIRCUIT_FAILURES = env_int("AGENCY_CIRCUIT_FAILURES", 5)
AGENCY_PROBE_SECONDS = env_int("AGENCY_PROBE_SECONDS", 10)
AGENCY_DOWN_ALERT_MINUTES = env_int("AGENCY_DOWN_ALERT_MINUTES", 15)
# How long the API keeps the answer to a request made with an Idempotency-Key (singlewindow/idempotency.py).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
DELIVERY_BACKOFF_SECONDS = float(env_str("DELIVERY_BACKOFF_SECONDS", "2"))
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 30)
# An attempt writes its PostgreSQL session on the branch, and the sweep takes up at once one whose session has
# ended (its worker was killed) rather than at the lease's end: this needs each worker's own server session and
# pg_stat_activity readable by the portal's role. Off behind a pooler in transaction mode (a server session there
# is shared, and outlives its client), as server-side binding is; then the lease alone. Read at start.
DELIVERY_CLAIMANT_SESSIONS = env_bool("DELIVERY_CLAIMANT_SESSIONS", env_bool("DATABASE_SERVER_SIDE_BINDING", True))
# How long a cross-border inventory waits for its order, payment and waybill before it is returned.
CBEC_MATCH_WINDOW_SECONDS = env_int("CBEC_MATCH_WINDOW_SECONDS", 600)
DELIVERY_TIMEOUT_SECONDS = float(env_str("DELIVERY_TIMEOUT_SECONDS", "10"))
# Under load, an agency's drainer that sent more than one branch (the receipt recorder, more than one batch)
# queues the next one behind what waits in the broker, and what arrives meanwhile is left to that one
# (agencies/tasks.py: _pass_on). Above 0, the next one waits this long once started (bigger batches, at the
# cost of that much latency, and of a worker process held while it waits; docker-compose.yml: 0.1); 0, the
# default, sends at once. At most 2 s: the waiting task holds its agency's mark, which lapses after 5.
AGENCY_LINGER_SECONDS = min(max(float(env_str("AGENCY_LINGER_SECONDS", "0")), 0.0), 2.0)


class AgencyBatchMax(dict[str, int]):
    """How many branches go to an agency in one signed request (docs/AGENCY_PROTOCOL.md, "Batches"):
    AGENCY_<AGENCY>_BATCH_MAX, or AGENCY_BATCH_MAX for every agency; 1, the default, for an agency that
    takes one message per request. The production shape (docker-compose.yml, make bench) sets 50."""

    def __missing__(self, agency: str) -> int:
        size = self[agency] = env_int(f"AGENCY_{agency.upper()}_BATCH_MAX", env_int("AGENCY_BATCH_MAX", 1))
        return size


AGENCY_BATCH_MAX = AgencyBatchMax()
JOINT_INSPECTION_DELAY_HOURS = env_int("JOINT_INSPECTION_DELAY_HOURS", 20)
CELERY_BEAT_SCHEDULE = {
    "deliveries-sweep": {"task": "agencies.sweep", "schedule": float(env_str("DELIVERY_SWEEP_SECONDS", "5"))},
    # Every firm's credit class, each night at 02:00 (CELERY_TIMEZONE: Beijing time).
    "credit-nightly": {"task": "credit.reclassify_all", "schedule": crontab(hour=2, minute=0)},
    "idempotency-keys-expire": {"task": "singlewindow.expire_idempotency_keys", "schedule": crontab(minute=17)},
    # Emails whose task was lost with the broker (it was down when the notification was committed).
    "emails-sweep": {"task": "singlewindow.email_sweep", "schedule": 60.0},
    # Approval deadlines: deemed consent or escalation at each passed deadline, exactly once (approvals/deadlines.py).
    "approvals-deadlines": {"task": "approvals.sweep", "schedule": 60.0},
    # Cross-border inventories: re-match what waits, return (once) what outlived its window (ecommerce/matching.py).
    "ecommerce-sweep": {"task": "ecommerce.sweep", "schedule": float(env_str("CBEC_SWEEP_SECONDS", "10"))},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "singlewindow@localhost")
# Platform operators' addresses, comma-separated (besides staff users with one): alerts such as an agency
# being down, and Django's own error emails.
ADMINS = [(address, address) for address in env_list("ADMINS")]
# Where links in emails point (the portal as its users reach it).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Who runs the portal, as every page's footer says: demo defaults (12360 is China customs' hotline); set
# them for a real deployment. PORTAL_SERVICE_HOURS unset: the footer says weekdays 9:00-17:00, translated.
PORTAL_OPERATOR = env_str("PORTAL_OPERATOR", "国际贸易单一窗口运营中心 (demo)")
PORTAL_HELP_LINE = env_str("PORTAL_HELP_LINE", "12360")
PORTAL_SERVICE_HOURS = env_str("PORTAL_SERVICE_HOURS", "")

# Safe by default: with DEBUG off, cookies travel over HTTPS only and browsers are told (HSTS, a year) to
# use nothing else. `make run` turns DEBUG on for plain http on 127.0.0.1.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles from this site only; an inline script needs the
# request's nonce (`{{ request.csp_nonce }}`). The API docs page relaxes styles (singlewindow/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Guessing passwords (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from one
# address, that pair is refused for AXES_COOLOFF_MINUTES, with a page saying so (HTTP 429).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "singlewindow.views.locked_out"
AXES_VERBOSE = False
# A second factor (django-otp, TOTP) for these roles: "officer" (users of agency organisations) and
# "admin" (platform administrators, staff and superusers). Empty: nobody is asked.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "officer,admin")
OTP_TOTP_ISSUER = "Single Window"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every render ("Step 1 …") at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
