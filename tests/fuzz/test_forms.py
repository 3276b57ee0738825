"""Every public form and every form a signed-in member reaches, fuzzed through the test client.

Whatever is posted (missing fields, lists where one value is expected, unknown choices, NUL
bytes, invalid UTF-8, huge or negative numbers, malformed dates), the answer is a page or a
redirect, never a server error or a traceback; and when a form is sent back with an error,
the values the user typed correctly are still in it.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.fuzzing import TYPED, assert_clean, examples, params, post, shows_value, values

pytestmark = pytest.mark.django_db

DATES = ("2026-12-31", "2099-01-01", "2026-02-30", "31/12/2026", "0000-00-00", "9999-12-31")
EMAILS = ("member@example.org", "nobody@example.org", "a@b", "@", "x" * 300 + "@example.org")


def _ids(*objects) -> list[str]:
    return [str(obj.pk) for obj in objects]


def _forms(world, company, lab, pole, other_pole) -> dict:
    """Form name → (persona, URL, fields). Valid values come first in each `values`."""
    posting, interest = world["posting"], world["interest"]
    organisations = values(*_ids(company, lab))
    poles = values(*_ids(pole, other_pole), "pole-alpha")
    return {
        "signup": (
            "anonymous",
            "/accounts/signup/",
            {"email": values(*EMAILS), "password1": values(), "password2": values()},
        ),
        "login": (
            "anonymous",
            "/accounts/login/",
            {
                "login": values(*EMAILS),
                "password": values("wrong"),
                "remember": values("on"),
                "next": values("/mon-espace/", "//evil.example", "https://evil.example/"),
            },
        ),
        "password reset": ("anonymous", "/accounts/password/reset/", {"email": values(*EMAILS)}),
        "join an organisation": (
            "outsider",
            f"/organisations/{company.slug}/rejoindre/",
            {"job_title": values("Ingénieure"), "message": values("Bonjour")},
        ),
        "register an organisation": (
            "outsider",
            "/organisations/nouvelle/",
            {
                "name": values("Nouvelle Société"),
                "kind": values("company", "research", "training", "rto", "other"),
                "siren": values("732829320", "123456789"),
                "siret": values("73282932000074", "12345678900000"),
                "rnsr": values("201900001Y"),
                "uai": values("0751717J"),
                "headcount": values("10", "250", "5000"),
                "turnover_eur": values("1000000", "50000001"),
                "balance_sheet_eur": values("43000000"),
                "region": values("76", "53"),
                "website": values("https://example.org", "javascript:alert(1)"),
                "contact_email": values(*EMAILS),
                "is_published": values("on"),
            },
        ),
        "ask a pôle for membership": (
            "member",
            f"/organisations/{company.slug}/adhesion/",
            {
                "pole": poles,
                "college": values("pme", "ge", "recherche"),
                "motivation": values("Rejoindre le réseau"),
            },
        ),
        "publish a partner search": (
            "member",
            "/recherches/nouvelle/",
            {
                "organisation": organisations,
                "title": values("Cherche partenaire"),
                "description": values("Un projet"),
                "competences_wanted": values(*_ids(*posting.competences_wanted.all())),
                "kinds_wanted": values("research", "company"),
                "region_wanted": values("76", "11"),
                "pole": poles,
                "target_call": values("FUI 26"),
                "expires_on": values(*DATES),
            },
        ),
        "express interest": (
            "lab_member",
            f"/recherches/{posting.pk}/interet/",
            {
                "organisation": organisations,
                "contribution": values("Un banc"),
                "motivation": values("Le cas d'usage"),
            },
        ),
        "answer an interest": (
            "member",
            f"/recherches/interets/{interest.pk}/reponse/",
            {"decision": values("accept", "decline"), "message": values("Rendez-vous lundi")},
        ),
        "register to an event": (
            "member",
            f"/evenements/{world['event'].slug}/inscription/",
            {"organisation": organisations},
        ),
        "request a service": (
            "member",
            f"/services/{world['service'].pk}/demander/",
            {"organisation": organisations, "message": values("Un brevet")},
        ),
        "request a platform access": (
            "member",
            f"/plateformes/{world['platform'].slug}/demander-acces/",
            {
                "organisation": organisations,
                "message": values("Un essai"),
                "desired_period": values("Mars 2027"),
            },
        ),
    }


FORM_NAMES = [
    "signup",
    "login",
    "password reset",
    "join an organisation",
    "register an organisation",
    "ask a pôle for membership",
    "publish a partner search",
    "express interest",
    "answer an interest",
    "register to an event",
    "request a service",
    "request a platform access",
]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_form_never_fails_whatever_is_posted(
    name, request, fuzz_world, company, lab, pole, other_pole, client_for
):
    persona, url, fields = _forms(fuzz_world, company, lab, pole, other_pole)[name]
    client = client_for(request.getfixturevalue(persona))

    @settings(max_examples=examples(12))
    @given(pairs=params(fields, max_size=12), htmx=st.booleans())
    def check(pairs, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        assert_clean(post(client, url, pairs, headers=headers))

    check()


# --- Nothing valid is lost -------------------------------------------------------------------

BAD_DATES = st.sampled_from(["2026-02-30", "31/02/2026", "demain", "0000-00-00", "\x00", "NaN"])
BAD_NUMBERS = st.sampled_from(["-1", "NaN", "inf", "1e309", "9" * 40, "douze", "1.5"])
EMAIL = st.from_regex(r"\A[a-z][a-z0-9]{2,15}@exemple\.fr\Z")


@settings(max_examples=examples(8))
@given(email=EMAIL, password=TYPED)
def test_signup_with_mismatched_passwords_keeps_the_email(email, password, client):
    pairs = [("email", email), ("password1", password), ("password2", password + "x")]

    body = assert_clean(post(client, "/accounts/signup/", pairs))

    assert shows_value(body, email)


@settings(max_examples=examples(8))
@given(email=EMAIL, password=TYPED)
def test_signin_with_a_wrong_password_keeps_the_email(email, password, client):
    body = assert_clean(
        post(client, "/accounts/login/", [("login", email), ("password", password)])
    )

    assert shows_value(body, email)


@settings(max_examples=examples(8))
@given(name=TYPED, city=TYPED, headcount=BAD_NUMBERS)
def test_organisation_form_with_a_bad_headcount_keeps_the_rest(
    name, city, headcount, outsider, client_for
):
    pairs = [("name", name), ("kind", "company"), ("city", city), ("headcount", headcount)]

    body = assert_clean(post(client_for(outsider), "/organisations/nouvelle/", pairs))

    assert shows_value(body, name)
    assert shows_value(body, city)


@settings(max_examples=examples(8))
@given(title=TYPED, description=TYPED, target_call=TYPED, expires_on=BAD_DATES)
def test_partner_search_with_a_bad_date_keeps_the_rest(
    title, description, target_call, expires_on, fuzz_world, company, member, client_for
):
    competence = fuzz_world["posting"].competences_wanted.get()
    pairs = [
        ("organisation", str(company.pk)),
        ("title", title),
        ("description", description),
        ("competences_wanted", str(competence.pk)),
        ("target_call", target_call),
        ("expires_on", expires_on),
    ]

    body = assert_clean(post(client_for(member), "/recherches/nouvelle/", pairs))

    for value in (title, description, target_call):
        assert shows_value(body, value)


@settings(max_examples=examples(8))
@given(contribution=TYPED)
def test_interest_without_motivation_keeps_the_contribution(
    contribution, fuzz_world, lab, lab_member, client_for
):
    posting = fuzz_world["posting"]
    pairs = [("organisation", str(lab.pk)), ("contribution", contribution), ("motivation", " ")]

    response = post(client_for(lab_member), f"/recherches/{posting.pk}/interet/", pairs)

    body = assert_clean(response)
    assert "Dites pourquoi ce projet vous intéresse." in body
    assert shows_value(body, contribution)


@settings(max_examples=examples(8))
@given(motivation=TYPED, pole=st.sampled_from(["", "0", "pole-alpha", "-1", "9" * 30]))
def test_membership_request_with_an_unknown_pole_keeps_the_motivation(
    motivation, pole, company, member, client_for
):
    pairs = [("pole", pole), ("college", "pme"), ("motivation", motivation)]

    body = assert_clean(post(client_for(member), f"/organisations/{company.slug}/adhesion/", pairs))

    assert shows_value(body, motivation)


@settings(max_examples=examples(8))
@given(message=TYPED)
def test_join_request_with_a_too_long_job_title_keeps_the_message(
    message, company, outsider, client_for
):
    pairs = [("job_title", "x" * 121), ("message", message)]

    body = assert_clean(
        post(client_for(outsider), f"/organisations/{company.slug}/rejoindre/", pairs)
    )

    assert shows_value(body, message)
