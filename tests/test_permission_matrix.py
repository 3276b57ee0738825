"""Every URL of the project × every persona → the expected answer, with its content.

Adding a URL pattern to `poles`, `members` or `config` without a row here fails
`test_permission_matrix_lists_every_url_pattern`: decide who may open it, then add the row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.urls import URLResolver, get_resolver, reverse

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
    def __init__(self, location: str, cookies: dict[str, str] | None = None):
        self.location, self.cookies = location, cookies or {}

    def check(self, response, url, world):
        assert response.status_code == 302, f"{url}: {response.status_code}, expected 302"
        assert response["Location"] == self.location
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


def _company(w):
    return w.company.name


def _lab(w):
    return w.lab.name


def _unpublished(w):
    return w.unpublished.name


# Who may see the unpublished company: the people who work for it, the staff of a pôle it is
# (even only applying to be) a member of, and superusers.
SEES_UNPUBLISHED = {"member", "animator", "admin"}

MATRIX = [
    Case("poles:home", everyone(Shows('name="q"'))),
    Case("poles:list", everyone(Shows(lambda w: w.pole.name, lambda w: w.other_pole.name))),
    Case(
        "poles:detail",
        everyone(Shows(lambda w: w.pole.name, _company, _lab, hides=(_unpublished,))),
        kwargs=lambda w: {"slug": w.pole.slug},
    ),
    Case(
        "poles:detail",
        everyone(NotFound()),
        variant="unknown slug",
        kwargs=lambda w: {"slug": "pole-inexistant"},
    ),
    Case(
        "members:list",
        {
            persona: Shows(_company, _lab, _unpublished)
            if persona in SEES_UNPUBLISHED
            else Shows(_company, _lab, hides=(_unpublished,))
            for persona in PERSONAS
        },
    ),
    Case(
        "members:organisation",
        everyone(Shows(_lab)),
        kwargs=lambda w: {"slug": w.lab.slug},
    ),
    Case(
        "members:organisation",
        {
            persona: Shows(_unpublished) if persona in SEES_UNPUBLISHED else NotFound(_unpublished)
            for persona in PERSONAS
        },
        variant="unpublished",
        kwargs=lambda w: {"slug": w.unpublished.slug},
    ),
    # allauth: only these two pages are in the matrix, for the personas' sake; signed-in
    # people are sent home.
    Case("account_login", {"anonymous": Shows('name="password"'), **signed_in(RedirectsTo("/"))}),
    Case("account_signup", {"anonymous": Shows('name="password2"'), **signed_in(RedirectsTo("/"))}),
    Case(
        "admin:index",
        {
            "anonymous": AdminLoginRedirect(),
            "outsider": AdminLoginRedirect(),
            "member": AdminLoginRedirect(),
            "lab_member": AdminLoginRedirect(),
            "funder": AdminLoginRedirect(),
            "animator": Shows("Animation des pôles"),
            "other_animator": Shows("Animation des pôles"),
            "admin": Shows("Animation des pôles"),
        },
    ),
    Case(
        "set_language",
        everyone(RedirectsTo("/poles/", cookies={"django_language": "en"})),
        method="post",
        data={"language": "en", "next": "/poles/"},
    ),
    Case("healthz", everyone(Shows("ok"))),
    Case("healthz", everyone(NotAllowed("GET")), variant="post", method="post"),
]

# URL names deliberately left out: allauth's own pages (`account_*`, tested by allauth and by
# tests/members/test_accounts.py) and the admin's (`admin:*`, whose scope is tested in
# tests/members/test_admin.py), except the entry points listed here.
EXCLUDED_PREFIXES = ("account_", "admin:")
INCLUDED_ANYWAY = {"account_login", "account_signup", "admin:index"}


def _url_names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names |= _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def project_url_names() -> set[str]:
    return {
        name
        for name in _url_names(get_resolver().url_patterns)
        if not name.startswith(EXCLUDED_PREFIXES) or name in INCLUDED_ANYWAY
    }


def test_permission_matrix_lists_every_url_pattern():
    # Arrange
    in_matrix = {case.name for case in MATRIX}

    # Act
    in_project = project_url_names()

    # Assert
    assert in_project - in_matrix == set(), "URL patterns missing from the permission matrix"
    assert in_matrix - in_project == set(), "matrix rows for URL patterns that no longer exist"


def test_permission_matrix_covers_every_persona():
    incomplete = {case.id for case in MATRIX if set(case.expect) != set(PERSONAS)}

    assert incomplete == set()


@pytest.mark.parametrize(
    ("case", "persona_name"),
    [(case, persona) for case in MATRIX for persona in PERSONAS],
    ids=[f"{case.id}-{persona}" for case in MATRIX for persona in PERSONAS],
)
def test_url_answers_persona_as_in_matrix(case, persona_name, request, world, client_for):
    # Arrange
    client = client_for(request.getfixturevalue(persona_name))
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None)

    # Act
    response = getattr(client, case.method)(url, data=case.data)

    # Assert
    case.expect[persona_name].check(response, url, world)
