"""The call managers' pages (`committee:*`): calls, a call's dossiers and assignments, the
ranking, a funder's decision, the release, a dossier's history; and what the consortium sees
of the decisions on its project page, before and after the release.

The cast: `funder_manager` manages `world_funder`, which funds "Appel du comité"; `funder`
reviews for it. Dossiers are eligible, labelled and submitted (`tests.funding.dossier_setup`).
"""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import record
from funding.models import (
    Assignment,
    AssignmentStatus,
    Decision,
    FunderMember,
    Review,
    ReviewStatus,
)
from funding.review import assign_reviewer, record_decision, release_decisions
from members.models import Organisation
from projects.models import ProjectStatus
from tests.factories import (
    AffiliationFactory,
    CompetenceFactory,
    PoleStaffFactory,
    ResearchOrganisationFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text
from tests.matrix_committee import funder_person, open_call, submit_review, submitted_dossier

# --- set-up ---------------------------------------------------------------------------------


@pytest.fixture
def call(world_funder):
    return open_call(world_funder, title="Appel du comité", slug="appel-comite")


@pytest.fixture
def version(call):
    return submitted_dossier(call, acronym="ROBOCOB", title="Robots coopératifs")


@pytest.fixture
def project(version):
    return version.project


@pytest.fixture
def manager_client(client_for, funder_manager):
    return client_for(funder_manager)


def _call_url(call):
    return reverse("committee:call", kwargs={"slug": call.slug})


def _assign(actor, project, call, reviewer, funder):
    return assign_reviewer(
        actor=actor, project=project, call=call, reviewer=reviewer, funder=funder
    )


def _decision_url(call, project):
    return reverse("committee:decision", kwargs={"slug": call.slug, "project_pk": project.pk})


def _partner(version, kind="company", coordinator=True):
    """The organisation and the requested aid of a partner of the frozen version."""
    for part in version.content["partners"]:
        if part["coordinator"] == coordinator and part["organisation"]["kind"] == kind:
            organisation = Organisation.objects.get(slug=part["organisation"]["slug"])
            return organisation, part["aid_eur"]
    raise AssertionError("no such partner")


# --- the calls ------------------------------------------------------------------------------


def test_calls_list_shows_the_managed_calls_with_their_counts(
    manager_client, call, version, funder_manager, funder, world_funder, other_world_funder
):
    # Arrange
    open_call(other_world_funder, title="Appel d'un autre financeur")
    assignment = _assign(funder_manager, version.project, call, funder, world_funder)
    submit_review(assignment, (3, 3, 3, 3, 3))

    # Act
    response = manager_client.get(reverse("committee:calls"))

    # Assert
    text = page_text(response)
    assert "Appel du comité" in text
    assert "Appel d'un autre financeur" not in text
    row = text[text.index("Appel du comité") :]
    # Dossiers, assignments, reviews submitted, decisions.
    assert "1 1 1 0 rien à communiquer" in row


def test_calls_list_is_forbidden_to_reviewers_and_members(client_for, funder, member):
    for user in (funder, member):
        response = client_for(user).get(reverse("committee:calls"))
        assert response.status_code == 403


def test_calls_list_costs_the_same_for_one_call_as_for_three(
    client_for, world_funder, funder_manager
):
    made = []

    def add_call():
        made.append(open_call(world_funder, title=f"Appel numéro {len(made):03d}"))
        submitted_dossier(made[-1], acronym=f"DOS{len(made):03d}")
        return made[-1]

    assert_same_query_count(
        client_for(funder_manager), reverse("committee:calls"), add_call, shows=lambda c: c.title
    )


# --- a call ---------------------------------------------------------------------------------


def test_call_page_lists_dossiers_assignments_and_a_suggestion(
    manager_client, call, version, funder_manager, funder, world_funder
):
    # Arrange
    competence = CompetenceFactory(name="Robotique collaborative")
    version.project.competences.add(competence)
    expert_lab = ResearchOrganisationFactory(name="Laboratoire Expert")
    expert_lab.competences.add(competence)
    expert = funder_person(
        world_funder, "expert@example.org", organisation=expert_lab, first_name="Ève"
    )
    assignment = _assign(funder_manager, version.project, call, funder, world_funder)
    submit_review(assignment, (4, 4, 4, 4, 4))

    # Act
    response = manager_client.get(_call_url(call))

    # Assert
    text = page_text(response)
    assert "ROBOCOB — Robots coopératifs" in text
    assert "Éligible" in text
    assert "Fanny Financeur funder@example.org Banque Régionale (financeur) Assignée" in text
    assert "remise le" in text
    assert "Retirer" in text and "Rouvrir l'évaluation" in text
    suggestion = text[text.index("Suggestion :") :]
    assert suggestion.startswith(
        f"Suggestion : {expert.get_full_name()} (Banque Régionale (financeur)) "
        "1 compétence en commun : Robotique collaborative · 0 dossier en cours sur l'appel"
    )
    body = response.content.decode()
    assert f'name="reviewer" value="{expert.pk}"' in body
    assert f'name="funder" value="{world_funder.pk}"' in body


def test_call_page_costs_the_same_for_one_dossier_as_for_three(
    manager_client, call, funder_manager, world_funder
):
    reviewers = [funder_person(world_funder, f"eval{i}@example.org") for i in range(2)]
    count = []

    def add_dossier():
        count.append(1)
        version = submitted_dossier(call, acronym=f"DOSSIER{len(count)}")
        assignment = _assign(funder_manager, version.project, call, reviewers[0], world_funder)
        submit_review(assignment, (2, 3, 4, 3, 2))
        _assign(funder_manager, version.project, call, reviewers[1], world_funder)
        return version.project

    assert_same_query_count(
        manager_client, _call_url(call), add_dossier, shows=lambda project: project.acronym
    )


def test_manager_assigns_a_reviewer_by_hand_and_the_funder_defaults_to_his(
    manager_client, call, project, funder, world_funder, django_capture_on_commit_callbacks
):
    # Act
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("committee:assign", kwargs={"slug": call.slug}),
            {"project": project.pk, "reviewer": funder.pk, "funder": ""},
            follow=True,
        )

    # Assert
    assignment = Assignment.objects.get(project=project, call=call)
    assert (assignment.reviewer, assignment.funder, assignment.status) == (
        funder,
        world_funder,
        AssignmentStatus.ACTIVE,
    )
    assert response.redirect_chain[-1][0] == f"{_call_url(call)}#dossier-{project.pk}"
    assert "Fanny Financeur évaluera le dossier ROBOCOB pour Banque Régionale" in page_text(
        response
    )
    assert [message.to for message in mail.outbox] == [[funder.email]]


