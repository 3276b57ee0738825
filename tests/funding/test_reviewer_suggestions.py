"""One-click reviewer suggestions (`funding.reviewer_suggestions`): competence overlap, then
fair load; never a reviewer already assigned or with a conflict of interest."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.review import (
    assign_reviewer,
    conflicts_of_interest,
    declare_conflict,
    withdraw_assignment,
)
from funding.reviewer_suggestions import suggest_reviewer, suggestions_for_call
from projects.models import ProjectPartner
from tests.factories import (
    CompetenceFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)
from tests.matrix_committee import funder_person, open_call, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return UserFactory(email="chef@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def call(world_funder):
    return open_call(world_funder, title="Appel à suggestions")


def _expert(funder, email, *competences, **fields):
    """A reviewer of `funder` working for a lab with `competences`."""
    lab = ResearchOrganisationFactory(**fields)
    lab.competences.add(*competences)
    return funder_person(funder, email, organisation=lab)


def _emails(suggestions):
    return [suggestion.reviewer.email for suggestion in suggestions]


def test_reviewers_are_ranked_by_competence_overlap_then_by_load(call, chief, world_funder):
    # Arrange
    robotics, vision, composites = (CompetenceFactory() for _ in range(3))
    version = submitted_dossier(call, acronym="ALPHA", competences=[robotics, vision, composites])
    busy_version = submitted_dossier(call, acronym="BUSY")
    both = _expert(world_funder, "deux@example.org", robotics, vision)
    one_busy = _expert(world_funder, "un.occupe@example.org", robotics)
    one_free = _expert(world_funder, "un.libre@example.org", composites)
    none = _expert(world_funder, "aucune@example.org")
    assign_reviewer(
        actor=chief, project=busy_version.project, call=call, reviewer=one_busy, funder=world_funder
    )

    # Act
    ranked = suggestions_for_call(call)[version.project_id]

    # Assert
    assert _emails(ranked) == [both.email, one_free.email, one_busy.email, none.email]
    assert [(s.overlap, s.load) for s in ranked] == [(2, 0), (1, 0), (1, 1), (0, 0)]
    assert ranked[0].shared == tuple(sorted([robotics.name, vision.name]))
    assert ranked[0].funder == world_funder


def test_only_reviewers_of_the_calls_funders_are_suggested(
    call, world_funder, other_world_funder, funder_manager, other_funder
):
    # Arrange: `funder_manager` manages world_funder; `other_funder` reviews for another funder.
    version = submitted_dossier(call, acronym="ALPHA")
    reviewer = funder_person(world_funder, "evaluateur@example.org")

    # Act
    ranked = suggestions_for_call(call)[version.project_id]

    # Assert
    assert _emails(ranked) == [reviewer.email]


def test_reviewers_already_assigned_in_any_state_are_not_suggested(call, chief, world_funder):
    # Arrange
    version = submitted_dossier(call, acronym="ALPHA")
    project = version.project
    active, withdrawn, conflicted, free = (
        funder_person(world_funder, f"{name}@example.org")
        for name in ("actif", "retire", "conflit", "libre")
    )
    for reviewer in (active, withdrawn, conflicted):
        assign_reviewer(
            actor=chief, project=project, call=call, reviewer=reviewer, funder=world_funder
        )
    withdraw_assignment(actor=chief, assignment=withdrawn.review_assignments.get())
    declare_conflict(
        actor=conflicted, assignment=conflicted.review_assignments.get(), reason="Ancien client."
    )

    # Act
    suggestion = suggest_reviewer(call, project)

    # Assert
    assert _emails(suggestions_for_call(call)[project.pk]) == [free.email]
    assert suggestion.reviewer == free


def test_reviewers_in_conflict_of_interest_are_never_suggested(call, world_funder):
    # Arrange: one works for a partner, one for a company of a partner's group, one for a
    # partner that left the consortium after the submission (still in the frozen version).
    company = OrganisationFactory(group_name="Groupe Horizon")
    leaving = OrganisationFactory()
    version = submitted_dossier(call, acronym="ALPHA", company=company)
    project = version.project
    lab = project.partners.get(organisation__kind="research").organisation
    ProjectPartner.objects.filter(project=project, organisation=lab).delete()
    partner_person = funder_person(world_funder, "partenaire@example.org", organisation=company)
    group_person = funder_person(
        world_funder,
        "groupe@example.org",
        organisation=OrganisationFactory(group_name="  groupe   HORIZON "),
    )
    frozen_person = funder_person(world_funder, "ancien@example.org", organisation=lab)
    fine = funder_person(world_funder, "libre@example.org", organisation=leaving)

    # Act
    ranked = suggestions_for_call(call)[project.pk]

    # Assert
    assert _emails(ranked) == [fine.email]
    for person in (partner_person, group_person, frozen_person):
        assert conflicts_of_interest(person, project, call) != []
    assert conflicts_of_interest(fine, project, call) == []


def test_suggestions_agree_with_the_conflict_service_for_every_pair(call, world_funder):
    # Arrange: three dossiers, and reviewers of various organisations and groups.
    shared_group = OrganisationFactory(group_name="Groupe Commun")
    versions = [
        submitted_dossier(call, acronym="UN", company=shared_group),
        submitted_dossier(call, acronym="DEUX"),
        submitted_dossier(call, acronym="TROIS"),
    ]
    two = versions[1].project
    organisations = [
        OrganisationFactory(group_name="groupe commun"),
        two.partners.exclude(organisation=two.coordinator).first().organisation,
        versions[2].project.coordinator,
        OtherOrganisationFactory(),
        OrganisationFactory(group_name="Groupe Isolé"),
    ]
    reviewers = [
        funder_person(world_funder, f"eval{i}@example.org", organisation=organisation)
        for i, organisation in enumerate(organisations)
    ]

    # Act
    suggested = suggestions_for_call(call)

    # Assert
    for version in versions:
        expected = [
            reviewer.email
            for reviewer in reviewers
            if not conflicts_of_interest(reviewer, version.project, call)
        ]
        assert sorted(_emails(suggested[version.project_id])) == sorted(expected)
    assert sum(len(v) for v in suggested.values()) == 3 * 5 - 3  # three conflicts


def test_no_suggestion_without_a_free_reviewer(call, chief, world_funder):
    # Arrange
    version = submitted_dossier(call, acronym="ALPHA")
    only = funder_person(world_funder, "seul@example.org")
    assign_reviewer(
        actor=chief, project=version.project, call=call, reviewer=only, funder=world_funder
    )

    # Act
    suggestion = suggest_reviewer(call, version.project)

    # Assert
    assert suggestion is None


def test_suggestions_cost_as_many_queries_for_one_dossier_as_for_three(call, chief, world_funder):
    # Arrange
    competence = CompetenceFactory()
    for index in range(3):
        _expert(world_funder, f"expert{index}@example.org", competence)

    def add_dossier(acronym):
        version = submitted_dossier(call, acronym=acronym, competences=[competence])
        first = suggest_reviewer(call, version.project)
        assign_reviewer(
            actor=chief,
            project=version.project,
            call=call,
            reviewer=first.reviewer,
            funder=world_funder,
        )

    add_dossier("UN")
    with CaptureQueriesContext(connection) as one:
        suggestions_for_call(call)
    add_dossier("DEUX")
    add_dossier("TROIS")

    # Act
    with CaptureQueriesContext(connection) as three:
        suggested = suggestions_for_call(call)

    # Assert
    assert len(suggested) == 3
    assert len(three) == len(one)
