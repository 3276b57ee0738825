"""The permission matrix's vocabulary: what a persona may get, and a row (`Case`).

Rows live in `tests/test_permission_matrix.py` and, per area, in `tests/matrix_*.py` modules
(each exposes `CASES`), which the matrix test gathers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import reverse

from tests.conftest import PERSONAS

# --- What a persona may get -------------------------------------------------------------------

Text = str | Callable[[object], str]


def _text(value: Text, world) -> str:
    return value(world) if callable(value) else value


class Shows:
    """200, and the page contains every text of `texts` and none of `hides`."""

    def __init__(self, *texts: Text, hides: tuple[Text, ...] = ()):
        self.texts, self.hides = texts, hides

    def check(self, response, url, world):
        assert response.status_code == 200, f"{url}: {response.status_code}, expected 200"
        body = response.content.decode()
        for text in self.texts:
            assert _text(text, world) in body
        for text in self.hides:
            assert _text(text, world) not in body

    def __repr__(self):
        return "200"


class LoginRedirect:
    """302 to allauth's sign-in page, coming back here afterwards (pages for members only)."""

    def check(self, response, url, world):
        assert response.status_code == 302, f"{url}: {response.status_code}, expected 302"
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"


class AdminLoginRedirect:
    """302 to the admin's sign-in page (what the admin does for anonymous and non-staff)."""

    def check(self, response, url, world):
        assert response.status_code == 302, f"{url}: {response.status_code}, expected 302"
        assert response["Location"] == f"{reverse('admin:login')}?next={quote(url)}"


class RedirectsTo:
    def __init__(self, location: Text, cookies: dict[str, str] | None = None):
        self.location, self.cookies = location, cookies or {}

    def check(self, response, url, world):
        assert response.status_code == 302, f"{url}: {response.status_code}, expected 302"
        assert response["Location"] == _text(self.location, world)
        for name, value in self.cookies.items():
            assert response.cookies[name].value == value


class NotFound:
    """404 that reveals nothing: the hidden object's name is not in the page."""

    def __init__(self, *hides: Text):
        self.hides = hides

    def check(self, response, url, world):
        assert response.status_code == 404, f"{url}: {response.status_code}, expected 404"
        body = response.content.decode()
        assert "Cette page est introuvable" in body
        for text in self.hides:
            assert _text(text, world) not in body


class Forbidden:
    """403: in the user's scope, without the role the action needs."""

    def check(self, response, url, world):
        assert response.status_code == 403, f"{url}: {response.status_code}, expected 403"


class NotAllowed:
    def __init__(self, allowed: str):
        self.allowed = allowed

    def check(self, response, url, world):
        assert response.status_code == 405, f"{url}: {response.status_code}, expected 405"
        assert response["Allow"] == self.allowed


def everyone(expect) -> dict:
    return dict.fromkeys(PERSONAS, expect)


def signed_in(expect) -> dict:
    return {persona: expect for persona in PERSONAS if persona != "anonymous"}


# --- The matrix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    expect: dict
    variant: str = ""
    kwargs: Callable[[object], dict] | None = None
    method: str = "get"
    data: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name
