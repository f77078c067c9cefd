"""Settings, driven by environment variables with safe defaults for local use.

DATABASE_URL   default: SQLite under var/lumbung.sqlite3
SECRET_KEY     default: a random key kept in var/secret_key (never used when DEBUG is off
               and LUMBUNG_REQUIRE_SECRET_KEY is set, as in production)
DEBUG          default: off
ALLOWED_HOSTS  default: localhost,127.0.0.1
WEB_THREADS    threads per `lumbung serve` worker process for pages and API (default 4)
DATABASE_CONN_MAX_AGE  seconds a connection is kept between requests (default 60)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("LUMBUNG_VAR_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "lumbung.core",
    "lumbung.tenancy",
    "lumbung.audit",
    "lumbung.ledger",
    "lumbung.members",
    "lumbung.savings",
    "lumbung.teller",
    "lumbung.loans",
    "lumbung.batch",
    "lumbung.reports",
    "lumbung.supervision",
    "lumbung.portal",
    "lumbung.demo",
    "lumbung.web",
    "lumbung.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lumbung.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lumbung.tenancy.middleware.StaffSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lumbung.urls"
WSGI_APPLICATION = "lumbung.wsgi.application"
ASGI_APPLICATION = "lumbung.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

# Connections are kept between requests (a minute, checked before reuse): `lumbung serve` runs
# pages on a fixed pool of WEB_THREADS threads per worker process (lumbung/asgi.py), so there are
# at most that many per worker, and opening one per request cost a fifth of a member's API call.
# More threads do not serve more: they fight over the interpreter lock (bench/portal.py: 8
# threads cost 18.6 ms of CPU a request, 4 threads 11.9 ms). Scale with WEB_WORKERS instead.
WEB_THREADS = int(os.environ.get("WEB_THREADS", "4"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lumbung.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
    # two posting transactions never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA wal_autocheckpoint=10000;"
        ),
    }
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LUMBUNG_TEST_DB_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tenancy.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Staff sessions: at most 10 hours (one working day), and 30 minutes without activity.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LUMBUNG_STAFF_IDLE_SECONDS = int(os.environ.get("LUMBUNG_STAFF_IDLE_SECONDS", 30 * 60))
# Login throttling: this many failures for one username or one address in the window locks it.
LUMBUNG_LOGIN_MAX_FAILURES = 5
LUMBUNG_LOGIN_WINDOW_SECONDS = 15 * 60
# The public receipt verification page (/v/...): checks per client address per minute.
LUMBUNG_VERIFY_PER_MINUTE = int(os.environ.get("LUMBUNG_VERIFY_PER_MINUTE", "30"))
# Member's app (lumbung/portal): sessions bound to a device, idle and absolute limits; the PIN
# is blocked after this many wrong tries in a row until the cooperative resets it.
LUMBUNG_MEMBER_IDLE_SECONDS = int(os.environ.get("LUMBUNG_MEMBER_IDLE_SECONDS", 30 * 60))
LUMBUNG_MEMBER_SESSION_SECONDS = 12 * 60 * 60
LUMBUNG_MEMBER_PIN_MAX_FAILURES = 10
# The live feed: how often a stream looks for new postings, and how long one stream lasts
# before the browser reconnects (with Last-Event-ID, re-checking the session).
LUMBUNG_FEED_POLL_SECONDS = 0.5
LUMBUNG_FEED_STREAM_SECONDS = 50
LUMBUNG_MESSAGE_GATEWAY = os.environ.get(
    "LUMBUNG_MESSAGE_GATEWAY", "lumbung.portal.gateways.LogGateway"
)
# Bill payments (PPOB): the aggregator's JSON API; by default the local simulator that
# `make run` starts (`lumbung ppob-simulator`).
LUMBUNG_BILLER_URL = os.environ.get("LUMBUNG_BILLER_URL", "http://127.0.0.1:8091")
LUMBUNG_BILLER_KEY = os.environ.get("LUMBUNG_BILLER_KEY", "dev-key")
LUMBUNG_BILLER_TIMEOUT = float(os.environ.get("LUMBUNG_BILLER_TIMEOUT", "10"))
# Bank virtual accounts: the bank's prefix and the secret the bank signs callbacks with.
LUMBUNG_VA_PREFIX = os.environ.get("LUMBUNG_VA_PREFIX", "88081")
LUMBUNG_VA_SECRET = os.environ.get("LUMBUNG_VA_SECRET", "dev-va-secret")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# Each app keeps its own locale/ (docs/pengembang.md §3); Django finds them by itself.
LOCALE_PATHS: list[str] = []
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Behind a TLS-terminating proxy: how many proxies stand in front of Lumbung. Only then are the
# forwarded headers believed (the protocol, and the client address for login throttling).
LUMBUNG_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if LUMBUNG_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Checks that only matter behind a TLS proxy are silenced when the operator says TLS ends there.
SILENCED_SYSTEM_CHECKS = _env_list("SILENCED_SYSTEM_CHECKS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
