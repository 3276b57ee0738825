"""Public pages of the network: home, list of pôles (with filters and htmx), pôle page."""

import pytest
from django.urls import reverse

from members.models import MembershipStatus
from poles.models import PoleCategory, ThemeFamily
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    TrainingOrganisationFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_poles():
    """Alpha: Occitanie + Nouvelle-Aquitaine, digital, national; Bêta: Bretagne, sea,
    mondial; Gamma: Île-de-France, health, à vocation mondiale."""
    alpha = PoleFactory(
        name="Pôle Alpha", main_region=RegionFactory(code="76"), regions=["75"],
        category=PoleCategory.NATIONAL, theme_family=ThemeFamily.DIGITAL,
    )  # fmt: skip
    beta = PoleFactory(
        name="Pôle Bêta", main_region=RegionFactory(code="53"),
        category=PoleCategory.MONDIAL, theme_family=ThemeFamily.SEA, theme="Mer et littoral",
    )  # fmt: skip
    gamma = PoleFactory(
        name="Pôle Gamma", main_region=RegionFactory(code="11"),
        category=PoleCategory.VOCATION_MONDIALE, theme_family=ThemeFamily.HEALTH,
        theme="Santé",
    )  # fmt: skip
    return alpha, beta, gamma


def _listed(response) -> set[str]:
    text = page_text(response)
    return {name for name in ("Pôle Alpha", "Pôle Bêta", "Pôle Gamma") if name in text}


# --- Home -------------------------------------------------------------------------------------


def test_home_shows_network_figures_from_database(client):
    # Arrange: 2 pôles; published: 1 SME, 1 large company, 1 lab, 1 school; 1 unpublished.
    PoleFactory.create_batch(2)
    OrganisationFactory(headcount=40, turnover_eur=5_000_000)
    OrganisationFactory(headcount=6_000, turnover_eur=3_000_000_000, balance_sheet_eur=None)
    ResearchOrganisationFactory()
    TrainingOrganisationFactory()
    OrganisationFactory(is_published=False)

    # Act
    text = page_text(client.get(reverse("poles:home")))

    # Assert
    assert "2 pôles de compétitivité" in text
    assert "4 organisations référencées" in text
    assert "2 entreprises" in text
    assert "1 PME et microentreprises" in text
    assert "2 laboratoires et établissements de formation" in text


def test_home_has_search_form_on_organisation_directory(client):
    response = client.get(reverse("poles:home"))

    body = response.content.decode()
    assert 'name="q"' in body
    assert f'action="{reverse("members:list")}"' in body


def test_home_query_count_same_with_one_or_three_poles(client):
    def add_pole():
        pole = PoleFactory(regions=["75"])
        MembershipFactory(pole=pole)
        return pole

    assert_same_query_count(client, reverse("poles:home"), add_pole, shows=None)


# --- List of pôles ----------------------------------------------------------------------------


def test_pole_list_shows_every_pole_with_its_territory(client, three_poles):
    response = client.get(reverse("poles:list"))

    text = page_text(response)
    assert _listed(response) == {"Pôle Alpha", "Pôle Bêta", "Pôle Gamma"}
    assert "3 pôles" in text
    assert "Nouvelle-Aquitaine, Occitanie" in text


def test_pole_list_filtered_by_region_code_keeps_poles_of_that_territory(client, three_poles):
    # Nouvelle-Aquitaine (75) is only in Alpha's territory, and not its main region.
    response = client.get(reverse("poles:list"), {"region": "75"})

    assert _listed(response) == {"Pôle Alpha"}


def test_pole_list_filtered_by_category_keeps_that_category(client, three_poles):
    response = client.get(reverse("poles:list"), {"category": "mondial"})

    assert _listed(response) == {"Pôle Bêta"}


def test_pole_list_filtered_by_theme_family_keeps_that_family(client, three_poles):
    response = client.get(reverse("poles:list"), {"theme": "sante"})

    assert _listed(response) == {"Pôle Gamma"}


def test_pole_list_filters_combine(client, three_poles):
    response = client.get(reverse("poles:list"), {"region": "11", "category": "national"})

    assert _listed(response) == set()
    assert "Aucun pôle ne correspond à ces critères." in page_text(response)


