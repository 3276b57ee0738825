"""Settings for the pôles portal, read from the environment.

Every variable is documented in `.env.example`. A `.env` file at the project root (written by
`make run` on first use, never committed) is read first; real environment variables win.
With DJANGO_DEBUG off, the portal refuses to start without its secret key and host list.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from `path` into os.environ without overriding real variables."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)


if os.environ.get("DJANGO_READ_DOTENV", "true").lower() not in {"0", "false", "no", "off"}:
    _read_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "poles",
    "members",
    "projects",
    "funding",
    "audit",
    "reporting",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable → friendly 503 (before the session and authentication middleware).
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.mfa.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.roles.context",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL (psycopg 3) in production and CI.
_default_sqlite = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_sqlite)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
            conn_health_checks=True,
        )
    }
except (ValueError, dj_database_url.UnknownSchemeError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
        "DATABASE_TEST_NAME", "test_poles"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Write transactions take SQLite's lock at BEGIN, so that two of them (two people taking
    # an event's last seat) run one after the other instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
# A streaming replica of PostgreSQL for the public read-only pages (`config/db_router.py`):
# anonymous GETs of the directory, organisation pages, funded projects, open data, the
# network's dashboard and the events list read it; everything else uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        )
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from None
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # Short: when the replica does not answer, the page reads the primary instead.
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DATABASE_REPLICA_CONNECT_TIMEOUT", 2
        )
    # Tests never create a replica database: the alias reads the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    # After authentication: only anonymous requests are sent to the replica.
    MIDDLEWARE.append("config.db_router.ReplicaMiddleware")

# Cache: Redis when REDIS_URL is set (shared by every app server), local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "poles",
        }
    }
    # Sessions read from Redis, written through to the database (they survive a Redis restart);
    # every app server sees them.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The directory's rendered facets and results, per scope of viewer and version of the data
# (members/directory_cache.py); 0 turns that cache off.
DIRECTORY_CACHE_SECONDS = env_int("DIRECTORY_CACHE_SECONDS", 300)

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth: e-mail is the login, verified before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pôles] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's defaults, stated so that they are visible; counted in the cache (Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
if not env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True):
    ACCOUNT_RATE_LIMITS = False

# Two-factor authentication (allauth MFA): an authenticator app (TOTP) with recovery codes.
# Staff and funders must use it (`config/mfa.py` enforces it on every page).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail des pôles"
MFA_ADAPTER = "config.mfa.PortalMFAAdapter"

# E-mail (Django 6.1 mailers): SMTP (to a local MTA by default) in production; in development
# the console, unless EMAIL_HOST is set.
_email_host = env_str("EMAIL_HOST", None if DEBUG else "localhost")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portail des pôles <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Confidential files (project attachments, dossier copies): never under MEDIA_URL, served only
# by views that check who asks.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# DJANGO_PRIVATE_STORAGE=s3 keeps them in a private bucket of an S3-compatible object storage
# (OVHcloud, Scaleway, Outscale, MinIO…) instead, shared by every app server; the portal still
# serves each file itself, after checking who asks.
PRIVATE_STORAGE = env_str("DJANGO_PRIVATE_STORAGE", "filesystem")
if PRIVATE_STORAGE == "filesystem":
    STORAGES["private"] = {"BACKEND": "config.storage.PrivateStorage"}
elif PRIVATE_STORAGE == "s3":
    from botocore.config import Config as BotocoreConfig

    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("S3_BUCKET must be set when DJANGO_PRIVATE_STORAGE is s3.")
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX", ""),
            # Private objects, never a public URL: any URL made is signed and short-lived.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("S3_URL_EXPIRY", 60),
            "custom_domain": None,
            # A second file of the same name never replaces the first (frozen dossier copies).
            "file_overwrite": False,
            "client_config": BotocoreConfig(
                signature_version="s3v4",
                # "path" for MinIO and other hosts without per-bucket DNS names.
                s3={"addressing_style": env_str("S3_ADDRESSING_STYLE", "auto")},
                # S3-compatible providers do not all accept the checksums boto3 adds by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }
else:
    raise ImproperlyConfigured(
        f"DJANGO_PRIVATE_STORAGE must be filesystem or s3, not {PRIVATE_STORAGE!r}."
    )
# Largest PDF a partner may attach (bytes, default 10 MB).
ATTACHMENT_MAX_BYTES = env_int("DJANGO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Memberships (remind_memberships): renewal reminders go this many days before a membership
# ends; an active membership still unpaid this many days after its end lapses.
MEMBERSHIP_REMINDER_DAYS = env_int("DJANGO_MEMBERSHIP_REMINDER_DAYS", 30)
MEMBERSHIP_GRACE_DAYS = env_int("DJANGO_MEMBERSHIP_GRACE_DAYS", 60)

# Security headers. HTTPS settings apply when debug is off (behind a TLS-terminating proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_BEHIND_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Joining the browsers' HSTS preload list binds every subdomain for years: the operator of the
# domain opts in with DJANGO_HSTS_PRELOAD=true; until then the deploy check's reminder is muted.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy: no inline script or style anywhere, everything served from here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
