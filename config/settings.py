"""Settings for the edition, read from the environment (12-factor).

DATABASE_URL  SQLite file db.sqlite3 by default; postgres://… for PostgreSQL (production).
SECRET_KEY    required unless DEBUG is on.
DEBUG         off unless set to 1/true/yes.
ALLOWED_HOSTS comma-separated; localhost only by default.
CACHE_URL     redis://host:port/db for the cache shared by all app servers (REDIS_URL is read
              when CACHE_URL is unset); without either, each process has a local-memory cache.
SECURE_SSL_REDIRECT  on when DEBUG is off; 0 only where no TLS proxy is in front (the benchmark
              on 127.0.0.1). HSTS and secure cookies stay on.
CLIENT_IP_HEADER  the header a trusted proxy sets to the client's address (HTTP_X_REAL_IP);
              rate limits per address read it. Unset, REMOTE_ADDR is the client.
RATE_LIMITS_ENABLED  on unless 0 (for a benchmark that writes as one user at full speed).
LIVE_POLL_MS  how often an open reading page asks its live channel (2000).

Nothing that several app servers must share lives in process memory: sessions are in the
database, the cache is Redis when configured.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "accounts",
    "edition",
    "annotations",
    "courses",
    "search",
    "reading",
    "bench",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so that static files and early refusals carry these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    # Before anything reads the path, the query or a cookie (PostgreSQL cannot look up NUL).
    "config.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The edition page shared by readers without a session, when kept: answered before the
    # session, CSRF and authentication middleware, as Django's FetchFromCacheMiddleware would be.
    "reading.middleware.SharedEditionPageMiddleware",
    # Pages and JSON gzipped (whitenoise serves static files precompressed). Django's version
    # pads the gzip header randomly against BREACH; CSRF tokens are masked per response anyway.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write racing its author's account deletion: 401 instead of the foreign key's 500.
    "accounts.middleware.DeletedAccountMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it: after a database restart
        # each worker reconnects instead of failing its next request (`manage.py loadfaults`).
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend with a health check that needs no round trip (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers take turns instead of failing with "database is locked": a transaction
    # takes the write lock when it begins (a deferred one that read first cannot wait for it),
    # waits up to 20 s for it, and readers never block the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """Django's built-in Redis cache for redis:// and rediss:// URLs; no other kind is read."""
    if not url:
        # Room for the rendered notes, rows and pages of a seminar: at the default 300 entries
        # the note cache alone pushed everything else out.
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {url!r}.")
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", ""))}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# How long a reader's pages and pieces are kept for them at most (`annotations.reader_cache`;
# any change to what they show makes a new key sooner); 0 renders every request.
READER_CACHE_SECONDS = int(os.environ.get("READER_CACHE_SECONDS", "300"))
# How long an open reading page waits between two asks of its live channel (`reading.live`).
LIVE_POLL_MS = int(os.environ.get("LIVE_POLL_MS", "2000"))

# Django's own, but the signed-in user comes with their profile (one query, not two).
AUTHENTICATION_BACKENDS = ["accounts.backends.ProfileModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# English unless the browser asks for German (Accept-Language) or the reader chose a language
# in the header (set_language at /i18n/setlang/, remembered in the django_language cookie).
# URLs carry no language prefix: a permalink is the same in every language.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EDITION_SOURCE_DIR = BASE_DIR / "fixtures" / "editions"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

TAGGIT_CASE_INSENSITIVE = True

# Production hardening: on whenever DEBUG is off (`manage.py check --deploy` is clean then).
# No inline script or style anywhere, so the policy allows only this origin's files (JSON and
# JSON-LD data blocks are never executed, so script-src does not apply to them).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies (config/middleware.py answers 413 above these): forms and JSON (the largest
# form, an annotation of 10,000 characters, is ~120 KB), and multipart uploads (an import file
# of at most 2 MiB, with room for the import page to explain a file a little too large).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
UPLOAD_MAX_BYTES = 4 * 1024 * 1024

# Rate limits (config/ratelimit.py), counted in the cache: scope → (limit, period in seconds).
RATE_LIMITS_ENABLED = env_flag("RATE_LIMITS_ENABLED", True)
RATE_LIMITS = {
    "login-failure": (10, 15 * 60),  # per username and address; a successful login clears it
    # Failed log-ins per address, whatever the username (password spraying); a success does
    # not clear it, or one account of one's own would reset it.
    "login-address": (50, 15 * 60),
    "signup": (30, 60 * 60),  # attempts per address (a class behind one NAT signs up at once)
    "api-token-create": (10, 60 * 60),  # per user
    "account-delete": (5, 15 * 60),  # wrong passwords per user on the delete-account page
    "annotation-create": (120, 60),  # per user, through the JSON API and the W3C protocol
}
# The request header a trusted proxy puts the client's address in (e.g. HTTP_X_REAL_IP);
# unset, REMOTE_ADDR is the client.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