def test_assigning_a_reviewer_in_conflict_shows_the_services_reason_and_keeps_the_choice(
    manager_client, call, version, world_funder
):
    # Arrange: the reviewer works for the project's coordinator.
    project = version.project
    insider = funder_person(
        world_funder,
        "interne@example.org",
        organisation=project.coordinator,
        first_name="Ivan",
        last_name="Interne",
    )

    # Act
    response = manager_client.post(
        reverse("committee:assign", kwargs={"slug": call.slug}),
        {"project": project.pk, "reviewer": insider.pk, "funder": world_funder.pk},
    )

    # Assert
    assert response.status_code == 200
    text = page_text(response)
    assert (
        f"Conflit d'intérêts : {project.coordinator.name}, pour qui il travaille, "
        "est partenaire du projet." in text
    )
    assert f'<option value="{insider.pk}" selected>' in response.content.decode()
    assert not Assignment.objects.filter(project=project).exists()


def test_assigning_the_suggestion_posts_its_reviewer(manager_client, call, project, world_funder):
    # Arrange
    expert = funder_person(world_funder, "expert@example.org")
    page = manager_client.get(_call_url(call)).content.decode()
    assert f'name="reviewer" value="{expert.pk}"' in page

    # Act
    manager_client.post(
        reverse("committee:assign", kwargs={"slug": call.slug}),
        {"project": project.pk, "reviewer": expert.pk, "funder": world_funder.pk},
    )

    # Assert
    assert Assignment.objects.get(project=project).reviewer == expert


