"""Sign-in, sign-up and password-reset limits, and that Redis shares them between app servers.

allauth counts attempts in the cache: with REDIS_URL every gunicorn worker and every server
sees the same counters; with the local-memory cache each process counts alone. The shared case
is proved with two processes: failed sign-ins made here against Redis (database 13, keys under a
prefix of this test, removed afterwards: nothing else of that database is touched), then the
next attempt made by a second process with the same REDIS_URL and prefix.

Redis (127.0.0.1:6379) is needed; `.ci/run` starts it. Without it the shared-limit tests fail
in CI (`CI=true`) and are skipped, with the reason, elsewhere.
"""

import json
import os
import sqlite3
from types import SimpleNamespace
from urllib.parse import quote
from uuid import uuid4

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from tests.config.settings_probe import shell_with_env
from tests.factories import PASSWORD, UserFactory
from tests.helpers import page_text

REDIS_URL = "redis://127.0.0.1:6379/13"
TOO_MANY = "Trop de tentatives de connexion échouées"
WRONG = "L’adresse e-mail ou le mot de passe sont incorrects."

# The second "worker": one sign-in attempt, with the cache of its own settings (REDIS_URL or
# local memory) under the prefix given by the test.
pytestmark = pytest.mark.django_db

SECOND_WORKER = """
import json, os
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

cache = {**settings.CACHES["default"], "KEY_PREFIX": os.environ["RATE_LIMIT_TEST_PREFIX"]}
with override_settings(CACHES={"default": cache}):
    response = Client().post(
        "/accounts/login/",
        {"login": os.environ["RATE_LIMIT_TEST_EMAIL"], "password": "pas-le-bon"},
    )
print(json.dumps({
    "cache": cache["BACKEND"],
    "status": response.status_code,
    "body": response.content.decode(),
}))
"""


@pytest.fixture
def redis_cache():
    """The cache of this process on Redis database 13, under a prefix of its own."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        reason = (
            f"Redis is not reachable at {REDIS_URL} ({exc}): the rate limits shared by several "
            "app servers cannot be checked. Start Redis (`.ci/run` does)."
        )
        client.close()
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    prefix = f"poles-test-ratelimits-{uuid4().hex[:12]}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    # Undone here, before the suite's cache clearing runs (a clear() would flush database 13).
    with override_settings(CACHES=caches):
        yield prefix, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def database_url_for_another_process(db, tmp_path):
    """A database the second process can open, with the schema of the test database."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database lives in this process's memory (and its transaction locks it):
        # make a file with the same schema.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            )
            statements = [row[0] for row in cursor.fetchall()]
        path = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(path)
        try:
            for statement in statements:
                try:
                    target.execute(statement)
                except sqlite3.OperationalError as exc:
                    # Full-text tables create their shadow tables themselves.
                    if "already exists" not in str(exc):
                        raise
            target.commit()
        finally:
            target.close()
        return f"sqlite:///{path}"
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def _fail_sign_in(client, email, times):
    bodies = []
    for _ in range(times):
        response = client.post(reverse("account_login"), {"login": email, "password": "faux"})
        bodies.append(page_text(response))
    return bodies


def _second_worker(database_url, prefix, email, **env):
    output = shell_with_env(
        SECOND_WORKER,
        DATABASE_URL=database_url,
        RATE_LIMIT_TEST_PREFIX=prefix,
        RATE_LIMIT_TEST_EMAIL=email,
        **env,
    )
    result = json.loads(output.strip().splitlines()[-1])
    result["text"] = page_text(SimpleNamespace(content=result.pop("body").encode()))
    return result


def test_failed_sign_ins_limit_holds_in_a_second_process_through_redis(
    redis_cache, database_url_for_another_process, client
):
    prefix, redis_client = redis_cache
    email = "victime@example.org"
    UserFactory(email=email)

    bodies = _fail_sign_in(client, email, 5)  # "5/5m/key" in ACCOUNT_RATE_LIMITS
    counters = [key.decode() for key in redis_client.scan_iter(f"{prefix}:*")]
    other = _second_worker(database_url_for_another_process, prefix, email, REDIS_URL=REDIS_URL)

    assert all(WRONG in body and TOO_MANY not in body for body in bodies)
    assert any("login_failed" in key for key in counters)
    assert other["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert TOO_MANY in other["text"]
    assert WRONG not in other["text"]


def test_failed_sign_ins_are_not_shared_without_redis(
    redis_cache, database_url_for_another_process, client
):
    prefix, _redis_client = redis_cache
    email = "victime@example.org"
    UserFactory(email=email)

    _fail_sign_in(client, email, 5)
    refused_here = _fail_sign_in(client, email, 1)[0]
    other = _second_worker(database_url_for_another_process, prefix, email)

    assert TOO_MANY in refused_here
    assert other["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert WRONG in other["text"]
    assert TOO_MANY not in other["text"]


def test_limited_sign_in_refuses_even_the_right_password_and_the_admin_form_leads_there(client):
    user = UserFactory(email="cible@example.org", is_staff=True)
    _fail_sign_in(client, user.email, 5)

    admin_form = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})
    portal_form = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    # The admin's own form signs nobody in: it sends to the portal's (rate-limited) sign-in.
    assert admin_form.status_code == 302
    assert admin_form["Location"] == reverse("account_login")
    assert TOO_MANY in page_text(portal_form)
    assert "_auth_user_id" not in client.session


def test_sign_up_is_limited_per_address(client):
    statuses = [
        client.post(reverse("account_signup"), {"email": "pas-une-adresse"}).status_code
        for _ in range(20)  # "20/m/ip"
    ]
    refused = client.post(reverse("account_signup"), {"email": "pas-une-adresse"})

    assert set(statuses) == {200}
    assert refused.status_code == 429
    assert "Too Many Requests" in refused.text


def test_password_reset_is_limited_per_email(client, mailoutbox):
    user = UserFactory(email="oubli@example.org")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": user.email}).status_code
        for _ in range(5)  # "5/m/key"
    ]
    refused = client.post(reverse("account_reset_password"), {"email": user.email})

    assert set(statuses) == {302}
    assert len(mailoutbox) == 5
    assert refused.status_code == 429


def test_rate_limits_are_on_in_the_settings():
    limits = django_settings.ACCOUNT_RATE_LIMITS

    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert limits["signup"] == "20/m/ip"
    assert limits["reset_password"] == "20/m/ip,5/m/key"
