"""Pendamping settings: one env-driven file that runs with no setup (SQLite in ./var).

Environment: PENDAMPING_DATA (data folder, default ./var), DATABASE_URL (PostgreSQL in production),
PENDAMPING_DEBUG, PENDAMPING_SECRET_KEY, PENDAMPING_ALLOWED_HOSTS, PENDAMPING_SECURE (HTTPS settings),
PENDAMPING_ADMINS, PENDAMPING_SERVER_EMAIL, PENDAMPING_EMAIL_HOST, PENDAMPING_EMAIL_PORT (error mails).
"""

import os
import secrets
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pendamping.core.proxies import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PENDAMPING_DATA", "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # A fresh clone must run with no setup, yet never share a key between installs:
    # the key is generated once into the data folder unless the environment gives one.
    if key := os.environ.get("PENDAMPING_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_bool("PENDAMPING_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("PENDAMPING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PENDAMPING_CSRF_ORIGINS", "").split(",") if o]


def _admins() -> list[tuple[str, str]]:
    """PENDAMPING_ADMINS="Ani <ani@dinsos.example>, ops@dinsos.example": who is mailed a server error (the
    mail holds no personal data: core/reporting.py)."""
    pairs = getaddresses([os.environ.get("PENDAMPING_ADMINS", "")])
    return [(name, address) for name, address in pairs if "@" in address]


ADMINS = _admins()
SERVER_EMAIL = os.environ.get("PENDAMPING_SERVER_EMAIL", "pendamping@localhost")
EMAIL_HOST = os.environ.get("PENDAMPING_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PENDAMPING_EMAIL_PORT", "25"))

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
    "ninja",  # serves Swagger UI from static files instead of a CDN
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pendamping.core",
    "pendamping.audit",
    "pendamping.privacy",
    "pendamping.accounts",
    "pendamping.regions",
    "pendamping.registry",
    "pendamping.companions",
    "pendamping.enterprise",
    "pendamping.partnerships",
    "pendamping.complaints",
    "pendamping.evaluation",
    "pendamping.exchange",
    "pendamping.dashboards",
    "pendamping.demo",
]

MIDDLEWARE = [
    "pendamping.core.proxies.TrustedProxyMiddleware",  # first: everything after it reads the client's address
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pendamping.core.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pendamping.core.middleware.SecurityHeadersMiddleware",
    "pendamping.core.middleware.NulRefusalMiddleware",  # ?q=%00 would be a 500 on PostgreSQL (B2)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pendamping" / "templates"],
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

_SQLITE_OPTIONS = {
    # WAL lets the task worker and web requests work at once; IMMEDIATE avoids "database is locked".
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        if str(database["ENGINE"]).endswith("postgresql") and _env_bool("PENDAMPING_DB_PREPARED", True):
            # Parameters bound by the server and statements prepared after their fifth use on a connection:
            # PostgreSQL parses the API's few hot queries once per connection instead of once per request. Still
            # planned for each request's own values (force_custom_plan): after five runs PostgreSQL would otherwise
            # try one generic plan for all values, and for a regency's KUBE ranking that plan took 11.7 s instead
            # of 0.2 (bench/api_lists.py). Turn off (PENDAMPING_DB_PREPARED=0) behind a pooler in transaction mode
            # (PgBouncer), which cannot keep prepared statements.
            options = database.setdefault("OPTIONS", {})
            options.update({"server_side_binding": True, "prepare_threshold": 5})
            options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()
        return database
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "pendamping.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
        "TEST": {"NAME": None},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Companions share carrier NAT addresses: lock by username and IP together, and release after a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("PENDAMPING_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PENDAMPING_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # set from a trusted proxy's header (below), never the client's

# Behind nginx or a load balancer: their addresses (comma-separated, networks allowed). REMOTE_ADDR then becomes
# the client's address as the nearest untrusted hop of X-Forwarded-For (pendamping/core/proxies.py). Empty: the
# header is ignored, as when clients reach the application directly.
TRUSTED_PROXIES = parse_networks(os.environ.get("PENDAMPING_TRUSTED_PROXIES", ""))

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pendamping" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Off: with it on, every integer a template prints is grouped, ids included, so a link such as ?group={{ group.pk }}
# turns into ?group=1.234 once the ids pass 999. Numbers meant for people are grouped where they are shown
# (`|intcomma` of django.contrib.humanize, which follows the language: 1.500.000 in Indonesian).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "pendamping" / "static"]
if (BASE_DIR / "docs" / "panduan" / "img").is_dir():  # the user guide's screenshots (pendamping/core/guide.py)
    STATICFILES_DIRS.append(("panduan/img", BASE_DIR / "docs" / "panduan" / "img"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Shared by every web and worker process (rate-limit counters must hold across processes).
CACHES = {
    "default": {
        "BACKEND": "pendamping.core.cache.DatabaseCache",  # one UPSERT per set (core/cache.py)
        "LOCATION": "pendamping_cache",
        # Dashboard snapshots (a few hundred boards) share it with the API's rate limits: the default cap of 300
        # entries would cull the snapshots as fast as the scheduled refresh writes them.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # an idle timeout, not a fixed one
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind HTTPS in production; the embedded demo on 127.0.0.1 runs plain HTTP.
SECURE = _env_bool("PENDAMPING_SECURE")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# No NIK, name or address in a log line or an error mail (quality row E3): the error mail keeps the names of the
# request's fields but none of their values, and a 16-digit number in any log line is masked (core/reporting.py).
DEFAULT_EXCEPTION_REPORTER = "pendamping.core.reporting.PersonalDataReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "pendamping.core.reporting.PersonalDataFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"masked": {"()": "pendamping.core.reporting.MaskingFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "masked"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PENDAMPING_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own console handler would print its records a second time, unmasked: the root's prints them.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # Never at DEBUG, whatever PENDAMPING_LOG_LEVEL says: their DEBUG records hold personal data. SQL statements
        # carry their parameters; a template's missing variable is logged with the whole context (the request's
        # URL with its search terms, the records on the page).
        "django.db.backends": {"level": "INFO"},
        "django.template": {"level": "INFO"},
    },
}

# Domain settings (the province can narrow them; see Scheme for per-scheme member ranges).
PENDAMPING: dict[str, Any] = {
    "KUBE_MIN_MEMBERS": 5,
    "KUBE_MAX_MEMBERS": 20,
    "CASELOAD_LIMIT": 10,
    "PAGE_SIZE": 25,
    "API_MAX_PAGE_SIZE": 100,
    "COMPLAINT_DUE_DAYS": 14,  # a complaint not closed within this many days is overdue
    "PUBLIC_FORM_LIMIT": 5,  # public forms: at most this many submissions per address …
    "PUBLIC_FORM_WINDOW": 3600,  # … in this many seconds
    # Data exchange (issue 6): uploaded files are kept under server-made names in IMPORT_DIR until undone/purged.
    "IMPORT_DIR": str(DATA_DIR / "imports"),
    "IMPORT_MAX_BYTES": int(os.environ.get("PENDAMPING_IMPORT_MAX_MB", "50")) * 1024 * 1024,
    "IMPORT_STALE_MINUTES": 15,  # a running import silent this long died with its worker: it is marked failed
    "API_RATE_EXPORT": "30/min",
    "API_RATE_LOGIN": "10/min",  # the token endpoint, per address and username
}