def test_assigning_to_a_project_not_submitted_to_the_call_is_not_found(
    manager_client, call, funder, world_funder
):
    # Arrange: a project submitted to another call.
    elsewhere = submitted_dossier(open_call(world_funder, title="Autre appel"), acronym="AILLEURS")

    # Act
    response = manager_client.post(
        reverse("committee:assign", kwargs={"slug": call.slug}),
        {"project": elsewhere.project_id, "reviewer": funder.pk},
    )

    # Assert
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_manager_withdraws_an_assignment(
    manager_client, call, project, funder_manager, funder, world_funder
):
    # Arrange
    assignment = _assign(funder_manager, project, call, funder, world_funder)
    url = reverse("committee:withdraw", kwargs={"slug": call.slug, "pk": assignment.pk})

    # Act
    manager_client.post(url)
    again = manager_client.post(url, follow=True)

    # Assert
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert "Cette assignation n'est plus active." in page_text(again)
    assert AuditEntry.objects.filter(action="review.withdraw").count() == 1


def test_manager_reopens_a_submitted_review(
    manager_client, call, project, funder_manager, funder, world_funder
):
    # Arrange
    review = submit_review(_assign(funder_manager, project, call, funder, world_funder), (3,) * 5)

    # Act
    response = manager_client.post(
        reverse("committee:reopen", kwargs={"slug": call.slug, "pk": review.pk}), follow=True
    )

    # Assert
    review.refresh_from_db()
    assert (review.status, review.reopened_by) == (ReviewStatus.DRAFT, funder_manager)
    assert "L'évaluation de Fanny Financeur sur ROBOCOB est rouverte" in page_text(response)


def test_an_assignment_of_another_call_is_not_found(
    manager_client, call, funder_manager, funder, world_funder
):
    # Arrange
    other_call = open_call(world_funder, title="Autre appel")
    other = submitted_dossier(other_call, acronym="AUTRE")
    assignment = _assign(funder_manager, other.project, other_call, funder, world_funder)

    # Act
    response = manager_client.post(
        reverse("committee:withdraw", kwargs={"slug": call.slug, "pk": assignment.pk})
    )

    # Assert
    assert response.status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ACTIVE


# --- ranking --------------------------------------------------------------------------------


def test_ranking_shows_scores_spread_reviews_eligibility_and_decisions(
    manager_client, call, version, funder_manager, funder, world_funder
):
    # Arrange
    second = funder_person(world_funder, "second@example.org", first_name="Sam", last_name="Deux")
    project = version.project
    submit_review(
        _assign(funder_manager, project, call, funder, world_funder),
        (4, 4, 4, 4, 3),
        committee="Solide, mais le marché reste flou.",
    )
    submit_review(
        _assign(funder_manager, project, call, second, world_funder),
        (3, 3, 3, 3, 3),
        committee="Équipe crédible.",
    )
    record_decision(
        actor=funder_manager, project=project, call=call, funder=world_funder, outcome="not_funded"
    )
    submitted_dossier(call, acronym="ZEBRE")

    # Act
    response = manager_client.get(reverse("committee:ranking", kwargs={"slug": call.slug}))

    # Assert
    text = page_text(response)
    assert "Note /5" in text
    # Rank, acronym, …, eligible, reviews, mean (3.80 and 3.00 → 3,40), spread 0,80, decision.
    row = text[text.index("1 ROBOCOB") :]
    assert "oui 2 3,40 0,80 Non financé pas encore communiquée" in row
    assert "Solide, mais le marché reste flou." in row
    assert "Fanny Financeur · Banque Régionale (financeur) · 3,80 / 5" in row
    assert "— ZEBRE" in text
    assert text.index("ROBOCOB") < text.index("ZEBRE")
    assert "Communiquer 1 décision" in text


