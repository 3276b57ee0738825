"""The committee's selectors (`funding.ranking`): a call's dossiers with their reviews,
scores, spread, per-criterion means and decisions; the calls' counts; what the applicants see
once the decisions are released."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import ranking
from funding.dossiers import submit_project
from funding.models import Criterion
from funding.permissions import managed_calls
from funding.review import (
    assign_reviewer,
    declare_conflict,
    record_decision,
    release_decisions,
    save_review,
    withdraw_assignment,
)
from tests.factories import UserFactory
from tests.matrix_committee import funder_person, open_call, submit_review, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return UserFactory(email="chef@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def call(world_funder):
    return open_call(world_funder, title="Appel classé")


def _reviewers(funder, count):
    return [funder_person(funder, f"eval{i}@example.org") for i in range(count)]


def _reviewed(chief, call, funder, reviewer, version, values, **comments):
    assignment = assign_reviewer(
        actor=chief, project=version.project, call=call, reviewer=reviewer, funder=funder
    )
    return assignment, submit_review(assignment, values, **comments)


def test_call_dossiers_lists_the_latest_version_of_each_project(call):
    # Arrange
    first = submitted_dossier(call, acronym="ALPHA")
    second = submit_project(actor=first.submitted_by, project=first.project)
    other = submitted_dossier(call, acronym="BETA")

    # Act
    rows = ranking.call_dossiers(call, sort="acronym")

    # Assert
    assert [(row.project.acronym, row.version.number) for row in rows] == [
        ("ALPHA", 2),
        ("BETA", 1),
    ]
    assert rows[0].version.pk == second.pk
    assert rows[1].version.pk == other.pk
    assert [row.eligible for row in rows] == [True, True]


def test_mean_score_is_the_mean_of_weighted_reviews_and_spread_their_gap(call, chief, world_funder):
    # Arrange: innovation weighs 3, the other four criteria 1 (total weight 7).
    Criterion.objects.filter(call=call, code="innovation").update(weight=Decimal("3"))
    version = submitted_dossier(call, acronym="ALPHA")
    first, second = _reviewers(world_funder, 2)
    _reviewed(chief, call, world_funder, first, version, (5, 2, 2, 2, 2))  # 23 / 7 = 3.29
    _reviewed(chief, call, world_funder, second, version, (1, 4, 4, 4, 4))  # 19 / 7 = 2.71

    # Act
    [row] = ranking.call_dossiers(call)

    # Assert
    assert [review.score for review in row.reviews] == [Decimal("3.29"), Decimal("2.71")]
    assert row.review_count == 2
    assert row.mean_score == Decimal("3.00")
    assert row.spread == Decimal("0.58")
    assert [(item.criterion.code, item.mean) for item in row.criterion_means] == [
        ("innovation", Decimal("3.00")),
        ("partnership", Decimal("3.00")),
        ("market", Decimal("3.00")),
        ("impact", Decimal("3.00")),
        ("jobs", Decimal("3.00")),
    ]
    assert row.rank == 1


def test_only_submitted_reviews_of_active_assignments_count(call, chief, world_funder):
    # Arrange
    version = submitted_dossier(call, acronym="ALPHA")
    kept, withdrawn, conflicted, drafting = _reviewers(world_funder, 4)
    _reviewed(chief, call, world_funder, kept, version, (4, 4, 4, 4, 4))
    assignment, _review = _reviewed(chief, call, world_funder, withdrawn, version, (0,) * 5)
    withdraw_assignment(actor=chief, assignment=assignment)
    assignment, _review = _reviewed(chief, call, world_funder, conflicted, version, (1,) * 5)
    declare_conflict(actor=conflicted, assignment=assignment, reason="Ancien associé.")
    draft = assign_reviewer(
        actor=chief, project=version.project, call=call, reviewer=drafting, funder=world_funder
    )
    criteria = list(call.criteria.all())
    save_review(actor=drafting, assignment=draft, scores={c.pk: 0 for c in criteria})

    # Act
    [row] = ranking.call_dossiers(call)

    # Assert
    assert [review.reviewer.email for review in row.reviews] == [kept.email]
    assert (row.review_count, row.mean_score, row.spread) == (1, Decimal("4.00"), Decimal("0.00"))


def test_dossiers_are_sorted_by_score_by_default_unscored_last(call, chief, world_funder):
    # Arrange
    reviewer_one, reviewer_two = _reviewers(world_funder, 2)
    low = submitted_dossier(call, acronym="BAS")
    high = submitted_dossier(call, acronym="HAUT")
    submitted_dossier(call, acronym="AUCUN")
    split = submitted_dossier(call, acronym="PARTAGE")
    _reviewed(chief, call, world_funder, reviewer_one, low, (2, 2, 2, 2, 2))
    _reviewed(chief, call, world_funder, reviewer_one, high, (5, 5, 4, 4, 4))
    _reviewed(chief, call, world_funder, reviewer_one, split, (5, 5, 5, 5, 5))
    _reviewed(chief, call, world_funder, reviewer_two, split, (1, 1, 1, 1, 1))

    # Act
    by_score = ranking.call_dossiers(call)
    by_spread = ranking.call_dossiers(call, sort="spread")
    by_reviews = ranking.call_dossiers(call, sort="reviews")

    # Assert
    assert [(row.project.acronym, row.rank) for row in by_score] == [
        ("HAUT", 1),
        ("PARTAGE", 2),
        ("BAS", 3),
        ("AUCUN", None),
    ]
    assert [row.project.acronym for row in by_spread] == ["PARTAGE", "BAS", "HAUT", "AUCUN"]
    assert [row.project.acronym for row in by_reviews][0] == "PARTAGE"
    assert [(row.project.acronym, row.rank) for row in by_spread][0] == ("PARTAGE", 2)


def test_each_funders_decision_is_attached_to_its_dossier(
    call, chief, world_funder, other_world_funder
):
    # Arrange
    call.funders.add(other_world_funder)
    version = submitted_dossier(call, acronym="ALPHA")
    submitted_dossier(call, acronym="BETA")
    coordinator = version.project.coordinator
    record_decision(
        actor=chief,
        project=version.project,
        call=call,
        funder=world_funder,
        outcome="funded",
        aids={coordinator.pk: 50_000},
    )
    record_decision(
        actor=chief,
        project=version.project,
        call=call,
        funder=other_world_funder,
        outcome="not_funded",
    )

    # Act
    rows = {row.project.acronym: row for row in ranking.call_dossiers(call)}

    # Assert
    decisions = rows["ALPHA"].decision_by_funder
    assert decisions[world_funder.pk].outcome == "funded"
    assert decisions[world_funder.pk].total_aid_eur == 50_000
    assert decisions[other_world_funder.pk].outcome == "not_funded"
    assert rows["BETA"].decisions == []


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_call_dossiers_costs_as_many_queries_for_one_dossier_as_for_three(
    call, chief, world_funder
):
    # Arrange
    reviewer_one, reviewer_two = _reviewers(world_funder, 2)

    def add_dossier(acronym):
        version = submitted_dossier(call, acronym=acronym)
        for reviewer in (reviewer_one, reviewer_two):
            _reviewed(chief, call, world_funder, reviewer, version, (3, 3, 3, 3, 3))
        record_decision(
            actor=chief,
            project=version.project,
            call=call,
            funder=world_funder,
            outcome="funded",
            aids={version.project.coordinator_id: 10_000},
        )

    add_dossier("UN")
    one = _queries(lambda: [row.mean_score for row in ranking.call_dossiers(call)])
    add_dossier("DEUX")
    add_dossier("TROIS")

    # Act
    three = _queries(lambda: [row.mean_score for row in ranking.call_dossiers(call)])

    # Assert
    assert len(ranking.call_dossiers(call)) == 3
    assert three == one


def test_committee_counts_per_call(call, chief, world_funder, other_world_funder, admin):
    # Arrange
    other_call = open_call(other_world_funder, title="Autre appel")
    version = submitted_dossier(call, acronym="ALPHA")
    submit_project(actor=version.submitted_by, project=version.project)  # version 2
    submitted_dossier(call, acronym="BETA")
    first, second = _reviewers(world_funder, 2)
    _reviewed(chief, call, world_funder, first, version, (3, 3, 3, 3, 3))
    assign_reviewer(
        actor=chief, project=version.project, call=call, reviewer=second, funder=world_funder
    )
    record_decision(
        actor=chief, project=version.project, call=call, funder=world_funder, outcome="not_funded"
    )

    # Act
    calls = {c.pk: c for c in ranking.with_committee_counts(managed_calls(admin))}

    # Assert
    counted = calls[call.pk]
    assert (
        counted.dossier_total,
        counted.assignment_total,
        counted.review_total,
        counted.decision_total,
        counted.pending_total,
    ) == (2, 2, 1, 1, 1)
    assert calls[other_call.pk].dossier_total == 0


# --- what the applicants see ----------------------------------------------------------------


def test_released_feedback_is_empty_before_the_release(call, chief, world_funder):
    # Arrange
    version = submitted_dossier(call, acronym="ALPHA")
    [reviewer] = _reviewers(world_funder, 1)
    _reviewed(chief, call, world_funder, reviewer, version, (3,) * 5, applicants="Bien.")
    record_decision(
        actor=chief, project=version.project, call=call, funder=world_funder, outcome="not_funded"
    )

    # Act
    feedback = ranking.released_feedback(version.project)

    # Assert
    assert feedback == []


def test_released_feedback_holds_decisions_and_anonymous_comments_for_applicants(
    call, chief, world_funder, django_capture_on_commit_callbacks
):
    # Arrange
    version = submitted_dossier(call, acronym="ALPHA")
    first, second, late = _reviewers(world_funder, 3)
    _reviewed(chief, call, world_funder, first, version, (3,) * 5, applicants="Marché à chiffrer.")
    _reviewed(chief, call, world_funder, second, version, (4,) * 5, applicants="")
    record_decision(
        actor=chief,
        project=version.project,
        call=call,
        funder=world_funder,
        outcome="more_information",
        comment_applicants="Précisez le marché.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        release_decisions(actor=chief, call=call)
    # Handed in after the release: kept for the next one.
    _reviewed(chief, call, world_funder, late, version, (2,) * 5, applicants="Trop tard.")

    # Act
    [feedback] = ranking.released_feedback(version.project)

    # Assert
    assert feedback.call == call
    assert [(d.funder, d.outcome, d.comment_applicants) for d in feedback.decisions] == [
        (world_funder, "more_information", "Précisez le marché.")
    ]
    assert feedback.comments == ["Marché à chiffrer."]
    assert feedback.more_information is True
