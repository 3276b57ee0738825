"""`seed_demo`: demo organisations and accounts, reproducible from a seed, never in production."""

import re
import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from funding.models import Assignment
from members import demo, identifiers
from members.models import (
    Affiliation,
    Membership,
    Organisation,
    OrganisationJoinRequest,
    OrganisationKind,
)
from poles.models import PoleStaff
from projects.demo import ProjectSeedResult
from projects.models import Project
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-poles-2026"
DEMO_EMAILS = [
    "admin@poles.example",
    "animateur@poles.example",
    "entreprise@poles.example",
    "labo@poles.example",
    "financeur@poles.example",
    "gestionnaire@poles.example",
    "evaluateur@poles.example",
]
# Staff and funders must use two-factor authentication: their demo accounts have an app.
TOTP_EMAILS = [
    "admin@poles.example",
    "animateur@poles.example",
    "financeur@poles.example",
    "gestionnaire@poles.example",
    "evaluateur@poles.example",
]


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--organisations", "30", "--seed", "3", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    return _seed()


def _generated_organisations():
    """The organisations drawn by the generator: all but those of the demo accounts."""
    of_accounts = Affiliation.objects.filter(user__email__in=DEMO_EMAILS).values("organisation_id")
    return Organisation.objects.exclude(pk__in=of_accounts)


def test_seed_demo_creates_30_organisations_of_every_kind(seeded):
    kinds = set(_generated_organisations().values_list("kind", flat=True))

    assert seeded.startswith("organisations 30 (")
    assert _generated_organisations().count() == 30
    assert kinds == set(OrganisationKind.values)


def test_seed_demo_identifiers_are_all_valid(seeded):
    organisations = list(Organisation.objects.all())

    companies = [o for o in organisations if o.kind == OrganisationKind.COMPANY]
    assert companies
    assert all(stdnum_siren.is_valid(o.siren) for o in companies)
    assert all(stdnum_siret.is_valid(o.siret) for o in organisations if o.siret)
    assert all(o.siret.startswith(o.siren) for o in organisations if o.siret)
    assert all(identifiers.clean_uai(o.uai) == o.uai for o in organisations if o.uai)
    assert all(identifiers.clean_rnsr(o.rnsr) == o.rnsr for o in organisations if o.rnsr)
    assert all(o.size_category == "" for o in organisations if o.kind != "company")


def test_seed_demo_organisations_are_members_of_poles(seeded):
    members = Membership.objects.values("organisation").distinct().count()

    assert members >= 30


def test_seed_demo_accounts_sign_in_with_demo_password(seeded):
    client = Client()

    signed_in = {email: client.login(email=email, password=DEMO_PASSWORD) for email in DEMO_EMAILS}

    assert signed_in == dict.fromkeys(DEMO_EMAILS, True)
    assert set(
        EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True, primary=True).values_list(
            "email", flat=True
        )
    ) == set(DEMO_EMAILS)


def test_seed_demo_accounts_have_their_roles(seeded):
    User = get_user_model()

    admin = User.objects.get(email="admin@poles.example")
    animator_poles = PoleStaff.objects.filter(user__email="animateur@poles.example")
    company = Affiliation.objects.get(user__email="entreprise@poles.example").organisation
    lab = Affiliation.objects.get(user__email="labo@poles.example").organisation
    funder = Affiliation.objects.get(user__email="financeur@poles.example").organisation

    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert list(animator_poles.values_list("pole__slug", flat=True)) == ["systematic"]
    assert animator_poles.get().user.is_staff is True
    assert not User.objects.filter(email="entreprise@poles.example", is_staff=True).exists()
    assert (company.kind, lab.kind, funder.kind) == ("company", "research", "other")
    assert company.memberships.filter(pole__slug="systematic", status="active").exists()
    assert lab.memberships.filter(pole__slug="systematic", status="active").exists()


def test_seed_demo_prints_the_demo_accounts(seeded):
    for email in DEMO_EMAILS:
        assert email in seeded
    assert DEMO_PASSWORD in seeded


