"""One env-driven settings module.

SQLite under ``var/`` by default so a clone runs at once; ``DATABASE_URL`` selects
PostgreSQL. Secrets come from the environment, or are generated once into ``var/``.
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from shouwang.core.logs import SUSPICIOUS_OPERATIONS

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SHOUWANG_VAR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_clock(name: str, default: str) -> str:
    """A local time of day as "HH:MM"; a malformed value stops the start with its name
    (read on every report page, it would otherwise make each of them fail)."""
    value = os.environ.get(name, default).strip()
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value)
    if match is None:
        raise ImproperlyConfigured(f"{name} must be a time of day HH:MM, e.g. 15:00; got {value!r}")
    return f"{int(match[1]):02d}:{match[2]}"


def _env_minutes(name: str, default: str) -> int:
    """A whole number of minutes, 0 or more; anything else stops the start with its
    name (a negative grace would mark every report late)."""
    value = os.environ.get(name, default).strip()
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(
            f"{name} must be a whole number of minutes, 0 or more, e.g. 60; got {value!r}"
        )
    return int(value)


def _secret_file(name: str, make: "callable") -> str:
    """Read a secret from ``var/<name>``, creating it (mode 0600) on first run."""
    path = VAR_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make())
    return path.read_text().strip()


DEBUG = _env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_file(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
# Personal-data keys: a comma-separated list of Fernet keys, newest first (see
# docs/privacy.md for rotation), and a separate key for the lookup hashes.
PII_ENCRYPTION_KEYS = [
    k.strip()
    for k in (
        os.environ.get("SHOUWANG_PII_KEYS")
        or _secret_file("pii_keys", lambda: Fernet.generate_key().decode())
    ).split(",")
    if k.strip()
]
PII_HASH_KEY = os.environ.get("SHOUWANG_PII_HASH_KEY") or _secret_file(
    "pii_hash_key", lambda: secrets.token_urlsafe(32)
)

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "shouwang.core",
    "shouwang.areas",
    "shouwang.accounts",
    "shouwang.people",
    "shouwang.checkpoints",
    "shouwang.watch",
    "shouwang.cases",
    "shouwang.supplies",
    "shouwang.reports",
    "shouwang.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shouwang.core.middleware.TextGZipMiddleware",
    "shouwang.core.middleware.NoStoreMiddleware",
    "shouwang.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shouwang.accounts.audit.AuditSourceMiddleware",
    "shouwang.core.middleware.LazyMessageMiddleware",  # before ours: they add messages
    "shouwang.accounts.middleware.HtmxLoginRedirectMiddleware",
    "shouwang.accounts.middleware.IdleTimeoutMiddleware",
    "shouwang.accounts.middleware.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shouwang.core.middleware.ApiMethodNotAllowedMiddleware",
    "shouwang.core.middleware.ApiNotFoundMiddleware",
    # Last: it renders a page with the user and messages the ones above set up.
    "shouwang.core.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "shouwang.urls"
WSGI_APPLICATION = "shouwang.wsgi.application"
CSRF_FAILURE_VIEW = "shouwang.core.views.csrf_failure"

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
                "shouwang.core.context_processors.site",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        " PRAGMA foreign_keys=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 5,
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with a health check that needs no round trip.
        DATABASES["default"]["ENGINE"] = "shouwang.core.backends.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "shouwang.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            "CONN_MAX_AGE": 600,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["shouwang.accounts.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "shouwang.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security defaults, on from the first run.
# Failed logins before a lock, per account and per source IP. Behind a NAT that many
# staff share, raise the per-IP figure (docs/deploy.md).
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "30"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "0"))  # 0: never expires
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60 * 16  # hard ceiling; idle timeout is tighter
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy of every response (docs/deploy.md), in the shape of Django 6's
# setting: the app's own files only, nothing from elsewhere, and never an inline script,
# so markup slipped into a page cannot run. Styles may be inline: style attributes, the
# phone pages' <style> (one request fewer on a weak signal) and ECharts' tooltips.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    # tel:: 拨打 posts the audited reveal and is redirected to the phone's dialler.
    "form-action": ["'self'", "tel:"],
    "frame-ancestors": ["'none'"],
}
# SECURE_CSP in the environment replaces the whole policy: "directive source ...; ...".
if "SECURE_CSP" in os.environ:
    SECURE_CSP = {
        directive: sources
        for directive, *sources in (
            part.split() for part in os.environ["SECURE_CSP"].split(";") if part.strip()
        )
    }

SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Behind our own reverse proxy the client's address is the last X-Forwarded-For entry
# (the one the proxy appended), not REMOTE_ADDR (the proxy itself).
BEHIND_PROXY = _env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
# One language: no LocaleMiddleware (it cost 0.07 ms per request to choose among one).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Django's own form messages reworded for community staff (see the .po file there).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Figures grouped by three with a comma where a template asks (intcomma, floatformat "g").
FORMAT_MODULE_PATH = ["shouwang.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "shouwang.core.staticfiles.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: keep them bounded; imports check their own limits too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(30 * 1024 * 1024)))

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The task worker (``shouwang worker``) records a heartbeat this often; the HQ home page
# reports it as not running when the last one is older than WORKER_STALE_SECONDS.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))
WORKER_STALE_SECONDS = int(os.environ.get("WORKER_STALE_SECONDS", "300"))
# The worker also runs the apps' scheduled jobs (report roll-up, reminders, overdue
# follow-ups, retention); off when they run from cron instead (docs/deploy.md).
SCHEDULED_JOBS = _env_bool("SHOUWANG_SCHEDULED_JOBS", True)
# The report day ends at this local time (Asia/Shanghai); a day's report is due
# REPORT_GRACE_MINUTES after it (later submissions are marked late).
REPORT_CUTOFF = _env_clock("SHOUWANG_REPORT_CUTOFF", "15:00")
REPORT_GRACE_MINUTES = _env_minutes("SHOUWANG_REPORT_GRACE_MINUTES", "60")

# Moved-out residents and finished imports are purged after this many days.
PEOPLE_RETENTION_DAYS = int(os.environ.get("SHOUWANG_PEOPLE_RETENTION_DAYS", "365"))
# A large ledger export's file is downloadable this many hours, then deleted.
PEOPLE_EXPORT_RETENTION_HOURS = float(
    os.environ.get("SHOUWANG_PEOPLE_EXPORT_RETENTION_HOURS", "24")
)
# A user may reveal (查看完整) this many IDs and phones an hour; past it, 429.
PEOPLE_REVEALS_PER_HOUR = int(os.environ.get("SHOUWANG_PEOPLE_REVEALS_PER_HOUR", "60"))
# A key person's self-report link stays valid this many days from when it was given, and
# for a record under control this many days after its planned end.
WATCH_SELF_REPORT_LINK_DAYS = int(os.environ.get("SHOUWANG_SELF_REPORT_LINK_DAYS", "30"))
# Check-ins (who passed where, when; visitors' details) are deleted after this many
# days by the scheduled job purge_checkins; tracing reaches back as far (at least 14).
CHECKIN_RETENTION_DAYS = int(os.environ.get("SHOUWANG_CHECKIN_RETENTION_DAYS", "28"))
# First-time self-registrations (new person and pass) accepted from one address per 10
# minutes; generous, as many phones may share one carrier address at a morning rush.
SELF_REGISTRATIONS_PER_IP = int(os.environ.get("SHOUWANG_SELF_REGISTRATIONS_PER_IP", "60"))
# One-tap self-scans accepted from one phone pass per hour: a script holding one pass
# cookie would otherwise add passages (and 进入人数) without end.
SELF_CHECKINS_PER_PASS = int(os.environ.get("SHOUWANG_SELF_CHECKINS_PER_PASS", "30"))
# Staff scanning the pass of a person whose own self-scan at the post (same direction)
# is still declared and at most this many minutes old confirm that passage instead of
# recording a second one.
SELF_SCAN_CONFIRM_MINUTES = int(os.environ.get("SHOUWANG_SELF_SCAN_CONFIRM_MINUTES", "30"))
# Presence tracing: who passed the same checkpoint within ± this many minutes.
CASES_TRACE_WINDOW_MINUTES = int(os.environ.get("SHOUWANG_TRACE_WINDOW_MINUTES", "15"))
# A second hop still queued or running this many minutes after it was requested (or the
# worker took it up) is shown as stale, and may be requested again: the worker is not
# running, or died on it. Hop 2 takes seconds when the worker is up.
CASES_SECOND_HOP_STALE_MINUTES = int(os.environ.get("SHOUWANG_SECOND_HOP_STALE_MINUTES", "5"))
# Where residents reach this server (printed in poster QR codes); empty: the request's host.
SHOUWANG_PUBLIC_URL = os.environ.get("SHOUWANG_PUBLIC_URL", "")

# The name printed on posters, bulletins and the page header.
SITE_NAME = os.environ.get("SHOUWANG_SITE_NAME", "守望 · 基层疫情防控平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {
            "()": "shouwang.core.logs.ClientErrorsWithoutTraceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 403, or a 400 for a bad Host header or another suspicious request, is one
    # warning line; a 500 keeps its traceback.
    "loggers": {
        "django.request": {"filters": ["client_errors_without_traceback"]},
        **{
            f"django.security.{name}": {"filters": ["client_errors_without_traceback"]}
            for name in SUSPICIOUS_OPERATIONS
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
