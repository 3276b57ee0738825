"""The review services (`funding.review`): conflicts of interest from the directory,
assignments, reviews, weighted scores, decisions per funder, their release, and the "more
information" loop that lets the coordinator submit again after the deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from funding import review
from funding.dossiers import SubmissionError, submit_project
from funding.models import (
    AssignmentStatus,
    Call,
    Criterion,
    Decision,
    DecisionOutcome,
    Funder,
    FunderMember,
    FunderRole,
    ReviewStatus,
)
from members.models import Organisation
from projects.models import LabelRequest, ProjectStatus
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    UserFactory,
)
from tests.funding.dossier_setup import make_consortium

# --- Set-up ---------------------------------------------------------------------------------


@pytest.fixture
def state(db):
    return Funder.objects.create(name="État (DGE)", slug="etat", kind="state")


@pytest.fixture
def region(db):
    return Funder.objects.create(
        name="Région Auvergne-Rhône-Alpes", slug="region-ara", kind="region"
    )


@pytest.fixture
def call(state, region):
    call = CallFactory(title="AAP FUI n°31")
    call.funders.add(state, region)
    return call


def member_of(funder, role, email, organisation=None):
    user = UserFactory(email=email, totp=True)
    AffiliationFactory(
        user=user, organisation=organisation or OtherOrganisationFactory(name=f"Service {email}")
    )
    FunderMember.objects.create(funder=funder, user=user, role=role)
    return user


@pytest.fixture
def state_manager(state):
    return member_of(state, FunderRole.MANAGER, "gestion@etat.example")


@pytest.fixture
def region_manager(region):
    return member_of(region, FunderRole.MANAGER, "gestion@region.example")


@pytest.fixture
def reviewer(state):
    return member_of(state, FunderRole.REVIEWER, "expert@etat.example")


@pytest.fixture
def team(call):
    team = make_consortium(call=call, acronym="ROBOCOB")
    team.version = submit_project(actor=team.actor, project=team.project)
    return team


@pytest.fixture
def assignment(team, call, state_manager, reviewer, state):
    return review.assign_reviewer(
        actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
    )


def all_scores(call, value):
    return {criterion.pk: value for criterion in call.criteria.all()}


# --- Conflicts of interest from the directory -----------------------------------------------


def test_no_conflict_for_a_reviewer_foreign_to_the_consortium(team, call, reviewer):
    assert review.conflicts_of_interest(reviewer, team.project, call) == []


def test_conflict_when_the_reviewer_works_for_a_partner(team, call, reviewer):
    partner = team.company_part.organisation
    AffiliationFactory(user=reviewer, organisation=partner)

    reasons = review.conflicts_of_interest(reviewer, team.project, call)

    assert reasons == [f"{partner.name}, pour qui il travaille, est partenaire du projet."]


def test_conflict_when_the_reviewer_works_for_the_same_group(team, call, reviewer):
    # Arrange: the partner and the reviewer's employer belong to one group (spaces and case
    # differ in the directory)
    partner = team.company_part.organisation
    Organisation.objects.filter(pk=partner.pk).update(group_name="Groupe  Dassault")
    sister = OrganisationFactory(name="Dassault Filiale", group_name="groupe dassault")
    AffiliationFactory(user=reviewer, organisation=sister)

    # Act
    reasons = review.conflicts_of_interest(reviewer, team.project, call)

    # Assert
    assert reasons == [
        f"Dassault Filiale, pour qui il travaille, est du même groupe que {partner.name}."
    ]


def test_conflict_with_a_partner_of_the_frozen_dossier_that_left_the_consortium(
    team, call, reviewer
):
    partner = team.company_part.organisation
    team.company_part.delete()
    AffiliationFactory(user=reviewer, organisation=partner)

    reasons = review.conflicts_of_interest(reviewer, team.project, call)

    assert reasons == [f"{partner.name}, pour qui il travaille, est partenaire du projet."]


# --- Assignments ----------------------------------------------------------------------------


def test_assign_reviewer_records_it_and_mails_him(
    team, call, state_manager, reviewer, state, django_capture_on_commit_callbacks
):
    # Act
    with django_capture_on_commit_callbacks(execute=True):
        assignment = review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )

    # Assert
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.assigned_by == state_manager
    entry = AuditEntry.objects.get(action="review.assign")
    assert entry.actor == state_manager
    assert entry.data["reviewer"] == "expert@etat.example"
    assert [message.to for message in mail.outbox] == [["expert@etat.example"]]


def test_assign_reviewer_is_refused_to_a_manager_of_another_funder(team, call, reviewer, state, db):
    outsider_funder = Funder.objects.create(name="Autre", slug="autre", kind="other")
    other_manager = member_of(outsider_funder, FunderRole.MANAGER, "autre@example.org")

    with pytest.raises(PermissionDenied):
        review.assign_reviewer(
            actor=other_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )


def test_assign_reviewer_is_refused_to_a_reviewer(team, call, reviewer, state):
    with pytest.raises(PermissionDenied):
        review.assign_reviewer(
            actor=reviewer, project=team.project, call=call, reviewer=reviewer, funder=state
        )


def test_assign_reviewer_refuses_a_funder_foreign_to_the_call(team, call, state_manager, db):
    foreign = Funder.objects.create(name="Banque des territoires", slug="bdt", kind="other")
    foreign_reviewer = member_of(foreign, FunderRole.REVIEWER, "expert@foreign.example")
    admin = UserFactory(is_superuser=True, is_staff=True)

    with pytest.raises(review.ReviewError, match="Banque des territoires ne finance pas l'appel"):
        review.assign_reviewer(
            actor=admin, project=team.project, call=call, reviewer=foreign_reviewer, funder=foreign
        )


def test_assign_reviewer_refuses_someone_who_does_not_review_for_the_funder(
    team, call, state_manager, state
):
    stranger = UserFactory(email="inconnu@example.org", first_name="", last_name="")

    with pytest.raises(review.ReviewError, match="inconnu@example.org n'est pas évaluateur"):
        review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=stranger, funder=state
        )


def test_assign_reviewer_refuses_a_project_without_dossier(call, state_manager, reviewer, state):
    team = make_consortium(call=call)

    with pytest.raises(review.ReviewError, match="n'a pas déposé de dossier"):
        review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )


def test_assign_reviewer_refuses_a_conflict_from_the_directory(
    team, call, state_manager, reviewer, state
):
    AffiliationFactory(user=reviewer, organisation=team.lab_part.organisation)

    with pytest.raises(review.ReviewError, match="Conflit d'intérêts"):
        review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )

    assert not AuditEntry.objects.filter(action="review.assign").exists()


def test_assign_reviewer_twice_is_refused(team, call, state_manager, reviewer, state, assignment):
    with pytest.raises(review.ReviewError, match="déjà assigné"):
        review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )


def test_assign_reviewer_after_a_declared_conflict_is_refused(
    team, call, state_manager, reviewer, state, assignment
):
    review.declare_conflict(actor=reviewer, assignment=assignment, reason="Ancien associé.")

    with pytest.raises(review.ReviewError, match="a déclaré un conflit"):
        review.assign_reviewer(
            actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
        )


def test_withdrawn_assignment_can_be_given_again(
    team, call, state_manager, reviewer, state, assignment
):
    review.withdraw_assignment(actor=state_manager, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN

    again = review.assign_reviewer(
        actor=state_manager, project=team.project, call=call, reviewer=reviewer, funder=state
    )

    assert again.pk == assignment.pk
    assert again.status == AssignmentStatus.ACTIVE
    assert AuditEntry.objects.filter(action="review.withdraw").count() == 1


def test_withdraw_assignment_is_refused_to_the_reviewer(reviewer, assignment):
    with pytest.raises(PermissionDenied):
        review.withdraw_assignment(actor=reviewer, assignment=assignment)


# --- Declared conflicts ---------------------------------------------------------------------


def test_declare_conflict_withdraws_the_reviewer_with_his_reason(reviewer, assignment):
    declared = review.declare_conflict(
        actor=reviewer, assignment=assignment, reason="  Ancien salarié du coordinateur.  "
    )

    assert declared.status == AssignmentStatus.CONFLICT
    assert declared.conflict_reason == "Ancien salarié du coordinateur."
    entry = AuditEntry.objects.get(action="review.conflict")
    assert entry.data["reason"] == "Ancien salarié du coordinateur."


def test_declare_conflict_needs_a_reason(reviewer, assignment):
    with pytest.raises(ValidationError) as raised:
        review.declare_conflict(actor=reviewer, assignment=assignment, reason=" ")

    assert raised.value.message_dict == {"reason": ["Dites en une phrase d'où vient le conflit."]}


def test_declare_conflict_is_for_the_assigned_reviewer_only(state_manager, assignment):
    with pytest.raises(PermissionDenied):
        review.declare_conflict(actor=state_manager, assignment=assignment, reason="Moi ?")


def test_declare_conflict_twice_is_refused(reviewer, assignment):
    review.declare_conflict(actor=reviewer, assignment=assignment, reason="Lien.")

    with pytest.raises(review.ReviewError, match="plus active"):
        review.declare_conflict(actor=reviewer, assignment=assignment, reason="Encore.")


# --- Reviews --------------------------------------------------------------------------------


def test_save_review_keeps_a_partial_draft(call, team, reviewer, assignment):
    first = call.criteria.first()

    draft = review.save_review(
        actor=reviewer, assignment=assignment, scores={first.pk: 3}, comment_committee="À suivre"
    )

    assert draft.status == ReviewStatus.DRAFT
    assert draft.version == team.version
    assert {score.criterion_id: score.value for score in draft.scores.all()} == {first.pk: 3}
    assert not AuditEntry.objects.filter(action="review.submit").exists()


def test_save_review_submit_needs_every_score_and_a_committee_comment(call, reviewer, assignment):
    first, *others = call.criteria.all()

    with pytest.raises(ValidationError) as raised:
        review.save_review(actor=reviewer, assignment=assignment, scores={first.pk: 3}, submit=True)

    assert set(raised.value.message_dict) == {
        *(f"score_{criterion.pk}" for criterion in others),
        "comment_committee",
    }


def test_save_review_refuses_a_score_out_of_range(call, reviewer, assignment):
    first = call.criteria.first()

    with pytest.raises(ValidationError) as raised:
        review.save_review(actor=reviewer, assignment=assignment, scores={first.pk: 6})

    assert raised.value.message_dict == {f"score_{first.pk}": ["Une note entière de 0 à 5."]}


def test_save_review_submit_closes_it_and_audits_the_scores(call, reviewer, assignment):
    # Act
    submitted = review.save_review(
        actor=reviewer,
        assignment=assignment,
        scores=all_scores(call, 4),
        comment_committee="Solide.",
        comment_applicants="Précisez le marché.",
        submit=True,
    )

    # Assert
    assert submitted.status == ReviewStatus.SUBMITTED
    assert submitted.submitted_at is not None
    entry = AuditEntry.objects.get(action="review.submit")
    assert entry.data["scores"] == {
        "innovation": 4,
        "partnership": 4,
        "market": 4,
        "impact": 4,
        "jobs": 4,
    }
    with pytest.raises(review.ReviewError, match="seul un gestionnaire de l'appel peut la rouvrir"):
        review.save_review(actor=reviewer, assignment=assignment, scores=all_scores(call, 1))


def test_save_review_is_for_the_assigned_reviewer_only(call, state_manager, assignment):
    with pytest.raises(PermissionDenied):
        review.save_review(actor=state_manager, assignment=assignment, scores={})


def test_save_review_after_a_conflict_is_refused(call, reviewer, assignment):
    review.declare_conflict(actor=reviewer, assignment=assignment, reason="Lien.")

    with pytest.raises(review.ReviewError, match="plus assigné"):
        review.save_review(actor=reviewer, assignment=assignment, scores={})


def test_save_review_follows_the_latest_version(call, team, reviewer, assignment):
    review.save_review(actor=reviewer, assignment=assignment, scores={})
    version_2 = submit_project(actor=team.actor, project=team.project)

    draft = review.save_review(actor=reviewer, assignment=assignment, scores={})

    assert draft.version == version_2


def test_reopen_review_by_a_manager_of_the_call(call, reviewer, region_manager, assignment):
    # Arrange
    submitted = review.save_review(
        actor=reviewer,
        assignment=assignment,
        scores=all_scores(call, 2),
        comment_committee="Faible.",
        submit=True,
    )

    # Act: the Région's manager also manages the call
    reopened = review.reopen_review(actor=region_manager, review=submitted)

    # Assert
    assert reopened.status == ReviewStatus.DRAFT
    assert reopened.reopened_by == region_manager
    assert AuditEntry.objects.filter(action="review.reopen").count() == 1
    again = review.save_review(
        actor=reviewer,
        assignment=assignment,
        scores=all_scores(call, 3),
        comment_committee="Mieux.",
    )
    assert {score.value for score in again.scores.all()} == {3}


def test_reopen_review_is_refused_to_the_reviewer_and_for_a_draft(call, reviewer, assignment):
    draft = review.save_review(actor=reviewer, assignment=assignment, scores={})
    admin = UserFactory(is_superuser=True, is_staff=True)

    with pytest.raises(review.ReviewError, match="pas remise"):
        review.reopen_review(actor=admin, review=draft)
    draft.status = ReviewStatus.SUBMITTED
    draft.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        review.reopen_review(actor=reviewer, review=draft)


def test_weighted_score_uses_the_weights_of_the_call(call, reviewer, assignment):
    # Arrange: innovation weighs 3, the four others 1
    Criterion.objects.filter(call=call, code="innovation").update(weight=Decimal("3"))
    scores = {
        criterion.pk: (5 if criterion.code == "innovation" else 2)
        for criterion in call.criteria.all()
    }

    # Act
    draft = review.save_review(actor=reviewer, assignment=assignment, scores=scores)

    # Assert: (3 × 5 + 4 × 2) / 7
    assert review.weighted_score(draft) == Decimal("3.29")


def test_weighted_score_is_none_until_every_criterion_is_scored(call, reviewer, assignment):
    draft = review.save_review(
        actor=reviewer, assignment=assignment, scores={call.criteria.first().pk: 5}
    )

    assert review.weighted_score(draft) is None


# --- Decisions ------------------------------------------------------------------------------


def aid_of(team, part):
    return review.requested_aid_by_organisation(team.version)[part.organisation.slug]


def test_decisions_of_two_funders_may_share_a_partner_aid_up_to_the_dossier(
    call, team, state, region, state_manager, region_manager
):
    # Arrange
    lab = team.lab_part.organisation
    ceiling = aid_of(team, team.lab_part)
    state_share = ceiling * 3 // 5

    # Act
    state_decision = review.record_decision(
        actor=state_manager,
        project=team.project,
        call=call,
        funder=state,
        outcome=DecisionOutcome.FUNDED,
        aids={lab.pk: state_share},
    )
    region_decision = review.record_decision(
        actor=region_manager,
        project=team.project,
        call=call,
        funder=region,
        outcome=DecisionOutcome.FUNDED,
        comment_applicants="Cofinancement régional.",
        aids={lab.pk: ceiling - state_share},
    )

    # Assert
    assert state_decision.total_aid_eur + region_decision.total_aid_eur == ceiling
    assert AuditEntry.objects.filter(action="review.decision").count() == 2


def test_decision_refuses_co_funding_above_the_aid_of_the_dossier(
    call, team, state, region, state_manager, region_manager
):
    # Arrange
    lab = team.lab_part.organisation
    ceiling = aid_of(team, team.lab_part)
    review.record_decision(
        actor=state_manager,
        project=team.project,
        call=call,
        funder=state,
        outcome=DecisionOutcome.FUNDED,
        aids={lab.pk: ceiling - 1000},
    )

    # Act
    with pytest.raises(ValidationError) as raised:
        review.record_decision(
            actor=region_manager,
            project=team.project,
            call=call,
            funder=region,
            outcome=DecisionOutcome.FUNDED,
            aids={lab.pk: 1001},
        )

    # Assert
    [message] = raised.value.message_dict[f"aid_{lab.pk}"]
    assert "dépasserait celle du dossier" in message
    assert not Decision.objects.filter(funder=region).exists()


def test_decision_can_be_changed_by_its_funder_before_release(call, team, state, state_manager):
    lab = team.lab_part.organisation
    ceiling = aid_of(team, team.lab_part)
    review.record_decision(
        actor=state_manager,
        project=team.project,
        call=call,
        funder=state,
        outcome=DecisionOutcome.FUNDED,
        aids={lab.pk: ceiling},
    )

    changed = review.record_decision(
        actor=state_manager,
        project=team.project,
        call=call,
        funder=state,
        outcome=DecisionOutcome.FUNDED,
        aids={lab.pk: ceiling},  # its own earlier aid does not count against the ceiling
    )

    assert changed.total_aid_eur == ceiling
    assert Decision.objects.filter(funder=state).count() == 1


@pytest.mark.parametrize(
    ("outcome", "aids", "field"),
    [
        (DecisionOutcome.NOT_FUNDED, "lab", "aids"),
        (DecisionOutcome.FUNDED, None, "aids"),
        ("maybe", None, "outcome"),
    ],
)
def test_decision_refuses_inconsistent_outcome_and_aids(
    call, team, state, state_manager, outcome, aids, field
):
    aids = {team.lab_part.organisation_id: 1000} if aids == "lab" else None

    with pytest.raises(ValidationError) as raised:
        review.record_decision(
            actor=state_manager,
            project=team.project,
            call=call,
            funder=state,
            outcome=outcome,
            aids=aids,
        )

    assert list(raised.value.message_dict) == [field]


def test_decision_refuses_aid_to_an_organisation_outside_the_dossier(
    call, team, state, state_manager
):
    stranger = OrganisationFactory()

    with pytest.raises(ValidationError) as raised:
        review.record_decision(
            actor=state_manager,
            project=team.project,
            call=call,
            funder=state,
            outcome=DecisionOutcome.FUNDED,
            aids={stranger.pk: 1000},
        )

    assert raised.value.message_dict == {
        f"aid_{stranger.pk}": ["Cette organisation n'est pas partenaire du dossier."]
    }


def test_decision_for_another_funder_is_refused(call, team, region, state_manager, reviewer):
    for actor in (state_manager, reviewer):
        with pytest.raises(PermissionDenied):
            review.record_decision(
                actor=actor,
                project=team.project,
                call=call,
                funder=region,
                outcome=DecisionOutcome.NOT_FUNDED,
            )


def test_decision_of_a_funder_foreign_to_the_call_is_refused(call, team, db):
    foreign = Funder.objects.create(name="Banque des territoires", slug="bdt", kind="other")
    manager = member_of(foreign, FunderRole.MANAGER, "gestion@foreign.example")

    with pytest.raises(review.ReviewError, match="ne finance pas"):
        review.record_decision(
            actor=manager,
            project=team.project,
            call=call,
            funder=foreign,
            outcome=DecisionOutcome.NOT_FUNDED,
        )


# --- Release ------------------------------------------------------------------------------


def decide(team, call, funder, manager, outcome):
    aids = {}
    if outcome == DecisionOutcome.FUNDED:
        aids = {team.coordinator_part.organisation_id: aid_of(team, team.coordinator_part)}
    return review.record_decision(
        actor=manager, project=team.project, call=call, funder=funder, outcome=outcome, aids=aids
    )


def second_team(call, acronym):
    team = make_consortium(call=call, acronym=acronym)
    team.version = submit_project(actor=team.actor, project=team.project)
    return team


def test_release_sets_project_statuses_and_mails_the_consortia(
    call, team, state, region, state_manager, region_manager, django_capture_on_commit_callbacks
):
    # Arrange: ROBOCOB funded by the Région only; REFUS refused by both; INFO asked for more
    decide(team, call, state, state_manager, DecisionOutcome.NOT_FUNDED)
    decide(team, call, region, region_manager, DecisionOutcome.FUNDED)
    refused = second_team(call, "REFUS")
    decide(refused, call, state, state_manager, DecisionOutcome.NOT_FUNDED)
    decide(refused, call, region, region_manager, DecisionOutcome.NOT_FUNDED)
    info = second_team(call, "INFO")
    decide(info, call, state, state_manager, DecisionOutcome.MORE_INFORMATION)
    mail.outbox.clear()

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        released = review.release_decisions(actor=state_manager, call=call)

    # Assert
    assert released == 5
    for item, status in ((team, "funded"), (refused, "not_funded"), (info, "submitted")):
        item.project.refresh_from_db()
        assert item.project.status == status
    assert not Decision.objects.filter(call=call, released_at__isnull=True).exists()
    call.refresh_from_db()
    assert call.decisions_released_at is not None
    assert len(mail.outbox) == 3
    assert AuditEntry.objects.filter(action="review.release").count() == 1


def test_release_without_pending_decision_is_refused(call, team, state_manager):
    with pytest.raises(review.ReviewError, match="Aucune décision"):
        review.release_decisions(actor=state_manager, call=call)


def test_release_is_refused_to_a_reviewer(call, team, state, state_manager, reviewer):
    decide(team, call, state, state_manager, DecisionOutcome.NOT_FUNDED)

    with pytest.raises(PermissionDenied):
        review.release_decisions(actor=reviewer, call=call)

    team.project.refresh_from_db()
    assert team.project.status == ProjectStatus.SUBMITTED


def test_released_decision_cannot_be_changed(call, team, state, state_manager):
    decide(team, call, state, state_manager, DecisionOutcome.NOT_FUNDED)
    review.release_decisions(actor=state_manager, call=call)

    with pytest.raises(review.ReviewError, match="déjà communiquée"):
        decide(team, call, state, state_manager, DecisionOutcome.FUNDED)


# --- More information: a new version after the deadline -------------------------------------


def close(call, team):
    """The deadline passed yesterday; the label was granted ten days before."""
    LabelRequest.objects.filter(pk=team.label_request.pk).update(
        committee_date=timezone.localdate() - timedelta(days=10)
    )
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(days=1))
    call.refresh_from_db()


def test_more_information_lets_the_coordinator_submit_after_the_deadline(
    call, team, state, state_manager
):
    # Arrange
    decide(team, call, state, state_manager, DecisionOutcome.MORE_INFORMATION)
    close(call, team)
    assert review.more_information_requested(team.project, call) is False  # not released yet
    with pytest.raises(SubmissionError, match="date limite"):
        submit_project(actor=team.actor, project=team.project)
    review.release_decisions(actor=state_manager, call=call)
    assert review.more_information_requested(team.project, call) is True

    # Act
    version_2 = submit_project(actor=team.actor, project=team.project)

    # Assert: once, then the deadline holds again
    assert version_2.number == 2
    assert review.more_information_requested(team.project, call) is False
    with pytest.raises(SubmissionError, match="date limite"):
        submit_project(actor=team.actor, project=team.project)


def test_more_information_can_be_followed_by_a_final_decision(call, team, state, state_manager):
    decide(team, call, state, state_manager, DecisionOutcome.MORE_INFORMATION)
    review.release_decisions(actor=state_manager, call=call)
    submit_project(actor=team.actor, project=team.project)

    final = decide(team, call, state, state_manager, DecisionOutcome.FUNDED)
    review.release_decisions(actor=state_manager, call=call)

    team.project.refresh_from_db()
    assert final.outcome == DecisionOutcome.FUNDED
    assert team.project.status == ProjectStatus.FUNDED