def test_ranking_sorts_by_acronym_on_request(
    manager_client, call, version, funder_manager, funder, world_funder
):
    # Arrange: ROBOCOB is scored, AAAA is not.
    submit_review(_assign(funder_manager, version.project, call, funder, world_funder), (2,) * 5)
    submitted_dossier(call, acronym="AAAA")
    url = reverse("committee:ranking", args=[call.slug])

    # Act
    by_score = page_text(manager_client.get(url))
    by_name = page_text(manager_client.get(url, {"tri": "acronyme"}))

    # Assert
    assert by_score.index("ROBOCOB") < by_score.index("AAAA")
    assert by_name.index("AAAA") < by_name.index("ROBOCOB")


def test_ranking_costs_the_same_for_one_dossier_as_for_three(
    manager_client, call, funder_manager, world_funder
):
    reviewers = [funder_person(world_funder, f"eval{i}@example.org") for i in range(2)]
    count = []

    def add_dossier():
        count.append(1)
        version = submitted_dossier(call, acronym=f"CLASSE{len(count)}")
        for reviewer in reviewers:
            submit_review(
                _assign(funder_manager, version.project, call, reviewer, world_funder), (3,) * 5
            )
        organisation, _aid = _partner(version)
        record_decision(
            actor=funder_manager,
            project=version.project,
            call=call,
            funder=world_funder,
            outcome="funded",
            aids={organisation.pk: 1_000},
        )
        return version.project

    assert_same_query_count(
        manager_client,
        reverse("committee:ranking", args=[call.slug]),
        add_dossier,
        shows=lambda project: project.acronym,
    )


# --- decisions ------------------------------------------------------------------------------


def test_decision_page_shows_requested_aid_and_what_other_funders_granted(
    manager_client, call, version, admin, other_world_funder
):
    # Arrange
    call.funders.add(other_world_funder)
    organisation, requested = _partner(version)
    record_decision(
        actor=admin,
        project=version.project,
        call=call,
        funder=other_world_funder,
        outcome="funded",
        aids={organisation.pk: 20_000},
    )

    # Act
    response = manager_client.get(_decision_url(call, version.project))

    # Assert
    text = page_text(response)
    body = response.content.decode()
    assert "Banque Régionale (financeur)" in text
    row = text[text.index(f"{organisation.name} coordinateur") :]
    assert row.startswith(
        f"{organisation.name} coordinateur {requested:,} € Région Bêta : 20 000 € "
        f"{requested - 20_000:,} €".replace(",", " ")
    )
    # Only the manager's funder has a form; the other's decision is shown read-only.
    assert body.count('name="funder"') == 1
    assert "Décisions des autres financeurs Région Bêta · Financé · 20 000 €" in text


