"""The reviewers' pages: their assignments, an assigned dossier with its review form, and the
declaration of a conflict of interest."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from funding import review
from funding.dossiers import submit_project
from funding.models import (
    AssignmentStatus,
    Funder,
    FunderMember,
    FunderRole,
    Review,
    ReviewStatus,
)
from funding.review_views import _number
from projects.models import ProjectPartner
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    OtherOrganisationFactory,
    UserFactory,
)
from tests.funding.dossier_setup import make_consortium
from tests.helpers import assert_same_query_count, page_text

# --- Set-up ---------------------------------------------------------------------------------


@pytest.fixture
def region_funder(db):
    return Funder.objects.create(name="Région Occitanie", slug="region-occitanie", kind="region")


@pytest.fixture
def call(region_funder):
    call = CallFactory(title="AAP FUI n°30")
    call.funders.add(region_funder)
    return call


@pytest.fixture
def manager(region_funder):
    user = UserFactory(email="gestion@region.example", totp=True)
    FunderMember.objects.create(funder=region_funder, user=user, role=FunderRole.MANAGER)
    return user


@pytest.fixture
def reviewer(region_funder):
    user = UserFactory(
        email="expert@region.example", first_name="Élise", last_name="Experte", totp=True
    )
    AffiliationFactory(user=user, organisation=OtherOrganisationFactory(name="Cabinet Expertise"))
    FunderMember.objects.create(funder=region_funder, user=user, role=FunderRole.REVIEWER)
    return user


def submitted(call, acronym="ROBOCOB", **fields):
    team = make_consortium(call=call, acronym=acronym, title=f"Projet {acronym}", **fields)
    team.version = submit_project(actor=team.actor, project=team.project)
    return team


@pytest.fixture
def team(call):
    return submitted(call)


@pytest.fixture
def assignment(team, call, manager, reviewer, region_funder):
    return review.assign_reviewer(
        actor=manager, project=team.project, call=call, reviewer=reviewer, funder=region_funder
    )


def assign(call, manager, reviewer, funder, acronym):
    team = submitted(call, acronym=acronym)
    return review.assign_reviewer(
        actor=manager, project=team.project, call=call, reviewer=reviewer, funder=funder
    )


def score_data(call, value=4, **extra):
    data = {f"score_{criterion.pk}": str(value) for criterion in call.criteria.all()}
    return {**data, **extra}


# --- The list -------------------------------------------------------------------------------


def test_list_shows_assignments_by_call_with_deadline_and_review_status(
    client, call, assignment, manager, reviewer, region_funder
):
    # Arrange: a draft on ROBOCOB, a submitted review on SUBMIT, a conflict on CONFLIT
    review.save_review(actor=reviewer, assignment=assignment, scores={}, comment_committee="")
    done = assign(call, manager, reviewer, region_funder, "SUBMIT")
    review.save_review(
        actor=reviewer,
        assignment=done,
        scores={criterion.pk: 3 for criterion in call.criteria.all()},
        comment_committee="Solide.",
        submit=True,
    )
    conflict = assign(call, manager, reviewer, region_funder, "CONFLIT")
    review.declare_conflict(actor=reviewer, assignment=conflict, reason="Ancien employeur.")
    fresh = assign(call, manager, reviewer, region_funder, "NEUF")
    client.force_login(reviewer)

    # Act
    response = client.get(reverse("review:list"))

    # Assert
    text = page_text(response)
    assert response.status_code == 200
    assert "AAP FUI n°30" in text
    assert "Date limite de dépôt" in text
    assert "2 évaluations à remettre" in text
    assert "ROBOCOB" in text and "Brouillon" in text
    assert "SUBMIT" in text and "Remise" in text
    assert "NEUF" in text and "Non commencée" in text
    assert "Dossiers dont vous êtes retiré" in text
    assert "CONFLIT" in text and "Conflit d'intérêts déclaré" in text
    assert "motif : Ancien employeur." in text
    assert reverse("review:assignment", args=[fresh.pk]) in response.content.decode()


def test_list_groups_by_call_soonest_deadline_first(client, manager, reviewer, region_funder):
    # Arrange
    later = CallFactory(title="Appel tardif", closes_at=timezone.now() + timedelta(days=90))
    sooner = CallFactory(title="Appel proche", closes_at=timezone.now() + timedelta(days=10))
    for call_, acronym in ((later, "TARDIF"), (sooner, "PROCHE")):
        call_.funders.add(region_funder)
        assign(call_, manager, reviewer, region_funder, acronym)
    client.force_login(reviewer)

    # Act
    text = page_text(client.get(reverse("review:list")))

    # Assert
    assert text.index("Appel proche") < text.index("PROCHE") < text.index("Appel tardif")
    assert text.index("Appel tardif") < text.index("TARDIF")


def test_list_for_a_reviewer_without_assignment_says_so(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("review:list"))

    assert response.status_code == 200
    assert "Aucun dossier ne vous est confié pour le moment." in page_text(response)


def test_list_is_forbidden_to_a_manager_without_assignment(client, manager):
    client.force_login(manager)

    response = client.get(reverse("review:list"))

    assert response.status_code == 403


def test_list_flags_a_version_submitted_after_the_review(client, call, team, assignment, reviewer):
    # Arrange: a draft on version 1, then version 2
    review.save_review(actor=reviewer, assignment=assignment, scores={}, comment_committee="")
    submit_project(actor=team.actor, project=team.project)
    client.force_login(reviewer)

    # Act
    text = page_text(client.get(reverse("review:list")))

    # Assert
    assert "version 2" in text
    assert "nouvelle version depuis" in text


def test_list_costs_the_same_queries_for_one_or_three_assignments(
    client, call, manager, reviewer, region_funder
):
    client.force_login(reviewer)
    counter = iter(range(100))

    def add_assignment():
        assignment = assign(call, manager, reviewer, region_funder, f"LOT{next(counter)}")
        review.save_review(actor=reviewer, assignment=assignment, scores={}, comment_committee="")
        return assignment

    assert_same_query_count(
        client, reverse("review:list"), add_assignment, shows=lambda a: a.project.acronym
    )


def test_nav_shows_evaluation_to_reviewers_with_assignments_only(
    client, assignment, reviewer, manager
):
    nav_link = f'href="{reverse("review:list")}"'
    client.force_login(reviewer)
    assert nav_link in client.get(reverse("dashboard")).content.decode()

    client.force_login(manager)
    assert nav_link not in client.get(reverse("dashboard")).content.decode()


# --- One assignment -------------------------------------------------------------------------


def test_assignment_shows_the_frozen_dossier_and_the_review_form(
    client, call, team, assignment, reviewer
):
    client.force_login(reviewer)

    response = client.get(reverse("review:assignment", args=[assignment.pk]))

    body = response.content.decode()
    text = page_text(response)
    assert response.status_code == 200
    assert "ROBOCOB — Projet ROBOCOB" in text
    assert team.version.reference in text
    assert "Éligible au dépôt" in text
    assert team.pole.name in text  # the label
    assert "Lettre de soutien de la Région" in text
    file_pk = team.version.files.get().pk
    assert reverse("dossiers:file", args=[team.version.pk, file_pk]) in body
    assert reverse("dossiers:detail", args=[team.version.pk]) in body
    assert "Une seule version déposée : rien à comparer." in text
    for criterion in call.criteria.all():
        assert f'name="score_{criterion.pk}"' in body
        assert f'<legend class="field__label">{criterion.name}' in body
    assert "5 — excellent" in text
    assert 'name="comment_committee"' in body
    assert 'name="comment_applicants"' in body
    assert "Enregistrer le brouillon" in text
    assert "Remettre l'évaluation" in text


def test_assignment_shows_what_changed_since_the_previous_version(
    client, call, team, assignment, reviewer
):
    # Arrange: version 2 with more expenses for the lab and a new role
    ProjectPartner.objects.filter(pk=team.lab_part.pk).update(
        expenses_personnel_eur=350_000, role="Essais et validation"
    )
    submit_project(actor=team.actor, project=team.project)
    client.force_login(reviewer)

    # Act
    text = page_text(client.get(reverse("review:assignment", args=[assignment.pk])))

    # Assert
    lab = team.lab_part.organisation.name
    assert "De la version 1 à la version 2 :" in text
    assert f"{lab} : rôle « Essais » → « Essais et validation »." in text
    assert f"{lab}, dépenses de personnel : 300 000 € → 350 000 € (+50 000 €)." in text
    assert "Dépenses totales du projet : 1 000 000 € → 1 050 000 € (+50 000 €)." in text


def test_assignment_compares_the_versions_asked(client, call, team, assignment, reviewer):
    # Arrange: three versions; only version 3 changes the lab's role
    submit_project(actor=team.actor, project=team.project)
    ProjectPartner.objects.filter(pk=team.lab_part.pk).update(role="Validation")
    submit_project(actor=team.actor, project=team.project)
    client.force_login(reviewer)
    url = reverse("review:assignment", args=[assignment.pk])

    # Act
    one_to_two = page_text(client.get(url, {"de": 1, "a": 2}))
    one_to_three = page_text(client.get(url, {"de": 1, "a": 3}))
    unknown = page_text(client.get(url, {"de": 1, "a": 9}))

    # Assert
    assert "Aucune différence entre ces deux versions" in one_to_two
    assert "rôle « Essais » → « Validation »" in one_to_three
    assert "Choisissez deux versions différentes" in unknown
    assert "De la version 2 à la version 3 :" in unknown


def test_assignment_comparison_alone_for_htmx(client, call, team, assignment, reviewer):
    submit_project(actor=team.actor, project=team.project)
    client.force_login(reviewer)

    response = client.get(
        reverse("review:assignment", args=[assignment.pk]),
        {"de": 2, "a": 1},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section class="section review-changes" id="changements"')
    assert "De la version 2 à la version 1 :" in page_text(response)
    assert "<html" not in body


def test_assignment_saves_a_draft_and_keeps_it(client, call, assignment, reviewer):
    # Arrange
    client.force_login(reviewer)
    first = call.criteria.first()
    url = reverse("review:assignment", args=[assignment.pk])

    # Act
    response = client.post(
        url,
        {
            f"score_{first.pk}": "2",
            "comment_committee": "À compléter.",
            "comment_applicants": "",
            "action": "draft",
        },
    )

    # Assert
    assert response.status_code == 302
    assert response["Location"] == url
    saved = Review.objects.get(assignment=assignment)
    assert saved.status == ReviewStatus.DRAFT
    assert saved.comment_committee == "À compléter."
    assert {s.criterion_id: s.value for s in saved.scores.all()} == {first.pk: 2}
    page = client.get(url)
    assert "Brouillon enregistré pour ROBOCOB" in page_text(page)
    assert f'value="2" id="id_score_{first.pk}_2" checked' in page.content.decode()
    assert "À compléter." in page.content.decode()


def test_assignment_submit_without_every_score_shows_errors_and_keeps_input(
    client, call, assignment, reviewer
):
    # Arrange
    client.force_login(reviewer)
    first, *others = call.criteria.all()

    # Act
    response = client.post(
        reverse("review:assignment", args=[assignment.pk]),
        {
            f"score_{first.pk}": "5",
            "comment_committee": "",
            "comment_applicants": "Bravo pour le consortium.",
            "action": "submit",
        },
    )

    # Assert
    body = response.content.decode()
    text = page_text(response)
    assert response.status_code == 200
    assert "L'évaluation n'est pas remise" in text
    assert text.count("Notez ce critère avant de remettre l'évaluation.") == len(others)
    assert "Écrivez un avis pour le comité." in text
    assert f'value="5" id="id_score_{first.pk}_5" checked' in body
    assert "Bravo pour le consortium." in body
    assert not Review.objects.filter(assignment=assignment).exists()


def test_assignment_refuses_a_score_out_of_range(client, call, assignment, reviewer):
    client.force_login(reviewer)
    first = call.criteria.first()

    response = client.post(
        reverse("review:assignment", args=[assignment.pk]),
        {f"score_{first.pk}": "9", "action": "draft"},
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Review.objects.filter(assignment=assignment).exists()


def test_assignment_submits_then_shows_the_review_read_only(client, call, assignment, reviewer):
    # Arrange
    client.force_login(reviewer)
    url = reverse("review:assignment", args=[assignment.pk])

    # Act
    response = client.post(
        url,
        score_data(call, 4, comment_committee="Consortium solide.", action="submit"),
    )

    # Assert
    assert response["Location"] == url
    saved = Review.objects.get(assignment=assignment)
    assert saved.status == ReviewStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="review.submit").count() == 1
    page = client.get(url)
    text = page_text(page)
    assert "Évaluation de ROBOCOB remise" in text
    assert "seul un gestionnaire de l'appel peut la rouvrir" in text
    assert "Note pondérée 4,00" in text
    assert "Consortium solide." in text
    assert 'name="comment_committee"' not in page.content.decode()


def test_assignment_post_on_a_submitted_review_changes_nothing(client, call, assignment, reviewer):
    # Arrange
    review.save_review(
        actor=reviewer,
        assignment=assignment,
        scores={criterion.pk: 4 for criterion in call.criteria.all()},
        comment_committee="Remise.",
        submit=True,
    )
    client.force_login(reviewer)
    url = reverse("review:assignment", args=[assignment.pk])

    # Act
    response = client.post(url, score_data(call, 1, comment_committee="Changée", action="draft"))

    # Assert
    assert response["Location"] == url
    assert "seul un gestionnaire de l'appel peut la rouvrir" in page_text(client.get(url))
    saved = Review.objects.get(assignment=assignment)
    assert saved.comment_committee == "Remise."
    assert {score.value for score in saved.scores.all()} == {4}


def test_assignment_reopened_by_a_manager_shows_the_form_again(
    client, call, assignment, reviewer, manager
):
    submitted_review = review.save_review(
        actor=reviewer,
        assignment=assignment,
        scores={criterion.pk: 4 for criterion in call.criteria.all()},
        comment_committee="Première lecture.",
        submit=True,
    )
    review.reopen_review(actor=manager, review=submitted_review)
    client.force_login(reviewer)

    response = client.get(reverse("review:assignment", args=[assignment.pk]))

    assert "a rouvert votre évaluation" in page_text(response)
    assert "Première lecture." in response.content.decode()
    assert 'name="comment_committee"' in response.content.decode()


def test_assignment_says_a_new_version_came_after_the_review(
    client, call, team, assignment, reviewer
):
    review.save_review(actor=reviewer, assignment=assignment, scores={}, comment_committee="")
    submit_project(actor=team.actor, project=team.project)
    client.force_login(reviewer)

    text = page_text(client.get(reverse("review:assignment", args=[assignment.pk])))

    assert "Votre évaluation porte sur la version 1 ; la version 2 a été déposée depuis." in text


def test_assignment_warns_of_a_conflict_found_in_the_directory(
    client, call, team, assignment, reviewer
):
    # Arrange: the reviewer now also works for a partner
    AffiliationFactory(user=reviewer, organisation=team.company_part.organisation)
    client.force_login(reviewer)

    # Act
    text = page_text(client.get(reverse("review:assignment", args=[assignment.pk])))

    # Assert
    assert "L'annuaire signale un conflit d'intérêts" in text
    assert f"{team.company_part.organisation.name}, pour qui il travaille" in text


@pytest.mark.parametrize("status", [AssignmentStatus.CONFLICT, AssignmentStatus.WITHDRAWN])
def test_assignment_no_longer_active_shows_no_dossier_nor_form(
    client, status, team, assignment, reviewer, manager
):
    # Arrange
    if status == AssignmentStatus.CONFLICT:
        review.declare_conflict(actor=reviewer, assignment=assignment, reason="Lien familial.")
    else:
        review.withdraw_assignment(actor=manager, assignment=assignment)
    client.force_login(reviewer)

    # Act
    response = client.get(reverse("review:assignment", args=[assignment.pk]))

    # Assert
    text = page_text(response)
    assert response.status_code == 200
    assert "ne le voyez plus" in text
    assert team.version.reference not in text
    assert 'name="comment_committee"' not in response.content.decode()
    if status == AssignmentStatus.CONFLICT:
        assert "Votre motif : « Lien familial. »" in text


def test_assignment_of_another_reviewer_is_not_found(client, assignment, region_funder):
    other = UserFactory(totp=True)
    FunderMember.objects.create(funder=region_funder, user=other, role=FunderRole.REVIEWER)
    client.force_login(other)

    response = client.get(reverse("review:assignment", args=[assignment.pk]))

    assert response.status_code == 404
    assert "ROBOCOB" not in response.content.decode()


def test_assignment_is_not_found_for_the_consortium(client, team, assignment):
    client.force_login(team.actor)

    response = client.get(reverse("review:assignment", args=[assignment.pk]))

    assert response.status_code == 404


# --- Conflict of interest -------------------------------------------------------------------


def test_conflict_page_asks_for_the_reason(client, assignment, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("review:conflict", args=[assignment.pk]))

    text = page_text(response)
    assert "Déclarer un conflit d'intérêts ?" in text
    assert "Vous serez retiré du dossier ROBOCOB" in text
    assert 'name="reason"' in response.content.decode()


def test_conflict_declared_withdraws_the_reviewer(client, assignment, reviewer):
    # Arrange
    client.force_login(reviewer)

    # Act
    response = client.post(
        reverse("review:conflict", args=[assignment.pk]),
        {"reason": "J'ai conseillé le coordinateur."},
    )

    # Assert
    assert response["Location"] == reverse("review:list")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT
    assert assignment.conflict_reason == "J'ai conseillé le coordinateur."
    assert AuditEntry.objects.filter(action="review.conflict").count() == 1
    text = page_text(client.get(reverse("review:list")))
    assert "Conflit d'intérêts déclaré : vous n'évaluerez pas ROBOCOB" in text
    assert (
        client.get(
            reverse("dossiers:detail", args=[assignment.project.dossiers.get().pk])
        ).status_code
        == 404
    )


def test_conflict_without_reason_is_refused(client, assignment, reviewer):
    client.force_login(reviewer)

    response = client.post(reverse("review:conflict", args=[assignment.pk]), {"reason": "  "})

    assert response.status_code == 200
    assert "Dites en une phrase d'où vient le conflit." in page_text(response)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_conflict_on_an_inactive_assignment_goes_back_to_it(client, assignment, reviewer):
    review.declare_conflict(actor=reviewer, assignment=assignment, reason="Déjà déclaré.")
    client.force_login(reviewer)

    response = client.post(reverse("review:conflict", args=[assignment.pk]), {"reason": "Encore"})

    assert response["Location"] == reverse("review:assignment", args=[assignment.pk])
    assignment.refresh_from_db()
    assert assignment.conflict_reason == "Déjà déclaré."


def test_version_numbers_in_the_query_string_are_parsed_leniently():
    assert _number("2") == 2
    assert _number("deux") is None
    assert _number(None) is None
