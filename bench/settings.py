"""Settings for the benchmarks: the production settings (DEBUG off) on the benchmark database.

The benchmark drops and recreates its database, so it never reads DATABASE_URL, which may
name the database of the test suite; BENCH_DATABASE_URL may name another throwaway one.
"""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-the-data-is-generated")
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chatlinks_bench"
)

from chatlinks.settings import *  # noqa: E402, F403

# The test client's host, and gunicorn's on loopback, over plain HTTP.
ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Without collectstatic's manifest, which the other engineers' CSS edits would make stale.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Staff accounts come from the import and sign in with force_login: no slow hashing needed.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
