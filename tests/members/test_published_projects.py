"""An organisation's profile lists the published projects it is a partner of (issue 3).

Published = the coordinator chose to show acronym, title and summary; the rest stays
confidential. Confidential (unpublished) and abandoned projects never appear.
"""

import itertools

import pytest
from django.urls import reverse

from projects import consortium
from tests.factories import OrganisationFactory, ProjectFactory, add_partner
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


def _profile(organisation):
    return reverse("members:organisation", kwargs={"slug": organisation.slug})


@pytest.fixture
def published(company, lab):
    """A published project coordinated by `company`, with `lab` as partner."""
    project = ProjectFactory(
        coordinator=company,
        acronym="PUBLIC",
        title="Projet vitrine",
        summary="Des capteurs composites pour l'éolien en mer.",
        is_published=True,
    )
    add_partner(project, lab)
    return project


def test_profile_shows_published_projects_to_anonymous_visitors(
    client_for, published, company, lab
):
    # Act
    response = client_for(None).get(_profile(lab))

    # Assert
    text = page_text(response)
    assert "Projets publiés" in text
    assert "PUBLIC — Projet vitrine" in text
    assert "Des capteurs composites pour l'éolien en mer." in text
    assert published.get_status_display() in text
    assert "Avec Ateliers Durand" in text
    assert f'href="{company.get_absolute_url()}">Ateliers Durand</a>' in response.content.decode()


def test_profile_marks_the_coordinator_and_names_the_other_partners(
    client_for, published, company, lab
):
    text = page_text(client_for(None).get(_profile(company)))

    assert "PUBLIC — Projet vitrine" in text
    assert "Coordinateur" in text
    assert "Avec Laboratoire des Matériaux" in text


def test_profile_never_shows_confidential_or_abandoned_projects(client_for, member, company, lab):
    # Arrange
    confidential = ProjectFactory(
        actor=member, coordinator=company, acronym="SECRET", title="Projet confidentiel"
    )
    abandoned = ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="ABANDON",
        title="Projet abandonné",
        is_published=True,
    )
    consortium.withdraw_project(actor=member, project=abandoned)
    add_partner(confidential, lab)

    # Act: even the coordinator's own admin does not see them on the public profile.
    for viewer in (None, member):
        text = page_text(client_for(viewer).get(_profile(company)))

        # Assert
        assert "SECRET" not in text and "Projet confidentiel" not in text
        assert "ABANDON" not in text
        assert "Projets publiés" not in text


def test_profile_does_not_name_partners_missing_from_the_directory(client_for, published, lab):
    add_partner(published, OrganisationFactory(name="Startup Invisible", is_published=False))

    text = page_text(client_for(None).get(_profile(lab)))

    assert "Startup Invisible" not in text
    assert "1 organisation hors annuaire" in text


def test_profile_costs_the_same_queries_for_one_or_three_published_projects(client_for, lab):
    numbers = itertools.count(1)

    def add_project():
        project = ProjectFactory(title=f"Projet public {next(numbers):03d}", is_published=True)
        add_partner(project, lab)
        add_partner(project, OrganisationFactory())
        return project

    assert_same_query_count(
        client_for(None), _profile(lab), add_project, shows=lambda project: project.title
    )