def test_pole_list_shows_active_member_count(client, three_poles):
    alpha = three_poles[0]
    MembershipFactory.create_batch(2, pole=alpha)
    MembershipFactory(pole=alpha, status=MembershipStatus.PENDING)

    text = page_text(client.get(reverse("poles:list"), {"region": "75"}))

    assert "2 membres" in text


def test_pole_list_htmx_request_returns_only_results(client, three_poles):
    response = client.get(
        reverse("poles:list"), {"category": "mondial"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert "<html" not in body
    assert 'name="category"' not in body
    assert _listed(response) == {"Pôle Bêta"}
    assert "1 pôle" in page_text(response)


def test_pole_list_query_count_same_with_one_or_three_poles(client):
    def add_pole():
        pole = PoleFactory(regions=["75", "76"])
        MembershipFactory(pole=pole)
        MembershipFactory(pole=pole, organisation=ResearchOrganisationFactory())
        return pole

    assert_same_query_count(client, reverse("poles:list"), add_pole, shows=lambda p: p.name)


# --- Pôle page --------------------------------------------------------------------------------


def test_pole_detail_shows_name_theme_and_territory(client, pole):
    text = page_text(client.get(pole.get_absolute_url()))

    assert "Pôle Alpha" in text
    assert "Logiciel et systèmes numériques" in text
    assert "Occitanie (région principale)" in text
    assert "Nouvelle-Aquitaine" in text


def test_pole_detail_groups_active_members_by_kind_with_counts(client, pole):
    # Arrange
    for name in ("Ateliers Durand", "Biscuiterie Leroy"):
        MembershipFactory(pole=pole, organisation=OrganisationFactory(name=name))
    MembershipFactory(pole=pole, organisation=ResearchOrganisationFactory(name="Labo Optique"))

    # Act
    text = page_text(client.get(pole.get_absolute_url()))

    # Assert
    assert "3 organisations membres" in text
    assert "Entreprise 2 Ateliers Durand" in text
    assert "Biscuiterie Leroy" in text
    assert "Recherche publique 1 Labo Optique" in text
    assert "Formation" not in text


@pytest.mark.parametrize(
    "status", [MembershipStatus.PENDING, MembershipStatus.REFUSED, MembershipStatus.LAPSED]
)
def test_pole_detail_excludes_memberships_not_active(client, pole, status):
    MembershipFactory(pole=pole, organisation=OrganisationFactory(name="Ateliers Durand"))
    MembershipFactory(
        pole=pole, organisation=OrganisationFactory(name="Candidat Refusé"), status=status
    )

    text = page_text(client.get(pole.get_absolute_url()))

    assert "Ateliers Durand" in text
    assert "Candidat Refusé" not in text
    assert "1 organisation membre" in text


def test_pole_detail_excludes_unpublished_members(client, pole):
    MembershipFactory(
        pole=pole, organisation=OrganisationFactory(name="Startup Discrète", is_published=False)
    )

    text = page_text(client.get(pole.get_absolute_url()))

    assert "Startup Discrète" not in text
    assert "Aucun membre n'est encore référencé pour ce pôle." in text


def test_pole_detail_unknown_slug_is_not_found(client):
    response = client.get(reverse("poles:detail", kwargs={"slug": "pole-inexistant"}))

    assert response.status_code == 404
    assert "Cette page est introuvable" in page_text(response)


def test_pole_detail_query_count_same_with_one_or_three_members(client, pole):
    factories = iter(
        [OrganisationFactory, ResearchOrganisationFactory, TrainingOrganisationFactory]
    )

    def add_member():
        organisation = next(factories)()
        MembershipFactory(pole=pole, organisation=organisation)
        return organisation

    assert_same_query_count(client, pole.get_absolute_url(), add_member, shows=lambda o: o.name)


def test_pole_list_varies_on_htmx_header(client, three_poles):
    response = client.get(reverse("poles:list"))

    assert "HX-Request" in response["Vary"]


def test_pole_list_htmx_history_restore_returns_whole_page(client, three_poles):
    # htmx asks for the whole page when its history cache misses.
    response = client.get(
        reverse("poles:list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    body = response.content.decode()
    assert "<html" in body
    assert _listed(response) == {"Pôle Alpha", "Pôle Bêta", "Pôle Gamma"}
