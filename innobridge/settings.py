"""Django settings for InnoBridge.

Two modes, chosen by ``INNOBRIDGE_ENV``:

* ``embedded`` (default): one machine, SQLite in ``var/``, tasks run in process; a secret
  key is generated once into ``var/``. DEBUG is off in every mode unless ``DEBUG=1`` (a
  developer's choice on a loopback address: Django's DEBUG pages show tracebacks and
  settings to whoever sees them), so the demo never runs with them open.
* ``production``: DEBUG off, ``SECRET_KEY``/``ALLOWED_HOSTS``/``DATABASE_URL``
  from the environment, HTTPS-only cookies and HSTS, tasks in the database for a
  worker (``innobridge db_worker``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


INNOBRIDGE_ENV = os.environ.get("INNOBRIDGE_ENV", "embedded")
if INNOBRIDGE_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured("INNOBRIDGE_ENV must be 'embedded' or 'production'")
PRODUCTION = INNOBRIDGE_ENV == "production"

# Where the platform keeps its own files (SQLite database, indexes, uploads).
VAR_DIR = Path(os.environ.get("INNOBRIDGE_VAR_DIR", BASE_DIR / "var"))
# Where the real data sets live (ROR, CSL, arXiv, ACL ...); read, never copied.
DATA_DIR = Path(os.environ.get("INNOBRIDGE_DATA_DIR", BASE_DIR.parent / "shared" / "data"))

DEBUG = env_bool("DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY (50+ characters) is required in production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if not SECRET_KEY:
        key_file = VAR_DIR / "secret_key"
        if key_file.exists():
            SECRET_KEY = key_file.read_text().strip()
        else:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            SECRET_KEY = secrets.token_urlsafe(64)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    # Only for its static files: /api/docs loads Swagger UI from the project, not a CDN.
    "ninja",
    "innobridge.core",
    "innobridge.people",
    "innobridge.funding",
    "innobridge.facilities",
    "innobridge.transfer",
    "innobridge.exchange",
    "innobridge.plan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the site's policy built once (issue #17)
    "innobridge.core.contentpolicy.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "innobridge.core.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    # A session that owes a second step (or a 2FA set-up its roles require) reaches
    # only that page, log-out and the language switcher.
    "innobridge.people.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "innobridge.urls"

TEMPLATES = [
    {
        "BACKEND": "innobridge.core.templatebackend.Templates",
        "NAME": "django",  # Django's own alias, as with its backend
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innobridge.core.context_processors.site",
            ],
            # {{ text|in_script }}, {{ amount|money:currency }}, {{ code|region_name }}, ...
            # on every page without a {% load %}.
            "builtins": [
                "innobridge.core.templatetags.display",
                # {% url %} that reverses each address once per process, {% extends %} that
                # finds the root template's blocks once (issue #17)
                "innobridge.core.templatetags.memo",
            ],
            # {% load i18n %} with a {% translate %} that keeps a literal's output per
            # language (issue #17); every other i18n tag is Django's
            "libraries": {"i18n": "innobridge.core.templatetags.memo_i18n"},
        },
    },
]

WSGI_APPLICATION = "innobridge.wsgi.application"
ASGI_APPLICATION = "innobridge.asgi.application"

# Persistent database connections in production (each server thread keeps its own for up
# to CONN_MAX_AGE seconds, checked before reuse): opening a PostgreSQL connection per
# request (a new server process and a password exchange) cost more than most pages.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'innobridge.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer holds the lock; IMMEDIATE makes a
    # transaction take the write lock up front, so concurrent writers queue
    # instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Django's own backends with a compiler that remembers each query shape's compiled SQL
# (innobridge/core/sqlmemo.py, issue #17); other engines are used as they are.
OWN_ENGINES = {
    "django.db.backends.postgresql": "innobridge.core.dbbackends.postgresql",
    "django.db.backends.sqlite3": "innobridge.core.dbbackends.sqlite3",
}
DATABASES["default"]["ENGINE"] = OWN_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
# Tests (tests/conftest.py) compile every remembered statement again in full and compare.
INNOBRIDGE_SQL_MEMO_VERIFY = False

# One cache shared by every server process on this machine (``innobridge serve --workers N``):
# files in VAR_DIR/cache (or INNOBRIDGE_CACHE_DIR), written atomically, so what one process
# stores or deletes the others see at once. It holds the signed-in sessions (in front of the
# database), the public pages' rendered parts and each person's header counters (see
# core/caching.py: keys per language and per person, emptied on writes, short lifetimes).
# Several machines behind one proxy need a cache all of them reach (a shared directory, or
# another Django cache backend in their settings).
CACHE_DIR = Path(os.environ.get("INNOBRIDGE_CACHE_DIR", VAR_DIR / "cache"))
# ``template_fragments`` (Django's {% cache %} tag uses it; core/caching.py puts the public
# pages and API lists there) keeps copies of what each process read in front of the same
# files: only entries whose key names their content (core/cachebackend.py).
CACHES = {
    "default": {
        "BACKEND": "innobridge.core.cachebackend.SharedFileCache",
        "LOCATION": str(CACHE_DIR),
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4, "CULL_EVERY": 100},
    },
    "template_fragments": {
        "BACKEND": "innobridge.core.cachebackend.LocalFirstFileCache",
        "LOCATION": str(CACHE_DIR),
        "KEY_PREFIX": "fragment",
        "TIMEOUT": 300,
        "OPTIONS": {
            "MAX_ENTRIES": 20000,
            "CULL_FREQUENCY": 4,
            "CULL_EVERY": 100,
            "LOCAL_ENTRIES": 4096,
        },
    },
}
# Sessions are read from the shared cache and written through to the database: a signed-in
# page no longer reads django_session, and a log-out (which deletes both) ends the session in
# every process at once.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.Person"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "innobridge.core.authbackend.CachedModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Repeated failed logins: after 5 failures for one username from one address,
# that pair is locked out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor sign-in (django-otp: TOTP authenticator apps, one-time recovery codes).
# People holding one of these roles must set it up before they can use the site
# ("staff": Django staff and superusers). Unset: programme officers, reviewers,
# administrators and staff — except in the demo (``innobridge demo``), whose accounts have
# published passwords, where nobody is required (anyone may still turn it on). Set it to
# an empty value to require it of nobody, or to a comma-separated list of role names.
INNOBRIDGE_2FA_REQUIRED_ROLES: list[str] | None = (
    env_list("INNOBRIDGE_2FA_REQUIRED_ROLES", [])
    if "INNOBRIDGE_2FA_REQUIRED_ROLES" in os.environ
    else None
)
OTP_TOTP_ISSUER = "InnoBridge"
# Wrong codes: each device waits 1, 2, 4, 8 … seconds before it checks another code
# (django-otp's throttle), and every wrong second step counts as a failed log-in for
# django-axes (AXES_FAILURE_LIMIT), so guessing ends in the same lock-out as passwords.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Hong_Kong"
# ISO dates in every form widget, dates shown in each locale's usual form, thousands grouped.
FORMAT_MODULE_PATH = ["innobridge.core.formats"]
LANGUAGE_COOKIE_NAME = "innobridge_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
# Uploads are never served at a public address (no /media/ URL in any mode): every file
# goes out through a view that checks who asks (e.g. a proposal's attachments).
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Static files, served by WhiteNoise. Unless DEBUG is on (a developer editing them), in the
# embedded mode as in production ``innobridge serve`` collects them into STATIC_ROOT under
# content-hashed names with gzip and brotli copies (core/staticstorage.py): sent compressed,
# cached as immutable for a year. With DEBUG on they come straight from the source folders.
STATIC_COLLECTED = not DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "innobridge.core.staticstorage.StaticStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "InnoBridge <no-reply@innobridge.local>")
# The site's address for links in e-mail (e.g. https://innobridge.example.org); empty:
# e-mail gives paths only. ``innobridge demo --port N`` sets it to http://<host>:N when
# SITE_URL is not given.
SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")

# Tasks: in process in the embedded mode; in the database for a worker in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts, images and connections from
# the site itself only — no inline script or event handler anywhere (charts draw from JSON
# data blocks by static/innobridge/charts.js), no inline style either (calendar blocks and
# report bars are placed by static/innobridge/positions.js through the CSS object model;
# Plotly's and htmx's rules come from style sheets, not injected <style> elements), no eval,
# no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "img-src": [csp_constants.SELF, "data:", "blob:"],
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
        "worker-src": [csp_constants.SELF, "blob:"],
    }
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Site-wide facts shown in templates.
INNOBRIDGE_DEMO = env_bool("INNOBRIDGE_DEMO", default=False)

# The pillar navigation, in the order of the Arrangement. Entries whose URL name
# does not resolve (a pillar not installed yet) are not shown.
NAVIGATION = [
    ("funding:home", _("Joint research")),
    ("facilities:home", _("Facilities")),
    ("transfer:home", _("Technology transfer")),
    ("exchange:home", _("Exchanges")),
    ("plan:home", _("Action plan")),
    ("people:partners", _("Find a partner")),
    ("people:organisations", _("Organisations")),
    ("people:researchers", _("Researchers")),
]

# The matching engine: which bundled embedding model indexes researchers ("e5":
# multilingual-e5-small, stronger; "use": USE-multilingual, faster), and whether
# changes to profiles and publications re-index them automatically.
MATCHING_EMBEDDER = os.environ.get("MATCHING_EMBEDDER", "e5")
MATCHING_AUTO_INDEX = env_bool("MATCHING_AUTO_INDEX", default=True)
