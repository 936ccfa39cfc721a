"""Settings for Strategie-Austausch, read from the environment.

Every value has a safe default for local use (SQLite under ``var/``, Celery eager,
emails as files under ``var/mail/``); production sets the variables listed in README.md.
"""

import ipaddress
import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "strategy_exchange",
    "participants",
    "clauses",
    "rounds",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "strategy_exchange.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "strategy_exchange.middleware.PrivatePagesMiddleware",
    "rounds.middleware.NavigationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rounds.middleware.RequireMfaForOrganisersMiddleware",
]

ROOT_URLCONF = "strategy_exchange.urls"
WSGI_APPLICATION = "strategy_exchange.wsgi.application"
FORM_RENDERER = "strategy_exchange.forms.KernFormRenderer"
FORMAT_MODULE_PATH = ["strategy_exchange.formats"]


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "rounds.context_processors.nav",
            ],
        },
    },
    {
        # Subjects and plain-text parts of emails: the same templates, rendered without HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: SQLite file under var/ unless DATABASE_URL says otherwise.
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Parameters bound by the server let psycopg prepare a query that a connection runs again and again (after
# its fifth run): PostgreSQL then plans it once per connection, not for every request. Planning costs more
# than running the small queries of a page. Behind PgBouncer in transaction mode set DB_PREPARED_STATEMENTS=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# PostgreSQL compiles a query to machine code (JIT) once its estimated cost is high, which costs some 50-100 ms
# at every run: more than the queries of a page need, the search's ones included (with JIT they took three times
# as long at scale data). Pages run short queries, so JIT stays off unless DB_JIT=1.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DB_JIT", False):
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "participants.User"
AUTHENTICATION_BACKENDS = [
    "participants.backends.AuthenticationBackend",  # allauth's, reading the session's person cheaply
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email is the login; accounts come only from invitations.
ACCOUNT_ADAPTER = "participants.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Strategie-Austausch] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "reset_password_from_key": "20/m/ip",  # nosec B105
    "signup": "20/m/ip",
}
# Reverse proxies (IP addresses or CIDR networks) whose X-Forwarded-For is believed: from one of these,
# the rate limits above count the right-most forwarded address that is not itself a trusted proxy;
# from any other peer, REMOTE_ADDR. Empty (the default): X-Forwarded-For is ignored.
# A typo fails at start-up, not at the first sign-in.
TRUSTED_PROXIES = [str(ipaddress.ip_network(proxy, strict=False)) for proxy in env_list("TRUSTED_PROXIES")]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Strategie-Austausch"
# When set, staff and organisers must set up two-factor authentication.
MFA_REQUIRED_FOR_ORGANISERS = env_bool("MFA_REQUIRED_FOR_ORGANISERS", False)

# Internationalisation: German first, English available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
# locale/ holds the English catalogue, written by makemessages (which only ever writes into the
# first entry). locale_overrides/ is maintained by hand: formal German ("Sie") for those
# django-allauth messages that allauth's own German catalogue phrases with "du". Project
# catalogues take precedence over those of installed apps.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static and uploaded files.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files are never served directly: views check permissions and stream them.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
STRATEGY_PDF_MAX_BYTES = 20 * 1024 * 1024

# Email: files under var/mail/ locally; SMTP when EMAIL_URL-like settings are given.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Strategie-Austausch <austausch@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Answers from calendar programs (iMIP REPLY): the ORGANIZER of every invitation is the reply mailbox;
# with REPLY_IMAP_HOST set, a periodic job reads it over IMAP and applies the answers (README
# "Antworten aus Kalenderprogrammen"). Without REPLY_IMAP_HOST the feature is off.
REPLY_MAILBOX_ADDRESS = env_str("REPLY_MAILBOX_ADDRESS") or parseaddr(DEFAULT_FROM_EMAIL)[1]
REPLY_IMAP_HOST = env_str("REPLY_IMAP_HOST")
REPLY_IMAP_SSL = env_bool("REPLY_IMAP_SSL", True)
REPLY_IMAP_PORT = env_int("REPLY_IMAP_PORT", 993 if REPLY_IMAP_SSL else 143)
REPLY_IMAP_USER = env_str("REPLY_IMAP_USER", REPLY_MAILBOX_ADDRESS)
REPLY_IMAP_PASSWORD = env_str("REPLY_IMAP_PASSWORD")
REPLY_IMAP_FOLDER = env_str("REPLY_IMAP_FOLDER", "INBOX")
REPLY_IMAP_TIMEOUT = env_int("REPLY_IMAP_TIMEOUT", 30)

# Redis: REDIS_URL is the Celery broker, CACHE_URL the cache, in separate databases (the cache's may be
# emptied or lost without losing a queued job). Without REDIS_URL tasks run eagerly in-process.
REDIS_URL = env_str("REDIS_URL")


def _redis_database(url: str, number: int) -> str:
    """``url`` with its database number replaced by ``number``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, parts.fragment))


CACHE_URL = env_str("CACHE_URL", _redis_database(REDIS_URL, 1) if REDIS_URL else "")
# How long a request waits for a Redis that does not answer, in seconds: the cache and the broker are
# optional, so a dead Redis costs a request a moment, never the request.
REDIS_CONNECT_TIMEOUT = 0.25
REDIS_SOCKET_TIMEOUT = 0.5

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish (strategy_exchange.celery.enqueue) to a broker that is down fails after one retry 0.2 s
# later, to one that hangs after the socket timeout (2 s, longer than the worker's 1 s BRPOP); the
# periodic sweep sends what stayed queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Delivery of every outgoing message (strategy_exchange.outbox; what invitations send: rounds.services.delivery):
# attempts per message, exponential backoff, and when the sweep takes over.
DELIVERY_MAX_ATTEMPTS = env_int("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_RETRY_BASE_SECONDS = env_int("DELIVERY_RETRY_BASE_SECONDS", 30)
DELIVERY_RETRY_MAX_SECONDS = env_int("DELIVERY_RETRY_MAX_SECONDS", 3600)
DELIVERY_STUCK_QUEUED_SECONDS = env_int("DELIVERY_STUCK_QUEUED_SECONDS", 5 * 60)
DELIVERY_STUCK_SENDING_SECONDS = env_int("DELIVERY_STUCK_SENDING_SECONDS", 15 * 60)
REPORT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# Organisers are warned about messages waiting longer than this; workers write a heartbeat this often, and
# one older than the stale limit counts as "no worker running".
DELIVERY_WAITING_WARNING_SECONDS = env_int("DELIVERY_WAITING_WARNING_SECONDS", 5 * 60)
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
WORKER_HEARTBEAT_STALE_SECONDS = env_int("WORKER_HEARTBEAT_STALE_SECONDS", 120)
# Report builds: the PDF is made in a child process with only the fonts of REPORT_FONTS_DIR, within a time
# limit; a crash or timeout counts as an attempt, and after the last attempt the report is marked failed.
REPORT_FONTS_DIR = Path(env_str("REPORT_FONTS_DIR", str(BASE_DIR / "static" / "vendor" / "dejavu")))
REPORT_BUILD_TIMEOUT_SECONDS = env_int("REPORT_BUILD_TIMEOUT_SECONDS", 120)
REPORT_BUILD_MAX_ATTEMPTS = env_int("REPORT_BUILD_MAX_ATTEMPTS", 3)
REPORT_BUILD_RETRY_SECONDS = env_int("REPORT_BUILD_RETRY_SECONDS", 60)

# Search ranks, counts and pages through at most this many matches of each kind (comments, notes, …); a kind
# with more says "mehr als …". A search then costs the same however many rows match (rounds.selectors.search).
SEARCH_CANDIDATES = env_int("SEARCH_CANDIDATES", 1000)

# Rendered fragments are cached under the versions of the rows they show (strategy_exchange.fragments);
# RELEASE (e.g. the deployed version) keeps a new release from serving HTML that an older one cached.
# Without Redis the cache lives in files under var/, shared by the web server and the periodic jobs.
# The cache is optional: while its Redis is down every read misses and every write is dropped (and
# logged), so pages are rendered afresh and sessions come from the database; sign-in rate limits are
# kept per process meanwhile (strategy_exchange.redis_cache).
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "strategy_exchange.redis_cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT, "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CACHES["default"]["KEY_PREFIX"] = env_str("RELEASE", "")
# Each process also keeps the fragments it used last in memory, up to this many bytes (0: none).
FRAGMENT_MEMORY_BYTES = env_int("FRAGMENT_MEMORY_BYTES", 32 * 1024 * 1024)

# Security. Production (DEBUG off) gets HTTPS-only cookies and HSTS.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp 4): no inline script or style, nothing from third parties.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
