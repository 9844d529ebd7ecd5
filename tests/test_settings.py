"""The settings read the environment and refuse an unsafe production start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts Django in a new Python process.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "chatlinks.settings", **env},
        capture_output=True,
        text=True,
    )


def test_refuses_to_start_without_secret_key_in_production():
    result = load_settings(DEBUG="false")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_has_a_development_key():
    result = load_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "True"


def test_production_with_a_key_starts():
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr


def test_database_url_selects_the_database():
    result = load_settings(DEBUG="true", DATABASE_URL="postgres://u@127.0.0.1:5432/db")

    assert result.stdout.split()[0] == "django.db.backends.postgresql"