def test_seed_demo_leaves_requests_for_the_personas_to_decide(seeded):
    pending = Membership.objects.filter(pole__slug="systematic", status="pending")
    join_requests = OrganisationJoinRequest.objects.filter(
        organisation__affiliations__user__email="entreprise@poles.example", status="pending"
    )

    assert pending.count() == 3
    assert all(membership.motivation for membership in pending)
    assert [request.user.email for request in join_requests] == [
        "nouvelle.recrue@cobotix-demo.example"
    ]
    assert "requests waiting for a decision 4" in seeded


def _without_projects(monkeypatch):
    """Demo projects (and their frozen dossiers) would keep the organisations from being
    deleted between two runs: the tests of the organisations leave them out."""
    monkeypatch.setattr("projects.demo.seed_projects", lambda rng, **kwargs: ProjectSeedResult())
    # The network's animation includes funded projects of a past call: left out with them.
    monkeypatch.setattr("members.demo.seed_network_life", lambda **kwargs: {})


def _without_network_top_up(monkeypatch):
    """The top-up tests of the projects and the review leave the network's animation out (it
    has its own test)."""
    monkeypatch.setattr("members.demo.add_missing_network_life", lambda **kwargs: None)


def test_seed_demo_same_seed_gives_same_data(settings, monkeypatch):
    # Arrange
    settings.DEBUG = True
    _without_projects(monkeypatch)

    def snapshot():
        return list(
            Organisation.objects.order_by("name").values_list(
                "name", "kind", "siren", "siret", "rnsr", "uai", "city", "size_category"
            )
        )

    _seed()
    first = snapshot()
    Organisation.objects.all().delete()
    get_user_model().objects.all().delete()

    # Act
    _seed()

    # Assert
    assert snapshot() == first


def test_seed_demo_other_seed_gives_other_names(settings, monkeypatch):
    settings.DEBUG = True
    _without_projects(monkeypatch)
    _seed()
    first = set(_generated_organisations().values_list("name", flat=True))
    Organisation.objects.all().delete()
    get_user_model().objects.all().delete()

    call_command("seed_demo", "--organisations", "30", "--seed", "4", stdout=StringIO())

    assert set(_generated_organisations().values_list("name", flat=True)) != first


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        _seed()

    assert Organisation.objects.count() == 0


def test_seed_demo_with_force_runs_with_debug_off(settings):
    settings.DEBUG = False

    _seed("--force")

    assert _generated_organisations().count() == 30


def test_seed_demo_refuses_database_with_organisations(settings):
    settings.DEBUG = True
    OrganisationFactory(name="Déjà Là")

    with pytest.raises(CommandError, match="already has organisations"):
        _seed()

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Déjà Là"]
    assert get_user_model().objects.count() == 0


def test_seed_demo_if_empty_skips_database_with_organisations(settings):
    # `make setup` runs `seed_demo --if-empty` on every start: it must not fail once seeded.
    settings.DEBUG = True
    OrganisationFactory(name="Déjà Là")

    _seed("--if-empty")

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Déjà Là"]


def test_seed_demo_if_empty_seeds_empty_database(settings):
    settings.DEBUG = True

    _seed("--if-empty")

    assert _generated_organisations().count() == 30


def test_seed_demo_prints_the_demo_projects(seeded):
    assert (
        "projects 5 (open demo call fui-26-demo), submitted dossiers 3, "
        "reviewer assignments 3, submitted reviews 1"
    ) in seeded
    assert set(Project.objects.values_list("acronym", flat=True)) == {
        "VISIOCOB",
        "INSPECTAL",
        "HYDROLOG",
        "CYBERGRID",
        "RADIOSCAN",
    }


def test_seed_demo_if_empty_on_a_seeded_database_adds_nothing(seeded):
    projects = Project.objects.count()

    out = _seed("--if-empty")

    assert out == "the database already has organisations: no demo data added.\n"
    assert Project.objects.count() == projects