def test_manager_records_a_funded_decision_with_aid_per_partner(
    manager_client, call, version, world_funder, funder_manager
):
    # Arrange
    organisation, requested = _partner(version)
    prefix = f"f{world_funder.pk}"

    # Act
    response = manager_client.post(
        _decision_url(call, version.project),
        {
            "funder": world_funder.pk,
            f"{prefix}-outcome": "funded",
            f"{prefix}-comment_applicants": "Financé à hauteur de la moitié.",
            f"{prefix}-aid_{organisation.pk}": requested // 2,
        },
        follow=True,
    )

    # Assert
    decision = Decision.objects.get(project=version.project, funder=world_funder)
    assert (decision.outcome, decision.comment_applicants, decision.decided_by) == (
        "funded",
        "Financé à hauteur de la moitié.",
        funder_manager,
    )
    assert [(aid.organisation, aid.amount_eur) for aid in decision.aids.all()] == [
        (organisation, requested // 2)
    ]
    assert decision.released_at is None
    assert "Décision de Banque Régionale (financeur) enregistrée : Financé." in page_text(response)


def test_decision_errors_show_per_field_and_keep_the_input(
    manager_client, call, version, world_funder
):
    # Arrange
    organisation, requested = _partner(version)
    prefix = f"f{world_funder.pk}"

    # Act
    response = manager_client.post(
        _decision_url(call, version.project),
        {
            "funder": world_funder.pk,
            f"{prefix}-outcome": "funded",
            f"{prefix}-comment_applicants": "Message gardé.",
            f"{prefix}-aid_{organisation.pk}": requested + 1,
        },
    )

    # Assert
    assert response.status_code == 200
    text = page_text(response)
    ceiling = f"{requested:,}".replace(",", " ")
    assert f"l'aide dépasserait celle du dossier ({ceiling} €)" in text
    body = response.content.decode()
    assert f'value="{requested + 1}"' in body
    assert "Message gardé." in body
    assert not Decision.objects.exists()


def test_aid_without_funding_is_refused(manager_client, call, version, world_funder):
    # Arrange
    organisation, _requested = _partner(version)
    prefix = f"f{world_funder.pk}"

    # Act
    response = manager_client.post(
        _decision_url(call, version.project),
        {
            "funder": world_funder.pk,
            f"{prefix}-outcome": "not_funded",
            f"{prefix}-aid_{organisation.pk}": 1_000,
        },
    )

    # Assert
    assert "Une aide ne s'accorde qu'à un projet financé." in page_text(response)
    assert not Decision.objects.exists()


def test_a_manager_may_not_decide_for_a_funder_he_does_not_manage(
    manager_client, call, version, other_world_funder
):
    # Arrange
    call.funders.add(other_world_funder)
    prefix = f"f{other_world_funder.pk}"

    # Act
    response = manager_client.post(
        _decision_url(call, version.project),
        {"funder": other_world_funder.pk, f"{prefix}-outcome": "not_funded"},
    )

    # Assert
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_superuser_decides_for_every_funder_of_the_call(
    client_for, admin, call, version, other_world_funder
):
    # Arrange
    call.funders.add(other_world_funder)

    # Act
    body = client_for(admin).get(_decision_url(call, version.project)).content.decode()

    # Assert
    assert body.count('name="funder"') == 2


def test_decision_of_a_project_not_submitted_to_the_call_is_not_found(
    manager_client, call, world_funder
):
    elsewhere = submitted_dossier(open_call(world_funder, title="Autre"), acronym="AILLEURS")

    response = manager_client.get(_decision_url(call, elsewhere.project))

    assert response.status_code == 404


# --- release --------------------------------------------------------------------------------


def test_release_confirms_then_releases_every_pending_decision(
    manager_client, call, version, world_funder, funder_manager, django_capture_on_commit_callbacks
):
    # Arrange
    organisation, requested = _partner(version)
    record_decision(
        actor=funder_manager,
        project=version.project,
        call=call,
        funder=world_funder,
        outcome="funded",
        aids={organisation.pk: requested},
    )
    submitted_dossier(call, acronym="SANSDEC")
    url = reverse("committee:release", kwargs={"slug": call.slug})

    # Act
    confirmation = page_text(manager_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url, follow=True)

    # Assert
    assert "1 décision sera communiquée" in confirmation
    assert "ROBOCOB — Robots coopératifs" in confirmation
    assert "Banque Régionale (financeur) : Financé" in confirmation
    assert "aucune décision ; il pourra être communiqué plus tard : SANSDEC" in confirmation
    assert "1 décision(s) communiquée(s)" in page_text(response)
    version.project.refresh_from_db()
    assert version.project.status == ProjectStatus.FUNDED
    assert Decision.objects.get().released_at is not None
    assert len(mail.outbox) == 1


def test_release_without_pending_decision_says_so(manager_client, call, version):
    response = manager_client.post(
        reverse("committee:release", kwargs={"slug": call.slug}), follow=True
    )

    assert "Aucune décision à communiquer." in page_text(response)


# --- history --------------------------------------------------------------------------------


def test_history_lists_the_dossiers_audit_entries_newest_first(
    manager_client, call, version, funder_manager, funder, world_funder
):
    # Arrange
    project = version.project
    submit_review(_assign(funder_manager, project, call, funder, world_funder), (3,) * 5)
    record_decision(
        actor=funder_manager, project=project, call=call, funder=world_funder, outcome="not_funded"
    )
    release_decisions(actor=funder_manager, call=call)

    # Act
    response = manager_client.get(
        reverse("committee:history", kwargs={"slug": call.slug, "project_pk": project.pk})
    )

    # Assert
    text = page_text(response)
    labels = ["Décisions communiquées", "Décision d'un financeur", "Évaluation remise"]
    labels += ["Évaluateur assigné", "Dossier déposé"]
    positions = [text.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Hugo Gestionnaire funder.manager@example.org Évaluateur assigné" in text
    assert "Fanny Financeur funder@example.org Évaluation remise" in text


# --- the consortium's project page ----------------------------------------------------------


@pytest.fixture
def decided(call, version, funder_manager, funder, world_funder):
    """ROBOCOB reviewed (with a comment for the applicants) and funded, not yet released."""
    project = version.project
    submit_review(
        _assign(funder_manager, project, call, funder, world_funder),
        (4,) * 5,
        committee="Pour le comité seulement.",
        applicants="Chiffrez mieux le marché export.",
    )
    organisation, requested = _partner(version)
    record_decision(
        actor=funder_manager,
        project=project,
        call=call,
        funder=world_funder,
        outcome="funded",
        comment_applicants="Bienvenue parmi les lauréats.",
        aids={organisation.pk: requested},
    )
    return project


def _coordinator_client(client_for, project):
    user = UserFactory(email="porteur@example.org")
    AffiliationFactory(user=user, organisation=project.coordinator)
    return client_for(user)


def test_before_release_the_consortium_sees_nothing_of_reviews_or_decisions(client_for, decided):
    # Act
    text = page_text(_coordinator_client(client_for, decided).get(decided.get_absolute_url()))

    # Assert
    assert "ROBOCOB" in text
    for hidden in (
        "Décision des financeurs",
        "Bienvenue parmi les lauréats.",
        "Chiffrez mieux le marché export.",
        "Pour le comité seulement.",
        "Fanny",
    ):
        assert hidden not in text


def test_after_release_the_consortium_sees_outcome_aid_message_and_anonymous_comments(
    client_for, decided, call, funder_manager, version
):
    # Arrange
    release_decisions(actor=funder_manager, call=call)
    organisation, requested = _partner(version)

    # Act
    text = page_text(_coordinator_client(client_for, decided).get(decided.get_absolute_url()))

    # Assert
    section = text[text.index("Décision des financeurs") :]
    assert section.startswith(
        "Décision des financeurs Appel du comité Banque Régionale (financeur) Financé"
    )
    amount = f"{requested:,}".replace(",", " ")
    assert f"{organisation.name} {amount} € Total {amount} €" in section
    assert "Message de Banque Régionale (financeur) Bienvenue parmi les lauréats." in section
    assert "Avis des évaluateurs Chiffrez mieux le marché export." in section
    assert "Pour le comité seulement." not in text
    assert "Fanny" not in text and "funder@example.org" not in text


def test_labelling_staff_do_not_see_the_decisions(client_for, decided, call, funder_manager):
    # Arrange: the pôle that labelled ROBOCOB sees the project, not the funders' decisions.
    release_decisions(actor=funder_manager, call=call)
    pole = decided.label_requests.get().pole
    staff = PoleStaffFactory(pole=pole).user

    # Act
    text = page_text(client_for(staff).get(decided.get_absolute_url()))

    # Assert
    assert "ROBOCOB" in text
    assert "Décision des financeurs" not in text


def test_more_information_tells_the_consortium_a_new_version_may_be_submitted(
    client_for, call, version, funder_manager, world_funder
):
    # Arrange
    record_decision(
        actor=funder_manager,
        project=version.project,
        call=call,
        funder=world_funder,
        outcome="more_information",
        comment_applicants="Détaillez le plan de charge du laboratoire.",
    )
    release_decisions(actor=funder_manager, call=call)

    # Act
    text = page_text(
        _coordinator_client(client_for, version.project).get(version.project.get_absolute_url())
    )

    # Assert
    assert "Informations complémentaires demandées" in text
    assert "le coordinateur peut déposer une nouvelle version du dossier" in text
    assert "Détaillez le plan de charge du laboratoire." in text


# --- navigation and admin -------------------------------------------------------------------


def test_committee_entry_in_the_navigation_for_managers_only(
    client_for, funder_manager, funder, admin
):
    def nav(user):
        return page_text(client_for(user).get(reverse("dashboard")))

    assert "Comité" in nav(funder_manager)
    assert "Comité" in nav(admin)
    assert "Comité" not in nav(funder)


def test_admin_reopens_reviews_through_the_service(
    client_for, admin, call, version, funder_manager, funder, world_funder
):
    # Arrange
    review = submit_review(
        _assign(funder_manager, version.project, call, funder, world_funder), (3,) * 5
    )

    # Act
    response = client_for(admin).post(
        reverse("admin:funding_review_changelist"),
        {"action": "reopen", "_selected_action": [review.pk]},
        follow=True,
    )

    # Assert
    review.refresh_from_db()
    assert (review.status, review.reopened_by) == (ReviewStatus.DRAFT, admin)
    assert "1 évaluation(s) rouverte(s)." in page_text(response)
    assert AuditEntry.objects.filter(action="review.reopen").count() == 1


def test_admin_keeps_assignments_reviews_and_decisions_read_only(
    client_for, admin, call, version, funder_manager, funder, world_funder
):
    # Arrange
    assignment = _assign(funder_manager, version.project, call, funder, world_funder)
    review = submit_review(assignment, (3,) * 5)
    client = client_for(admin)

    # Act
    add = client.get(reverse("admin:funding_assignment_add"))
    change = client.get(reverse("admin:funding_review_change", args=[review.pk]))

    # Assert
    assert add.status_code == 403
    assert change.status_code == 200
    body = change.content.decode()
    assert 'name="_save"' not in body
    assert "Caractère innovant" in body


def test_admin_lists_funder_members_for_superusers_only(client_for, admin, animator, funder):
    url = reverse("admin:funding_fundermember_changelist")

    text = page_text(client_for(admin).get(url))
    denied = client_for(animator).get(url)

    assert "funder@example.org" in text and "Évaluateur" in text
    assert denied.status_code == 403
    assert FunderMember.objects.count() == 1
    assert not Review.objects.exists()


def test_admin_edits_a_calls_criteria_inline(client_for, admin, call):
    response = client_for(admin).get(reverse("admin:funding_call_change", args=[call.pk]))

    body = response.content.decode()
    assert 'name="criteria-0-weight"' in body
    assert 'value="Caractère innovant"' in body


def test_history_costs_the_same_for_one_entry_as_for_three(manager_client, call, version):
    project = version.project
    made = []

    def add_entry():
        made.append(
            record(
                actor=None,
                action="review.assign",
                target=project,
                summary=f"Entrée d'historique {len(made):03d}",
            )
        )
        return made[-1]

    assert_same_query_count(
        manager_client,
        reverse("committee:history", kwargs={"slug": call.slug, "project_pk": project.pk}),
        add_entry,
        shows=None,
    )
