"""Headless Chromium (Debian's, through Playwright's sync API) against pytest-django's live_server.

Outside CI a missing Chromium skips the browser tests with a visible reason; in CI (CI=true)
it fails them. Each journey fails if the page logged an error in the console (CSP violations
land there) and leaves a screenshot in artifacts/ when it fails.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.test import override_settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    return path if path and Path(path).exists() else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _async_unsafe_allowed():
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the
    # ORM calls the test makes (SynchronousOnlyOperation) unless told it is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_async_unsafe_allowed):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    executable = _chromium_path()
    if executable is None:
        _unavailable("no Chromium found (install Debian's chromium or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _live_server_settings():
    # Read once, when the live server builds its middleware (it lives for the whole session):
    # plain HTTP on localhost whatever DJANGO_DEBUG said at start-up, and no collectstatic.
    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        ACCOUNT_DEFAULT_HTTP_PROTOCOL="http",
        WHITENOISE_AUTOREFRESH=True,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(scope="session")
def live_server(_live_server_settings, django_db_setup, live_server):
    # After the test database is set up: the live server then shares the in-memory SQLite
    # connection with its request threads instead of opening (and leaking) its own.
    return live_server


@pytest.fixture
def console_errors():
    return []


@pytest.fixture
def page(browser, live_server, console_errors, request):
    """A fresh browser page on the live server; fails the test on console errors."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and console_errors.append(f"console: {message.text} ({message.location.get('url')})")
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if console_errors or (report is not None and report.failed):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    context.close()
    assert console_errors == [], "errors in the browser console"


def pytest_collection_modifyitems(items):
    # The live server needs committed data, so these tests flush the database afterwards;
    # serialized rollback then restores what the migrations put there (the competence
    # vocabulary) for the tests that run after them.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
