"""Settings read from the environment; defaults suit a developer's laptop."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")

INSTALLED_APPS = [
    "core.apps.AdminConfig",  # django.contrib.admin on core.admin_site.AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",  # its index expressions (trigram operator classes); harmless on SQLite
    "core.apps.TaggitConfig",  # taggit, its admin section in French
    "django_prose_editor",
    "csp",
    "core.apps.AxesConfig",  # axes, its admin section in French
    "django_otp",  # the staff's second factor (core/two_factor.py): TOTP and recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reversion",  # the history of content (core/history.py)
    # The ground floor, the apps, the site-wide pages, the demo tooling (README: where things live).
    "core",
    "library",
    "people",
    "events",
    "news",
    "pages",
    "newsroom",  # the admin home and the staff guide, above every app
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.security.MediaNonceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "core.two_factor.StaffSessionMiddleware",  # staff: second factor verified, idle sessions end
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.publishing.PublicRedirectFallbackMiddleware",  # old addresses of public items
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

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
                "core.context_processors.site",
                "pages.context_processors.menus",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept too (CONN_MAX_AGE): every cached page reads the content generation,
    # and opening SQLite with its PRAGMAs cost more than serving the page.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # The sitemap's covering index (INCLUDE columns) serves PostgreSQL; SQLite builds it without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: Django refuses larger requests with a 400 before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
MAX_IMAGE_UPLOAD_BYTES = 15 * 1024 * 1024
# Documents of the media library (PDF, office files): larger ones are refused.
MAX_DOCUMENT_UPLOAD_BYTES = int(os.environ.get("MAX_DOCUMENT_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# Pictures with more pixels are refused from their header: decoding costs 4 bytes a pixel.
MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", str(40_000_000)))

CACHES = {
    "default": (
        {"BACKEND": "config.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "site"}
    )
}

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # also where a login with an off-site "next" lands

# Security

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# HTTPS is assumed in production (behind a proxy that sets X-Forwarded-Proto);
# HTTPS=0 serves the production configuration over plain HTTP (laptop, tests).
HTTPS = not DEBUG and env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def media_origins() -> list[str]:
    """Where pictures come from when media live on object storage (see "Scaling out" below)."""
    if os.environ.get("CSP_MEDIA_ORIGINS"):
        return env_list("CSP_MEDIA_ORIGINS")
    if os.environ.get("AWS_S3_CUSTOM_DOMAIN"):
        return [f"https://{os.environ['AWS_S3_CUSTOM_DOMAIN']}"]
    if os.environ.get("AWS_S3_ENDPOINT_URL"):
        return [os.environ["AWS_S3_ENDPOINT_URL"].rstrip("/")]
    if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        return [f"https://{os.environ['AWS_STORAGE_BUCKET_NAME']}.s3.amazonaws.com"]
    return []


# Enforced on every response: no inline script but the rich-text editor's import map,
# which carries the request's nonce (config.security.MediaNonceMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [
            SELF,
            # The one <style> of Django's admin/change_list.html (a list without actions)
            # and the base styles the rich-text editor (Tiptap) injects.
            "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",
            "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",
        ],
        "img-src": [SELF, "data:", *media_origins()],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login: a username tried from one address is locked out after repeated failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_LOCKOUT_CALLABLE = "config.security.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]  # a second-factor code is not logged either
# Staff sign in with a password and a second factor (core/two_factor.py): on unless DEBUG, so that
# `make run` on a laptop stays a password. Wrong codes count as failed logins for the lockout above;
# django-otp's own throttling is off, axes is the one lockout.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 0
# A staff session idle longer than this ends (0: never); "log out everywhere" is on the account's security page.
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
# How many proxies append to X-Forwarded-For in front of the app; 0 trusts only the peer address.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = os.environ.get("SITE_NAME", "Mission Bassin Minier")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
OTP_TOTP_ISSUER = SITE_NAME  # the account's name in the authenticator app

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # When, which worker, how grave, where: an operator can line the errors up with an incident.
    # The offset too: Django sets the process's time zone to TIME_ZONE.
    "formatters": {
        "timed": {
            "format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Performance

# Anonymous GET pages and feeds come from the shared cache (pages/cache.py), placed just
# before the session middleware: a cached page skips sessions, CSRF, auth and the view,
# while the security headers and the content security policy are still set on each response.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "pages.cache.AnonymousPageCacheMiddleware",
)
# An upper bound only: any change of content empties the page cache at once.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
# After a change, one request renders a page while the others wait for it (single flight): at
# most this long, then they render it too. A render claims its page for at most RENDER seconds.
PAGE_CACHE_WAIT_SECONDS = float(os.environ.get("PAGE_CACHE_WAIT_SECONDS", "3"))
PAGE_CACHE_RENDER_SECONDS = 30
# When content changes by itself next (a scheduled publication): core.generation.remember keeps
# values until then at most, as the page cache keeps pages.
CONTENT_VALID_UNTIL = "pages.cache.valid_until"
# Pages each process also keeps in its own memory, in bytes of content (0 keeps none).
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_BYTES", str(8 * 1024 * 1024)))
# Template fragments each process keeps, keyed by what they show ({% memo %}, core/templatetags/memo.py);
# 0 renders every fragment every time.
TEMPLATE_MEMO_BYTES = int(os.environ.get("TEMPLATE_MEMO_BYTES", str(16 * 1024 * 1024)))
# Writes to these apps' tables change the content generation in the same transaction, through
# database triggers (core/generation.py): every cached page is stale in every process at once.
CONTENT_APPS = ["library", "news", "events", "people", "pages", "taggit", "redirects", "sites"]
CONTENT_EXCLUDED_MODELS = ["events.ParticipantExport", "people.PersonalDataAudit"]  # audits are not public
# Paths never cached (besides the admin, static and media files).
PAGE_CACHE_EXEMPT = ["/bench/", "/robots.txt", "/favicon.ico", "/documents/"]  # files: FileResponse
# A trivial view at /bench/ping, for the load benchmark's ceiling (bench/load.py).
BENCH_PING = env_bool("BENCH_PING", False)

# Personal data (docs/personal-data.md): how long it is kept; ``manage.py personal_data purge``
# (a daily cron) anonymises or deletes what falls due. A period set to None is never purged.
PERSONAL_DATA_RETENTION = {
    # A person who is not public and whose last event ended this many years ago is anonymised;
    # a public person keeps the profile but loses e-mail, phone and the participations' notes.
    "PARTICIPATION_YEARS": 3,
    # A person with no participation and no public profile, unchanged for this many years: anonymised.
    "INACTIVE_YEARS": 3,
    # The participant export audit (events.ParticipantExport) is deleted after this many days.
    "EXPORT_AUDIT_DAYS": 365,
}

# Scaling out (docs/deployment.md)

# A PostgreSQL read replica: anonymous reads go there, writes and whoever may just have
# written stay on the primary, and everybody for REPLICA_LAG_SECONDS after a write (config/routers.py).
REPLICA_LAG_SECONDS = int(os.environ.get("REPLICA_LAG_SECONDS", "5"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(0, "config.routers.PinPrimaryMiddleware")
    if not os.environ.get("REDIS_URL"):
        # Who has just written is remembered in the cache: it must be shared by every process.
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs REDIS_URL, shared by every process (docs/deployment.md).")


def postgres_timeout(name: str, default: str) -> str:
    """A PostgreSQL duration from the environment ("5s", "800ms", "0" for none), checked here."""
    value = os.environ.get(name, default).strip()
    if not re.fullmatch(r"\d+\s*(ms|s|min|h)?", value):
        raise ImproperlyConfigured(f"{name} must be a duration such as 5s, 800ms or 0, not {value!r}.")
    return value.replace(" ", "")


# PostgreSQL guard rails: a request stuck behind a lock (a migration) fails fast into the 503
# page instead of holding a worker until gunicorn's timeout. manage.py lifts both by default:
# commands (migrate, generate_bulk, a purge) may run long. The participant export's COPY keeps
# a limit of its own (PARTICIPANT_EXPORT_TIMEOUT).
DATABASE_STATEMENT_TIMEOUT = postgres_timeout("DATABASE_STATEMENT_TIMEOUT", "20s")
DATABASE_LOCK_TIMEOUT = postgres_timeout("DATABASE_LOCK_TIMEOUT", "5s")
PARTICIPANT_EXPORT_TIMEOUT = postgres_timeout("PARTICIPANT_EXPORT_TIMEOUT", "10min")
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT} -c lock_timeout={DATABASE_LOCK_TIMEOUT}"
        )

# Uploaded media on S3-compatible object storage (pip install ".[s3]"); credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3 itself.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured('AWS_STORAGE_BUCKET_NAME needs django-storages: pip install ".[s3]".')
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
