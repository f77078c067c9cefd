"""Production settings: `lumbung check --deploy` is clean; passwords use Argon2."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password


def _lumbung(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lumbung", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        DEBUG="false",
        ALLOWED_HOSTS="koperasi.example.id",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        LUMBUNG_VAR_DIR=str(tmp_path),
    )
    result = _lumbung("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_about_debug_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="true", LUMBUNG_VAR_DIR=str(tmp_path))
    result = _lumbung("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2_outside_tests(settings):
    # conftest swaps in a fast hasher for speed; the project's own setting is Argon2 first.
    from lumbung import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("rahasia-koperasi")
    assert encoded.startswith("argon2$")
    assert check_password("rahasia-koperasi", encoded)
    assert get_hasher().algorithm == "argon2"


def test_staff_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.LUMBUNG_STAFF_IDLE_SECONDS <= 30 * 60
