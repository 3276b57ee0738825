"""Every URL of the project × every persona → the expected answer, with its content.

Adding a URL pattern without a row here or in a `tests/matrix_*.py` module fails
`test_permission_matrix_lists_every_url_pattern`: decide who may open it, then add the row.
The vocabulary (`Case`, `Shows`, `NotFound`…) is in `tests/matrix.py`.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from members.models import OrganisationJoinRequest
from tests import (
    matrix_committee,
    matrix_dashboards,
    matrix_dossiers,
    matrix_events,
    matrix_fees,
    matrix_meetings,
    matrix_outcomes,
    matrix_projects,
    matrix_review,
    matrix_services,
)
from tests.conftest import PERSONAS
from tests.factories import InterestFactory, PartnerSearchFactory, UserFactory
from tests.matrix import (
    AdminLoginRedirect,
    Case,
    Forbidden,
    LoginRedirect,
    NotAllowed,
    NotFound,
    RedirectsTo,
    Shows,
    everyone,
    signed_in,
)


def _company(w):
    return w.company.name


def _lab(w):
    return w.lab.name


def _unpublished(w):
    return w.unpublished.name


TO_OWN_SPACE = RedirectsTo("/mon-espace/")

# Who may edit the published company: its admin, the staff of its pôle, superusers.
MANAGE_COMPANY = ("member", "animator", "admin")


def _join_request(w):
    """A pending request from a newcomer to join the company."""
    return OrganisationJoinRequest.objects.create(
        user=UserFactory(email="candidate@example.org"), organisation=w.company
    )


# Who may see the unpublished company: the people who work for it, the staff of a pôle it is
# (even only applying to be) a member of, and superusers.
SEES_UNPUBLISHED = {"member", "animator", "admin"}

# Partner searches (the `projects:*` rows): who works for an organisation (and may publish);
# who sees a hidden search of the company in Pôle Alpha (its people, Alpha's staff, superusers).
# The searches and the interest are made on first use, once per world.
AFFILIATED = ("member", "lab_member", "funder", "other_funder", "funder_manager")
SEES_HIDDEN_SEARCH = ("member", "animator", "admin")
SEARCH = "Recherche de partenaires Alpha"
HIDDEN_SEARCH = "Recherche masquée Alpha"


def _made(*objects):
    """kwargs of a URL without parameters, once the objects it should show exist."""
    return {}


def _company_admin(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _search(w):
    if not hasattr(w, "search"):
        w.search = PartnerSearchFactory(
            author=_company_admin(w), organisation=w.company, pole=w.pole, title=SEARCH
        )
    return w.search


def _hidden_search(w):
    if not hasattr(w, "hidden_search"):
        w.hidden_search = PartnerSearchFactory(
            author=_company_admin(w),
            organisation=w.company,
            pole=w.pole,
            title=HIDDEN_SEARCH,
            status="hidden",
        )
    return w.hidden_search


def _interest(w):
    """A pending interest of the laboratory in `_search`."""
    if not hasattr(w, "interest"):
        w.interest = InterestFactory(
            posting=_search(w), organisation=w.lab, user__email="interested@example.org"
        )
    return w.interest


def _search_url(w):
    return reverse("projects:detail", kwargs={"pk": _search(w).pk})


def _hidden_search_url(w):
    return reverse("projects:detail", kwargs={"pk": _hidden_search(w).pk})


BASE_MATRIX = [
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
    Case("dashboard", {"anonymous": LoginRedirect(), **signed_in(Shows("Mon espace"))}),
    Case("members:create", {"anonymous": LoginRedirect(), **signed_in(Shows('name="siret"'))}),
    Case(
        "members:edit",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(MANAGE_COMPANY, Shows('name="siret"', _company)),
        },
        kwargs=lambda w: {"slug": w.company.slug},
    ),
    Case(
        "members:edit",
        {
            **everyone(NotFound(_unpublished)),
            "anonymous": LoginRedirect(),
            "member": Forbidden(),
            "animator": Shows('name="siret"', _unpublished),
            "admin": Shows('name="siret"', _unpublished),
        },
        variant="unpublished",
        kwargs=lambda w: {"slug": w.unpublished.slug},
    ),
    Case(
        "members:join",
        {"anonymous": LoginRedirect(), **signed_in(Shows('name="job_title"', _company))},
        kwargs=lambda w: {"slug": w.company.slug},
    ),
    Case(
        "members:join",
        {
            persona: Shows('name="job_title"', _unpublished)
            if persona in SEES_UNPUBLISHED
            else NotFound(_unpublished)
            for persona in PERSONAS
        }
        | {"anonymous": LoginRedirect()},
        variant="unpublished",
        kwargs=lambda w: {"slug": w.unpublished.slug},
    ),
    Case(
        "members:join_request_decide",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "member": RedirectsTo("/mon-espace/"),
        },
        kwargs=lambda w: {"slug": w.company.slug, "pk": _join_request(w).pk},
        method="post",
        data={"decision": "decline"},
    ),
    Case(
        "members:join_request_decide",
        everyone(NotAllowed("POST")) | {"anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"slug": w.company.slug, "pk": _join_request(w).pk},
    ),
    Case(
        "members:membership_request",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "member": Shows('name="motivation"', _company),
            "admin": Shows('name="motivation"', _company),
        },
        kwargs=lambda w: {"slug": w.company.slug},
    ),
    Case("funding:simulator", everyone(Shows("Simulateur d'éligibilité FUI", 'name="lead_pole"'))),
    Case(
        "funding:simulator",
        everyone(Shows("pas éligible en l", "Aide par partenaire")),
        variant="post",
        method="post",
        data={
            "call": "fui-21",
            "lead_pole": "pole-alpha",
            "partenaire-TOTAL_FORMS": "1",
            "partenaire-INITIAL_FORMS": "0",
            "partenaire-0-name": "Alpha",
            "partenaire-0-kind": "company",
            "partenaire-0-coordinator": "on",
            "partenaire-0-region": "76",
            "partenaire-0-expenses_eur": "900000",
            "partenaire-0-employees": "40",
            "partenaire-0-turnover_eur": "6000000",
        },
    ),
    # allauth: only these two pages are in the matrix, for the personas' sake; signed-in
    # people are sent home.
    Case(
        "account_login",
        {"anonymous": Shows('name="password"'), **signed_in(RedirectsTo("/mon-espace/"))},
    ),
    Case(
        "account_signup",
        {"anonymous": Shows('name="password2"'), **signed_in(RedirectsTo("/mon-espace/"))},
    ),
    Case(
        "admin:index",
        {
            "anonymous": AdminLoginRedirect(),
            "outsider": AdminLoginRedirect(),
            "member": AdminLoginRedirect(),
            "lab_member": AdminLoginRedirect(),
            "funder": AdminLoginRedirect(),
            "other_funder": AdminLoginRedirect(),
            "funder_manager": AdminLoginRedirect(),
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
    # Partner searches (projects): members only. `_search` is open, by `member` for the company;
    # `_hidden_search` is hidden by moderation. Helpers below the list.
    Case(
        "projects:list",
        {"anonymous": LoginRedirect(), **signed_in(Shows(SEARCH, hides=(HIDDEN_SEARCH,)))},
        kwargs=lambda w: _made(_search(w), _hidden_search(w)),
    ),
    Case(
        "projects:create",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(AFFILIATED, Shows('name="competences_wanted"')),
        },
    ),
    Case(
        "projects:my_interests", {"anonymous": LoginRedirect(), **signed_in(Shows("Mes intérêts"))}
    ),
    Case(
        "projects:detail",
        {
            **signed_in(Shows(SEARCH, hides=("Marques d'intérêt reçues",))),
            "anonymous": LoginRedirect(),
            "member": Shows(SEARCH, "Marques d'intérêt reçues", "Partenaires suggérés"),
        },
        kwargs=lambda w: {"pk": _search(w).pk},
    ),
    Case(
        "projects:detail",
        {
            **everyone(NotFound(HIDDEN_SEARCH)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(SEES_HIDDEN_SEARCH, Shows(HIDDEN_SEARCH, "masquée par la modération")),
        },
        variant="hidden",
        kwargs=lambda w: {"pk": _hidden_search(w).pk},
    ),
    Case(
        "projects:detail",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown pk",
        kwargs=lambda w: {"pk": 999999},
    ),
    Case(
        "projects:edit",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "member": Shows('name="title"', SEARCH),
        },
        kwargs=lambda w: {"pk": _search(w).pk},
    ),
    Case(
        "projects:edit",
        {
            **everyone(NotFound(HIDDEN_SEARCH)),
            "anonymous": LoginRedirect(),
            "member": Shows('name="title"', HIDDEN_SEARCH),
            "animator": Forbidden(),
            "admin": Forbidden(),
        },
        variant="hidden",
        kwargs=lambda w: {"pk": _hidden_search(w).pk},
    ),
    Case(
        "projects:close",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "member": Shows("Clôturer la recherche ?", SEARCH),
        },
        kwargs=lambda w: {"pk": _search(w).pk},
    ),
    Case(
        "projects:express_interest",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            # The author may not; the others need an organisation. An empty form: its errors.
            **dict.fromkeys(
                ("lab_member", "funder", "other_funder", "funder_manager"),
                Shows("Dites ce que votre organisation apporterait au projet."),
            ),
        },
        kwargs=lambda w: {"pk": _search(w).pk},
        method="post",
    ),
    Case(
        "projects:express_interest",
        {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"pk": _search(w).pk},
    ),
    Case(
        "projects:follow",
        {**signed_in(RedirectsTo(_search_url)), "anonymous": LoginRedirect()},
        kwargs=lambda w: {"pk": _search(w).pk},
        method="post",
    ),
    Case(
        "projects:follow",
        {**signed_in(NotFound(HIDDEN_SEARCH)), "anonymous": LoginRedirect()}
        | dict.fromkeys(SEES_HIDDEN_SEARCH, RedirectsTo(_hidden_search_url)),
        variant="hidden",
        kwargs=lambda w: {"pk": _hidden_search(w).pk},
        method="post",
    ),
    Case(
        "projects:unfollow",
        {**signed_in(RedirectsTo(_search_url)), "anonymous": LoginRedirect()},
        kwargs=lambda w: {"pk": _search(w).pk},
        method="post",
    ),
    Case(
        "projects:answer_interest",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "member": RedirectsTo(lambda w: f"{_search_url(w)}#interets"),
        },
        kwargs=lambda w: {"pk": _interest(w).pk},
        method="post",
        data={"decision": "decline"},
    ),
    Case(
        "projects:answer_interest",
        {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"pk": _interest(w).pk},
    ),
]

# URL names deliberately left out: allauth's own pages (`account_*`, tested by allauth and by
# tests/members/test_accounts.py) and the admin's (`admin:*`, whose scope is tested in
# tests/members/test_admin.py), except the entry points listed here.
MATRIX = (
    BASE_MATRIX
    + matrix_projects.CASES
    + matrix_dossiers.CASES
    + matrix_review.CASES
    + matrix_committee.CASES
    + matrix_events.CASES
    + matrix_meetings.CASES
    + matrix_services.CASES
    + matrix_fees.CASES
    + matrix_dashboards.CASES
    + matrix_outcomes.CASES
)

EXCLUDED_PREFIXES = ("account_", "mfa_", "admin:")  # mfa_*: allauth's, tests/config/test_mfa.py
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
