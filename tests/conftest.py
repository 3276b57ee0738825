"""Shared test set-up: fast hashing, clean cache, and a cast of personas around two pôles.

The cast (see `PERSONAS`) lives around `pole` ("Pôle Alpha", Occitanie + Nouvelle-Aquitaine)
and `other_pole` ("Pôle Bêta", Bretagne):

- anonymous: nobody signed in (None);
- outsider: a verified user with no affiliation;
- member: admin of `company`, an active member of `pole`; also works for `unpublished`;
- lab_member: works for `lab`, a research laboratory, active member of `pole`;
- animator: staff of `pole` (is_staff); other_animator: staff of `other_pole`;
- funder: works for a regional investment bank (kind "other"), reviewer for its funder
  `world_funder` (the matrix assigns it to the dossiers it should see);
- other_funder: reviewer for another funder (`other_world_funder`), of another call;
- funder_manager: manager of `world_funder` (assigns reviewers, decides, releases);
- admin: a superuser.

Staff, the admin and funders have an active authenticator app (two-factor authentication is
required of them, `config/mfa.py`): `UserFactory` gives one to staff, `with_totp` to funders.
"""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from members.models import AffiliationRole, MembershipStatus
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    UserFactory,
    with_totp,
)

PERSONAS = [
    "anonymous",
    "outsider",
    "member",
    "lab_member",
    "animator",
    "other_animator",
    "funder",
    "other_funder",
    "funder_manager",
    "admin",
]


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # Tests run without `collectstatic`. WhiteNoise (DEBUG is off under tests) would warn that
    # STATIC_ROOT does not exist; in autorefresh mode it looks files up on each request instead.
    settings.WHITENOISE_AUTOREFRESH = True
    # With DJANGO_DEBUG off (as in CI) the settings pick the manifest storage, which needs
    # `collectstatic`; pages under test only need `{% static %}` to resolve to a URL.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` (PostgreSQL-only features) are skipped on other databases.

    Skipped at collection, before any fixture runs: a transactional test skipped only once its
    database fixtures had run would flush SQLite's in-memory database (or restore a serialized
    copy over it) under the tests that follow.
    """
    from django.conf import settings as django_settings

    if "postgresql" in django_settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="runs only on PostgreSQL (set DATABASE_URL)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _directory_cache_off(settings):
    # Tests see the directory computed; tests/members/test_directory_cache.py turns it on.
    settings.DIRECTORY_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits and any page cache live in the cache: each test starts afresh.
    cache.clear()
    yield
    cache.clear()


# --- The network ------------------------------------------------------------------------------


@pytest.fixture
def pole(db):
    return PoleFactory(
        slug="pole-alpha",
        name="Pôle Alpha",
        short_name="Alpha",
        main_region=RegionFactory(code="76"),
        regions=["75"],
    )


@pytest.fixture
def other_pole(db):
    return PoleFactory(
        slug="pole-beta",
        name="Pôle Bêta",
        short_name="Bêta",
        main_region=RegionFactory(code="53"),
    )


@pytest.fixture
def company(pole):
    organisation = OrganisationFactory(name="Ateliers Durand", city="Toulouse")
    MembershipFactory(organisation=organisation, pole=pole)
    return organisation


@pytest.fixture
def lab(pole):
    organisation = ResearchOrganisationFactory(name="Laboratoire des Matériaux")
    MembershipFactory(organisation=organisation, pole=pole)
    return organisation


@pytest.fixture
def funder_organisation(db):
    return OtherOrganisationFactory(name="Banque Régionale d’Investissement")


@pytest.fixture
def unpublished(pole, member):
    """A company not yet shown in the directory, applying to `pole`, for which `member` works."""
    organisation = OrganisationFactory(name="Startup Discrète", is_published=False)
    MembershipFactory(organisation=organisation, pole=pole, status=MembershipStatus.PENDING)
    AffiliationFactory(user=member, organisation=organisation)
    return organisation


# --- The personas -----------------------------------------------------------------------------


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", first_name="Olivia", last_name="Dehors")


@pytest.fixture
def member(company):
    user = UserFactory(email="member@example.org", first_name="Marc", last_name="Durand")
    AffiliationFactory(user=user, organisation=company, role=AffiliationRole.ADMIN)
    return user


@pytest.fixture
def lab_member(lab):
    user = UserFactory(email="lab@example.org", first_name="Léa", last_name="Chercheuse")
    AffiliationFactory(user=user, organisation=lab, job_title="Directrice de recherche")
    return user


@pytest.fixture
def animator(pole):
    staff = PoleStaffFactory(
        pole=pole,
        user__email="animator@example.org",
        user__first_name="Anne",
        user__last_name="Animatrice",
    )
    return staff.user


@pytest.fixture
def other_animator(other_pole):
    staff = PoleStaffFactory(
        pole=other_pole,
        user__email="other.animator@example.org",
        user__first_name="Bruno",
        user__last_name="Autrepole",
    )
    return staff.user


@pytest.fixture
def funder(funder_organisation, world_funder):
    from funding.models import FunderMember

    user = UserFactory(email="funder@example.org", first_name="Fanny", last_name="Financeur")
    AffiliationFactory(user=user, organisation=funder_organisation, job_title="Chargée d'affaires")
    FunderMember.objects.create(funder=world_funder, user=user, role="reviewer")
    return with_totp(user)


@pytest.fixture
def world_funder(funder_organisation):
    from funding.models import Funder

    return Funder.objects.create(
        name="Banque Régionale (financeur)",
        slug="banque-regionale",
        kind="other",
        organisation=funder_organisation,
    )


@pytest.fixture
def other_world_funder(db):
    from funding.models import Funder

    return Funder.objects.create(name="Région Bêta", slug="region-beta", kind="region")


@pytest.fixture
def other_funder(other_world_funder):
    from funding.models import FunderMember

    organisation = OtherOrganisationFactory(name="Conseil régional Bêta")
    user = UserFactory(email="other.funder@example.org", first_name="Gilles", last_name="Autre")
    AffiliationFactory(user=user, organisation=organisation)
    FunderMember.objects.create(funder=other_world_funder, user=user, role="reviewer")
    return with_totp(user)


@pytest.fixture
def funder_manager(world_funder, funder_organisation):
    from funding.models import FunderMember

    user = UserFactory(
        email="funder.manager@example.org", first_name="Hugo", last_name="Gestionnaire"
    )
    AffiliationFactory(user=user, organisation=funder_organisation)
    FunderMember.objects.create(funder=world_funder, user=user, role="manager")
    return with_totp(user)


@pytest.fixture
def admin(db):
    return UserFactory(
        email="admin@example.org", is_staff=True, is_superuser=True, first_name="Ada"
    )


@pytest.fixture
def persona(request):
    """The persona named by indirect parametrisation: `@pytest.mark.parametrize("persona", …)`."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def client_for():
    """`client_for(user)`: a test client signed in as `user`, or anonymous for None."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def world(pole, other_pole, company, lab, unpublished, world_funder, other_world_funder):
    """The objects the permission matrix builds its URLs from."""
    return SimpleNamespace(
        pole=pole,
        other_pole=other_pole,
        company=company,
        lab=lab,
        unpublished=unpublished,
        funder=world_funder,
        other_funder=other_world_funder,
    )


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Attachments and dossier copies go to a fresh folder per test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
