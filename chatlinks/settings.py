"""Chat Links settings, all read from the environment (see README, "Configuration")."""

import datetime as dt
from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes (ModelAdmin[Bot], QuerySet[Message]) take their type arguments at
# run time too, as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a development key).")
    SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Bottom to top: each app imports only those above it (tests/test_layout.py).
    "conversations",
    "accounts",
    "sharelinks",
    "audit",
    "chats",
    "agentchat",
    "analytics",
    "ingest",
    "topics",
    "signin",
    "console",
]
# The demo data generator needs the development requirements (Faker): `make run` has them.
if env.bool("DEMO_DATA", default=DEBUG):
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has verified a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Signs out a session left unused for SESSION_IDLE_MINUTES.
    "signin.sessions.SessionEndingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "web.errors.NotFoundPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chatlinks.urls"

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

WSGI_APPLICATION = "chatlinks.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Shared by all workers in production (e.g. CACHE_URL=redis://…) so rate limits hold across them.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Password links (forgotten passwords, invitations): EMAIL_URL=smtp+tls://user:password@host:587
# in production. Without it the emails are written to the server's output, as in development.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chat Links <noreply@localhost>")
# A link to set a password works for three days (an invitation may wait over a weekend).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on: existing staff matched by verified email, when OIDC_RP_CLIENT_ID is set.
    "signin.sso.StaffOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Nobody who is not signed in is ever granted anything, so guardian needs no anonymous user.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security. Production (DEBUG off) gets secure cookies, HSTS and HTTPS redirects by default;
# SECURE_PROXY_SSL_HEADER tells Django which header a TLS-terminating proxy sets.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# A session unused for this long ends (signin.sessions), whatever SESSION_COOKIE_AGE says.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sign-in protection: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for the cool-off time.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The second factor (signin): authenticator apps name the account "Chat Links: username".
OTP_TOTP_ISSUER = "Chat Links"
# Wrong codes a user may enter in SECOND_FACTOR_WINDOW_MINUTES; further tries are refused.
SECOND_FACTOR_FAILURE_LIMIT = env.int("SECOND_FACTOR_FAILURE_LIMIT", default=5)
SECOND_FACTOR_WINDOW_MINUTES = env.int("SECOND_FACTOR_WINDOW_MINUTES", default=15)

# Single sign-on with OpenID Connect (signin.sso, mozilla-django-oidc): off unless
# OIDC_RP_CLIENT_ID is set; then the provider's endpoints (its discovery document,
# /.well-known/openid-configuration, lists them) are required too.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
if OIDC_RP_CLIENT_ID and not all(
    [
        OIDC_RP_CLIENT_SECRET,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    ]
):
    raise ImproperlyConfigured(
        "With OIDC_RP_CLIENT_ID set, also set OIDC_RP_CLIENT_SECRET, OIDC_OP_AUTHORIZATION_"
        "ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT."
    )
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # signin.sso refuses anyone without an account, whatever this says
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
# The sign-in page's button says "Sign in with OIDC_PROVIDER_NAME".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")
# An ID token whose `amr` names one of these (each alone says several factors were used), or
# methods of two kinds (signin.sso.AMR_FACTOR_KINDS), or whose `acr` is one of these, says the
# person used a second factor (counted only by businesses that trust it). Not "otp" or "hwk":
# alone, each can be a one-factor, passwordless sign-in (RFC 8176).
OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa"])
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])

# Background jobs (ingest.tasks): a worker takes them from CELERY_BROKER_URL (Redis in
# production: `celery -A chatlinks worker`); without a broker they run at once, in process, so
# development and the tests need nothing else.
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
# Periodic tasks, run by `celery -A chatlinks beat` beside the worker: each night, every
# business with a retention loses the conversations older than it keeps (ingest.lifecycle).
CELERY_BEAT_SCHEDULE = {
    "apply-retention": {
        "task": "ingest.tasks.apply_retention_everywhere",
        "schedule": crontab(hour=env.int("RETENTION_HOUR_UTC", default=2), minute=30),
    },
    # Bot-break topics computed again after imports: a check every quarter of an hour, one job
    # per business whose bot breaks changed (topics.tasks).
    "refresh-topics": {
        "task": "topics.tasks.refresh_topics_everywhere",
        "schedule": crontab(minute="*/15"),
    },
}

# The import endpoint reads at most this many bytes of JSON per request.
IMPORT_MAX_BODY_BYTES = env.int("IMPORT_MAX_BODY_BYTES", default=10 * 1024 * 1024)
# ... and accepts at most this many requests per minute from one API key.
IMPORT_RATE_PER_MINUTE = env.int("IMPORT_RATE_PER_MINUTE", default=120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
