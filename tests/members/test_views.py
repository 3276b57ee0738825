"""The organisation directory and organisation pages."""

import pytest
from django.urls import reverse

from members.models import MembershipStatus
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    RegionFactory,
    ResearchOrganisationFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

NAMES = ("Ateliers Durand", "Photonique Bretonne", "Laboratoire des Matériaux")


@pytest.fixture
def directory():
    """Three published organisations, each findable by something the others lack."""
    durand = OrganisationFactory(
        name="Ateliers Durand", city="Toulouse", keywords="usinage, titane"
    )
    photonics = OrganisationFactory(
        name="Photonique Bretonne", city="Lannion", region=RegionFactory(code="53")
    )
    laboratory = ResearchOrganisationFactory(
        name="Laboratoire des Matériaux",
        city="Pessac",
        competences=[CompetenceFactory(name="Matériaux composites")],
    )
    return durand, photonics, laboratory


def _listed(response) -> set[str]:
    text = page_text(response)
    return {name for name in NAMES if name in text}


# --- Directory --------------------------------------------------------------------------------


def test_organisation_list_shows_published_organisations_only(client, directory):
    OrganisationFactory(name="Startup Discrète", is_published=False)

    response = client.get(reverse("members:list"))

    assert _listed(response) == set(NAMES)
    assert "Startup Discrète" not in page_text(response)
    assert "3 organisations" in page_text(response)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("durand", {"Ateliers Durand"}),  # name, any case
        ("Lannion", {"Photonique Bretonne"}),  # city
        ("composites", {"Laboratoire des Matériaux"}),  # competence of the vocabulary
        ("titane", {"Ateliers Durand"}),  # free keyword
        ("matériaux pessac", {"Laboratoire des Matériaux"}),  # every word must match
        ("chocolat", set()),
    ],
)
def test_organisation_list_search_finds_by_name_city_or_competence(client, directory, query, found):
    response = client.get(reverse("members:list"), {"q": query})

    assert _listed(response) == found


def test_organisation_list_filtered_by_kind_and_region(client, directory):
    by_kind = client.get(reverse("members:list"), {"kind": "research"})
    by_region = client.get(reverse("members:list"), {"region": "53"})

    assert _listed(by_kind) == {"Laboratoire des Matériaux"}
    assert _listed(by_region) == {"Photonique Bretonne"}


def test_organisation_list_filtered_by_pole_lists_each_member_once(client, directory, pole):
    durand, _photonics, laboratory = directory
    MembershipFactory(organisation=durand, pole=pole)
    MembershipFactory(organisation=laboratory, pole=pole, status=MembershipStatus.PENDING)

    response = client.get(reverse("members:list"), {"pole": pole.slug})

    # The pôle facet lists active members: a pending applicant is not a member yet.
    assert _listed(response) == {"Ateliers Durand"}
    assert page_text(response).count("Ateliers Durand") == 1


def test_organisation_list_htmx_request_returns_only_results(client, directory):
    response = client.get(reverse("members:list"), {"q": "Lannion"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert _listed(response) == {"Photonique Bretonne"}


def test_organisation_list_query_count_same_with_one_or_three_organisations(client, pole):
    def add_organisation():
        organisation = OrganisationFactory(competences=[CompetenceFactory()])
        MembershipFactory(organisation=organisation, pole=pole)
        return organisation

    assert_same_query_count(client, reverse("members:list"), add_organisation)


def test_organisation_list_query_count_same_when_searching(client):
    def add_organisation():
        return OrganisationFactory(city="Toulouse", competences=[CompetenceFactory()])

    assert_same_query_count(client, reverse("members:list") + "?q=toulouse", add_organisation)


# --- Organisation page ------------------------------------------------------------------------


def test_organisation_detail_shows_public_fields_and_competences(client, pole):
    # Arrange
    organisation = OrganisationFactory(
        name="Ateliers Durand",
        siren="732829320",
        siret="73282932000074",
        city="Toulouse",
        postcode="31000",
        region=RegionFactory(code="76"),
        website="https://ateliers-durand.example",
        description="Usinage de précision pour l'aéronautique.",
        headcount=40,
        turnover_eur=5_000_000,
        keywords="titane, usinage 5 axes",
        competences=[
            CompetenceFactory(slug="fabrication-additive", name="Fabrication additive"),
            CompetenceFactory(slug="metallurgie", name="Métallurgie et alliages"),
        ],
    )
    MembershipFactory(organisation=organisation, pole=pole)
    MembershipFactory(organisation=organisation, status=MembershipStatus.REFUSED)

    # Act
    text = page_text(client.get(organisation.get_absolute_url()))

    # Assert
    for expected in (
        "Ateliers Durand",
        "Toulouse, Occitanie",
        "Entreprise",
        "PME",
        "Usinage de précision pour l'aéronautique.",
        "Fabrication additive",
        "Métallurgie et alliages",
        "titane",
        "usinage 5 axes",
        "SIREN 732829320",
        "SIRET 73282932000074",
        "40 personnes",
        "5 000 000 €",
        "ateliers-durand.example",
        "Pôle Alpha",
    ):
        assert expected in text, expected
    assert "Pôle Essai" not in text  # the refused membership


def test_organisation_detail_of_laboratory_shows_rnsr(client):
    laboratory = ResearchOrganisationFactory(name="Laboratoire des Matériaux", rnsr="200212720X")

    text = page_text(client.get(laboratory.get_absolute_url()))

    assert "Recherche publique" in text
    assert "RNSR 200212720X" in text


def test_organisation_detail_unpublished_is_not_found_for_outsider(client_for, outsider):
    organisation = OrganisationFactory(name="Startup Discrète", is_published=False)

    response = client_for(outsider).get(organisation.get_absolute_url())

    assert response.status_code == 404
    assert "Startup Discrète" not in response.content.decode()


def test_organisation_detail_unpublished_is_shown_to_its_people(client_for, member, unpublished):
    response = client_for(member).get(unpublished.get_absolute_url())

    assert "Startup Discrète" in page_text(response)


def test_organisation_detail_unpublished_is_shown_to_animator_of_its_pole(
    client_for, animator, unpublished
):
    response = client_for(animator).get(unpublished.get_absolute_url())

    assert "Startup Discrète" in page_text(response)


def test_organisation_detail_unpublished_is_hidden_from_animator_of_another_pole(
    client_for, other_animator, unpublished
):
    response = client_for(other_animator).get(unpublished.get_absolute_url())

    assert response.status_code == 404
    assert "Startup Discrète" not in response.content.decode()


def test_organisation_list_unpublished_is_listed_for_animator_of_its_pole(
    client_for, animator, unpublished
):
    response = client_for(animator).get(reverse("members:list"))

    assert "Startup Discrète" in page_text(response)


def test_organisation_detail_lists_only_active_memberships(client):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, pole=PoleFactory(name="Pôle Actif"))
    MembershipFactory(
        organisation=organisation,
        pole=PoleFactory(name="Pôle Échu"),
        status=MembershipStatus.LAPSED,
    )

    text = page_text(client.get(organisation.get_absolute_url()))

    assert "Pôle Actif" in text
    assert "Pôle Échu" not in text


def test_organisation_list_varies_on_htmx_header(client, directory):
    response = client.get(reverse("members:list"))

    assert "HX-Request" in response["Vary"]


def test_organisation_list_htmx_history_restore_returns_whole_page(client, directory):
    response = client.get(
        reverse("members:list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()
    assert _listed(response) == set(NAMES)
