"""One settings module, driven by the environment.

Development works with no environment at all (SQLite under ``var/``, DEBUG on, a
throwaway secret key). Production sets ``DJANGO_DEBUG=0`` and must then provide
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``; ``DATABASE_URL`` selects PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from partnerships.licence import LICENCES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name, default=None):
    """Read ``DJANGO_<name>`` first, then the bare ``<name>`` common on hosting platforms."""
    return os.environ.get(f"DJANGO_{name}", os.environ.get(name, default))


def env_bool(name, default):
    return env(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

# The one origin absolute URLs are built from in production (https://partnerships.example.org).
SITE_URL = env("SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("DJANGO_SITE_URL must start with https:// or http://.")
SITE_HOST = urlsplit(SITE_URL).hostname if SITE_URL else None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", SITE_HOST or ("127.0.0.1,localhost" if DEBUG else ""))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "corsheaders",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    # For its catalogues only: country names in the reader's language (admin choices).
    "django_countries",
    "partnerships",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "partnerships.http.DirectoryVersionOncePerRequestMiddleware",
    "partnerships.site.SiteOriginMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Any 404 of a renamed or merged record becomes a 301 to its address now.
    "partnerships.curation.addresses.OldAddressRedirectMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "partnerships.http.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the page cache: the cache key holds the language this chooses.
    "partnerships.i18n.ReaderLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the records' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnerships.http.ConditionalPublicResponseMiddleware",
    "partnerships.api.throttling.RateLimitHeadersMiddleware",
    "partnerships.caching.PublicPageCacheMiddleware",
    "partnerships.licence.LicenceLinkMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnerships.urls"
WSGI_APPLICATION = "partnerships.wsgi.application"

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
                "partnerships.context_processors.open_data",
                "django.template.context_processors.i18n",
                "partnerships.i18n.language_context",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) selects PostgreSQL.
# Persistent connections: a new connection per request made list pages 3.5x slower.
# An empty DATABASE_URL (as "DATABASE_URL= make test" sets it) means the default too.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the directory's queries are short, and at 100,000 agreements their
    # estimated cost passed JIT's threshold, so a 40 ms search spent 300 ms compiling.
    # work_mem: whole-directory counts sorted on disk with the default 4 MB.
    # random_page_cost: the default (4) prices disks that seek; on SSDs and cached data
    # the planner then hashed all 50,000 people for an institution's 500 (47 against 11 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env(
        "DATABASE_SESSION_OPTIONS", "-c jit=off -c work_mem=16MB -c random_page_cost=1.1"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache that pages and counts are kept in (see caching.py). Per-process memory by
# default; CACHE_URL=redis://host:6379/0 shares one Redis between workers and hosts.
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "partnerships"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}.")
else:
    # Room for pages and for the counts of sets many requests share (one per year, field,
    # institution…): at the default 300 entries, new pages pushed the counts out.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

# Login limits (login_protection.py): axes first, so a locked-out attempt hashes nothing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "partnerships.login_protection.client_address"
AXES_LOCKOUT_CALLABLE = "partnerships.login_protection.locked_out"

# Argon2id at a cost that keeps guessing off the CPU (measured in login_protection.py);
# the others verify older hashes, which are upgraded at the next login.
PASSWORD_HASHERS = [
    "partnerships.login_protection.ModestArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# English pages keep their unprefixed addresses; Chinese ones live under /zh-hans/.
LANGUAGES = [("en-gb", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Our CSS and JS minified; every file compressed, with a content-hashed name,
        # cached forever by browsers.
        "BACKEND": "partnerships.static_storage.MinifiedStaticFilesStorage",
    },
}

SITE_NAME = "Partnership Directory"

# The data licence (an SPDX id, see partnerships/licence.py). CC0 by default: the records
# are facts, and CC0 is what ROR, OpenAlex and Wikidata publish under, so the data can be
# merged into theirs with no conditions; citation is asked for, not required.
DATA_LICENCE = env("DATA_LICENCE", "CC0-1.0")
if DATA_LICENCE not in LICENCES:
    raise ImproperlyConfigured(f"DJANGO_DATA_LICENCE must be one of {', '.join(LICENCES)}.")
# Where manage.py dump_open_data writes the dated dumps that /data/ lists.
OPEN_DATA_DUMPS_DIR = Path(env("OPEN_DATA_DUMPS_DIR", str(VAR_DIR / "dumps")))

# Security: strict in production, relaxed only for local development over http.
# X-Forwarded-Proto (and X-Forwarded-For, for login limits) is believed only when a proxy
# that overwrites it is in front: DJANGO_BEHIND_PROXY=1 (deploy/nginx.conf sets both).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
if SESSION_COOKIE_SECURE:
    # __Host-: the browser keeps them only from https, for this host alone, for path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Scripts, styles, images and fonts from the site itself only: no inline script, no eval
# (the vendored fixi.js needs none), no plugins, no framing, no <base>.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Not its start-up banner on every command; failed sign-ins are still logged.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# Any origin may read the API, downloads, feeds, sitemaps and schema (GET only, never
# with cookies); the admin and pages get no CORS header at all.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_URLS_REGEX = r"^/(api/|feeds/|data/.+|sitemap[^/]*\.xml$|[a-z]+/export\.(csv|json)$)"
CORS_EXPOSE_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"]

# Requests per client address to the API; empty turns the limit off.
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/minute")

# A merge's reason names both records: longer than the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["partnerships.api.throttling.AddressRateThrottle"],
    # The client address: REMOTE_ADDR, or the proxy's X-Forwarded-For entry behind one.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # One timestamp format everywhere (see partnerships/open_data/timestamps.py).
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Directory API",
    "DESCRIPTION": "Read-only access to published university–hospital partnerships.",
    "VERSION": "1.0.0",
    "LICENSE": {"name": LICENCES[DATA_LICENCE].title, "url": LICENCES[DATA_LICENCE].url},
    "SERVE_INCLUDE_SCHEMA": False,
    # One schema name per vocabulary, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "partnerships.models.common.DatePrecision",
        "InstitutionKindEnum": "partnerships.models.institutions.InstitutionKind",
        "InstitutionNameTypeEnum": "partnerships.models.institutions.InstitutionNameType",
        "AgreementKindEnum": "partnerships.models.agreements.AgreementKind",
        "AgreementStatusEnum": "partnerships.models.agreements.AgreementStatus",
        "EstablishedBodyKindEnum": "partnerships.models.agreements.EstablishedBodyKind",
        "ParticipationRoleEnum": "partnerships.models.agreements.ParticipationRole",
    },
}
