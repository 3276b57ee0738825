"""Suggested partners: who is suggested, in which order, and why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import MembershipStatus
from projects.suggestions import suggest_partners
from tests.factories import (
    InterestFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    ResearchOrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(search, pole, lab, composites, additive, robotics):
    """Organisations around `search` (composites, additive, robotics; a lab; in Occitanie;
    Pôle Alpha, whose territory is Occitanie and Nouvelle-Aquitaine)."""
    occitanie, aquitaine, bretagne = (RegionFactory(code=code) for code in ("76", "75", "53"))
    three = ResearchOrganisationFactory(
        name="Laboratoire Trois Compétences",
        region=occitanie,
        competences=[composites, additive, robotics],
    )
    MembershipFactory(organisation=three, pole=pole)
    OrganisationFactory(
        name="Entreprise Deux Compétences", region=aquitaine, competences=[composites, robotics]
    )
    ResearchOrganisationFactory(
        name="Laboratoire Une Compétence", region=bretagne, competences=[additive]
    )
    local = OrganisationFactory(name="Entreprise Locale", region=occitanie, competences=[robotics])
    MembershipFactory(organisation=local, pole=pole)
    lapsed = OrganisationFactory(
        name="Entreprise Ancienne Adhérente", region=bretagne, competences=[robotics]
    )
    MembershipFactory(organisation=lapsed, pole=pole, status=MembershipStatus.LAPSED)
    # Never suggested: unpublished, without any wanted competence, already interested, the
    # posting organisation itself.
    OrganisationFactory(
        name="Entreprise Discrète", is_published=False, competences=[composites, additive]
    )
    OrganisationFactory(name="Entreprise Hors Sujet")
    interested = OrganisationFactory(name="Entreprise Intéressée", competences=[composites])
    InterestFactory(posting=search, organisation=interested)
    search.organisation.competences.set([composites])
    return search


def test_suggest_partners_ranked_by_complementarity(network, member):
    suggestions = suggest_partners(network, viewer=member)

    assert [(s.organisation.name, s.score) for s in suggestions] == [
        ("Laboratoire Trois Compétences", 3 * 20 + 15 + 8 + 6),
        ("Entreprise Deux Compétences", 2 * 20 + 5),
        ("Laboratoire Une Compétence", 20 + 15),
        ("Entreprise Locale", 20 + 8 + 6),
        ("Entreprise Ancienne Adhérente", 20),
    ]


def test_suggest_partners_explains_each_suggestion(network, member):
    reasons = {s.organisation.name: s.reason for s in suggest_partners(network, viewer=member)}

    assert reasons == {
        "Laboratoire Trois Compétences": (
            "3 compétences recherchées : Fabrication additive, Matériaux composites, "
            "Robotique et cobotique · organisme de recherche publique, type recherché · "
            "en Occitanie, la région visée · membre du pôle Alpha"
        ),
        "Entreprise Deux Compétences": (
            "2 compétences recherchées : Matériaux composites, Robotique et cobotique · "
            "en Nouvelle-Aquitaine, sur le territoire du pôle Alpha"
        ),
        "Laboratoire Une Compétence": (
            "1 compétence recherchée : Fabrication additive · "
            "organisme de recherche publique, type recherché"
        ),
        "Entreprise Locale": (
            "1 compétence recherchée : Robotique et cobotique · en Occitanie, la région visée · "
            "membre du pôle Alpha"
        ),
        "Entreprise Ancienne Adhérente": "1 compétence recherchée : Robotique et cobotique",
    }


def test_suggest_partners_unpublished_organisation_shown_to_superuser(network, admin):
    names = [s.organisation.name for s in suggest_partners(network, viewer=admin)]

    assert "Entreprise Discrète" in names
    assert "Entreprise Intéressée" not in names
    assert network.organisation.name not in names


def test_suggest_partners_keeps_the_ten_best(search, member, robotics):
    for number in range(12):
        OrganisationFactory(name=f"Robotique {number:02d}", competences=[robotics])

    suggestions = suggest_partners(search, viewer=member)

    assert [s.organisation.name for s in suggestions] == [
        f"Robotique {number:02d}" for number in range(10)
    ]


def test_suggest_partners_costs_same_queries_whatever_the_candidates(search, member, robotics):
    OrganisationFactory(name="Robotique 01", competences=[robotics])
    with CaptureQueriesContext(connection) as one:
        assert len(suggest_partners(search, viewer=member)) == 1
    for number in range(2, 6):
        OrganisationFactory(name=f"Robotique {number:02d}", competences=[robotics])

    with CaptureQueriesContext(connection) as five:
        assert len(suggest_partners(search, viewer=member)) == 5

    assert len(five) == len(one)