def test_seed_demo_if_empty_adds_the_projects_to_an_older_demo_database(settings, monkeypatch):
    # A demo database seeded before the projects existed gets them, once.
    settings.DEBUG = True
    _without_projects(monkeypatch)
    _seed()
    monkeypatch.undo()
    _without_network_top_up(monkeypatch)
    organisations = Organisation.objects.count()

    first = _seed("--if-empty")
    second = _seed("--if-empty")

    assert first == (
        "the database already has organisations: demo projects added (5), "
        "with the open demo call.\n"
    )
    assert second == "the database already has organisations: no demo data added.\n"
    assert Project.objects.count() == 5
    assert Organisation.objects.count() == organisations


def test_seed_demo_if_empty_adds_projects_and_review_to_a_demo_database_older_than_both(
    settings, monkeypatch
):
    # Seeded before the projects, the review accounts and two-factor authentication existed.
    settings.DEBUG = True
    _without_projects(monkeypatch)
    _seed()
    monkeypatch.undo()
    _without_network_top_up(monkeypatch)
    get_user_model().objects.filter(
        email__in=["gestionnaire@poles.example", "evaluateur@poles.example"]
    ).delete()
    Authenticator.objects.all().delete()

    out = _seed("--if-empty")

    assert out == (
        "the database already has organisations: demo projects added (5), "
        "with the open demo call.\n"
        "the database already has organisations: review demo added (submitted dossiers 0, "
        "assignments 3, submitted reviews 1), with authenticator apps for the staff and funder "
        "demo accounts.\n"
    )
    assert Assignment.objects.count() == 3
    assert Authenticator.objects.filter(type="totp").count() == len(TOTP_EMAILS)


def test_seed_demo_sends_no_email_though_it_acts_through_the_services(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEBUG = True

    with django_capture_on_commit_callbacks(execute=True):
        _seed()

    assert Project.objects.count() == 5
    assert Assignment.objects.count() == 3
    assert mailoutbox == []


# --- two-factor authentication of the demo accounts -------------------------------------------


def _secret(email):
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def test_seed_demo_gives_staff_and_funder_accounts_an_authenticator_app(seeded):
    with_app = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )

    assert with_app == set(TOTP_EMAILS)
    assert {email: _secret(email) for email in TOTP_EMAILS} == {
        email: demo.demo_totp_secret(email) for email in TOTP_EMAILS
    }
    assert "`python manage.py demo_totp EMAIL` prints its code" in seeded


def test_seed_demo_totp_secrets_are_the_same_on_every_run(settings, monkeypatch):
    settings.DEBUG = True
    _without_projects(monkeypatch)
    _seed()
    first = {email: _secret(email) for email in TOTP_EMAILS}
    Organisation.objects.all().delete()
    get_user_model().objects.all().delete()

    _seed()

    assert {email: _secret(email) for email in TOTP_EMAILS} == first
    assert len(set(first.values())) == len(TOTP_EMAILS)


def _fresh_code_window():
    """Wait when the code of the moment is about to change (every 30 s)."""
    if 30 - time.time() % 30 < 2:
        time.sleep(2)


