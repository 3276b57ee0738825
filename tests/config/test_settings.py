"""Settings from the environment: production refuses to start without its secrets; CSP."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, python_options=(), **env) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process, with no .env and only the given settings variables."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "ACCOUNT_"))
    }
    clean.pop("PYTHONWARNINGS", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *python_options, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**clean, "DJANGO_READ_DOTENV": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-secret-for-the-settings-test-0123456789",
    "DJANGO_ALLOWED_HOSTS": "poles.example",
}


def test_settings_production_with_secret_and_hosts_starts():
    result = _manage("check", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "poles.example"},
            "Configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.",
        ),
        (
            {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]},
            "Configuration error: DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.",
        ),
        (
            {**PRODUCTION, "DJANGO_DEBUG": "maybe"},
            "Configuration error: DJANGO_DEBUG must be true or false, not 'maybe'.",
        ),
        (
            {**PRODUCTION, "DATABASE_CONN_MAX_AGE": "a minute"},
            "Configuration error: DATABASE_CONN_MAX_AGE must be a whole number, not 'a minute'.",
        ),
    ],
    ids=["no secret key", "no allowed hosts", "bad debug value", "bad number"],
)
def test_settings_bad_environment_fails_with_one_line_message(env, message):
    result = _manage("check", **env)

    assert result.returncode != 0
    assert result.stderr == message + "\n"
    assert "Traceback" not in result.stderr


def test_settings_load_without_deprecation_warnings():
    # Django 6.1 deprecates EMAIL_BACKEND, EMAIL_HOST… in favour of MAILERS; with
    # `filterwarnings = error` such a warning stops the whole test suite before it starts.
    result = _manage("check", python_options=("-W", "error"), DJANGO_DEBUG="true")

    assert "Warning" not in result.stderr
    assert result.returncode == 0


# --- Content-Security-Policy ------------------------------------------------------------------


@pytest.mark.django_db
def test_csp_header_allows_only_own_scripts(client):
    response = client.get(reverse("poles:home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("style element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"<[^>]+\sstyle=", re.I)),
    ("event handler attribute", re.compile(r"<[^>]+\son[a-z]+=", re.I)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("poles:home"),
        lambda w: reverse("poles:list"),
        lambda w: w.pole.get_absolute_url(),
        lambda w: reverse("members:list"),
        lambda w: w.company.get_absolute_url(),
        lambda w: reverse("account_login"),
        lambda w: reverse("account_signup"),
        lambda w: "/page-inexistante/",
    ],
    ids=["home", "poles", "pole", "organisations", "organisation", "login", "signup", "404"],
)
def test_pages_have_no_inline_script_or_style(client, world, url):
    body = client.get(url(world)).content.decode()

    found = {name for name, pattern in INLINE if pattern.search(body)}
    assert found == set()