def test_demo_funder_signs_in_with_password_and_the_code_demo_totp_prints(seeded):
    client = Client()
    _fresh_code_window()
    out = StringIO()
    call_command("demo_totp", "financeur@poles.example", stdout=out)
    code = out.getvalue().strip()

    response = client.post(
        reverse("account_login"), {"login": "financeur@poles.example", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert re.fullmatch(r"\d{6}", code)
    assert response["Location"] == reverse("dashboard")
    assert "financeur@poles.example" in client.get(reverse("dashboard")).content.decode()


def test_demo_totp_prints_the_code_of_the_moment(seeded):
    out = StringIO()
    _fresh_code_window()

    call_command("demo_totp", "admin@poles.example", stdout=out)

    code = out.getvalue().strip()
    assert validate_totp_code(demo.demo_totp_secret("admin@poles.example"), code)


def test_demo_totp_refuses_with_debug_off(seeded, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="^demo_totp refuses to run with DJANGO_DEBUG off.$"):
        call_command("demo_totp", "admin@poles.example", stdout=StringIO())


@pytest.mark.parametrize("email", ["entreprise@poles.example", "personne@nulle-part.example"])
def test_demo_totp_refuses_an_account_without_authenticator_app(seeded, email):
    with pytest.raises(CommandError) as error:
        call_command("demo_totp", email, stdout=StringIO())

    assert str(error.value) == f"{email} has no authenticator app (TOTP) on this database."


# --- an older demo database gets the review demo once -----------------------------------------


def test_seed_demo_if_empty_adds_the_review_to_an_older_demo_database(settings, monkeypatch):
    # A demo database seeded when the call had three projects and no review.
    settings.DEBUG = True
    monkeypatch.setattr("projects.demo.seed_review_dossiers", lambda rng, **kwargs: [])
    monkeypatch.setattr("projects.demo.seed_review", lambda call: (0, 0))
    monkeypatch.setattr("members.demo.seed_network_life", lambda **kwargs: {})
    _seed()
    monkeypatch.undo()
    _without_network_top_up(monkeypatch)
    Authenticator.objects.all().delete()
    assert Project.objects.count() == 3

    first = _seed("--if-empty")
    second = _seed("--if-empty")

    assert first == (
        "the database already has organisations: review demo added (submitted dossiers 2, "
        "assignments 3, submitted reviews 1), with authenticator apps for the staff and funder "
        "demo accounts.\n"
    )
    assert second == "the database already has organisations: no demo data added.\n"
    assert Project.objects.count() == 5
    assert set(
        Authenticator.objects.filter(type="totp").values_list("user__email", flat=True)
    ) == set(TOTP_EMAILS)


def test_seed_demo_if_empty_adds_the_network_animation_to_an_older_demo_database(
    settings, monkeypatch
):
    # A demo database seeded before the events, services, platforms, fees and outcomes existed.
    from poles.models import Event, Registration

    settings.DEBUG = True
    monkeypatch.setattr("members.demo.seed_network_life", lambda **kwargs: {})
    _seed()
    monkeypatch.undo()
    assert not Event.objects.exists()

    first = _seed("--if-empty")
    second = _seed("--if-empty")

    events = Event.objects.count()
    registrations = Registration.objects.count()
    assert first.startswith(
        "the database already has organisations: network animation added "
        f"(events {events}, event registrations {registrations}, "
    )
    assert events > 0
    assert second == "the database already has organisations: no demo data added.\n"


def test_seed_at_scale_reaches_the_memberships_asked_and_adds_projects_in_bulk():
    from projects.models import LabelRequest, LabelStatus, ProjectPartner, ProjectStatus

    output = _seed("--force", "--memberships", "75", "--projects", "12")

    generated = Organisation.objects.exclude(name__endswith="(démo)")
    memberships = Membership.objects.filter(organisation__in=generated).count()
    # 2 or 3 pôles each, 75 in all (the demo's join requests and projects add a few more).
    assert "memberships 75," in output
    assert 75 <= memberships <= 85
    bulk = Project.objects.exclude(coordinator__name__endswith="(démo)").exclude(
        pk__in=Project.objects.filter(partners__organisation__name__endswith="(démo)")
    )
    assert bulk.count() >= 12
    assert "generated projects: projects 12, partners" in output
    for project in bulk.filter(status=ProjectStatus.LABELLED):
        assert project.label_requests.filter(status=LabelStatus.LABELLED).exists()
    # Every generated project has its coordinator among its partners, with a budget.
    for project in bulk:
        parts = ProjectPartner.objects.filter(project=project)
        assert parts.filter(organisation=project.coordinator).exists()
        assert all(part.expenses_personnel_eur > 0 for part in parts)
    assert LabelRequest.objects.filter(project__in=bulk).count() <= 12
    # The generated organisations are searchable like any other.
    assert not generated.filter(sort_name="").exists()


def test_seed_refuses_negative_sizes():
    with pytest.raises(CommandError, match="cannot be negative"):
        _seed("--force", "--projects", "-1")
