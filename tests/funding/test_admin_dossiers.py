"""The admin of projects, label requests, invitations and dossiers: scoped to the animator's
pôles, read-only, decisions through the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from funding.dossiers import submit_project
from funding.models import DossierFile, DossierVersion
from projects import consortium
from projects.models import Invitation, LabelStatus, ProjectStatus
from tests.factories import (
    OrganisationFactory,
    PoleStaffFactory,
    ProjectFactory,
    RegionFactory,
)
from tests.funding.dossier_setup import make_consortium
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    """DRONEX, labelled by its pôle and submitted (version 1)."""
    team = make_consortium(
        acronym="DRONEX",
        coordinator=OrganisationFactory(name="Cobotix Systèmes"),
        company=OrganisationFactory(name="Usinage du Rhône", region=RegionFactory(code="84")),
    )
    team.version = submit_project(actor=team.actor, project=team.project)
    return team


@pytest.fixture
def team_animator(team):
    return PoleStaffFactory(pole=team.pole, user__email="anim.rhone@example.org").user


@pytest.fixture
def elsewhere(other_pole):
    """BRETON, asked to Pôle Bêta only, with a pending invitation."""
    project = ProjectFactory(acronym="BRETON", title="Projet breton")
    [request] = consortium.request_labels(
        actor=project.created_by, project=project, poles=[other_pole]
    )
    consortium.invite_organisation(
        actor=project.created_by,
        project=project,
        organisation=OrganisationFactory(name="Invitée Bretonne"),
    )
    return request


def _admin(name, *args):
    return reverse(f"admin:{name}", args=args)


# --- Projects --------------------------------------------------------------------------------


def test_admin_project_list_scoped_to_the_animators_poles(
    client_for, team_animator, team, elsewhere
):
    text = page_text(client_for(team_animator).get(_admin("projects_project_changelist")))

    assert "DRONEX" in text
    assert "Cobotix Systèmes" in text
    assert "BRETON" not in text


def test_admin_project_list_for_superuser_shows_all(client_for, admin, team, elsewhere):
    text = page_text(client_for(admin).get(_admin("projects_project_changelist")))

    assert "DRONEX" in text and "BRETON" in text


@pytest.mark.parametrize("who", ["team_animator", "admin"])
def test_admin_project_page_shows_consortium_labels_and_dossiers(client_for, request, who, team):
    user = request.getfixturevalue(who)

    response = client_for(user).get(_admin("projects_project_change", team.project.pk))

    text = page_text(response)
    assert response.status_code == 200
    for name in ("Cobotix Systèmes", "Usinage du Rhône", team.pole.name, team.version.reference):
        assert name in text
    assert "Labellisé" in text
    assert 'name="_save"' not in response.content.decode()


def test_admin_project_of_other_pole_hidden_from_animator(client_for, team_animator, elsewhere):
    url = _admin("projects_project_change", elsewhere.project_id)

    response = client_for(team_animator).get(url, follow=True)

    assert "Projet breton" not in page_text(response)


def test_admin_project_add_and_delete_refused(client_for, admin, team):
    client = client_for(admin)

    assert client.get(_admin("projects_project_add")).status_code == 403
    assert client.get(_admin("projects_project_delete", team.project.pk)).status_code == 403


def test_admin_outcome_action_records_through_service_for_superuser(client_for, admin, team):
    response = client_for(admin).post(
        _admin("projects_project_changelist"),
        {"action": "mark_funded", "_selected_action": [team.project.pk]},
        follow=True,
    )

    team.project.refresh_from_db()
    assert team.project.status == ProjectStatus.FUNDED
    assert "1 projet mis à jour." in page_text(response)
    assert AuditEntry.objects.for_object(team.project).first().action == "project.outcome"


def test_admin_outcome_action_not_offered_to_animator(client_for, team_animator, team):
    body = client_for(team_animator).get(_admin("projects_project_changelist")).content.decode()

    assert "mark_funded" not in body


def test_admin_not_open_to_members(client_for, member):
    response = client_for(member).get(_admin("projects_project_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- Label requests --------------------------------------------------------------------------


@pytest.fixture
def pending(pole, member, company):
    project = ProjectFactory(actor=member, coordinator=company, acronym="ALPHA1")
    [request] = consortium.request_labels(actor=member, project=project, poles=[pole])
    return request


def test_admin_label_requests_scoped_to_the_animators_poles(
    client_for, animator, pending, elsewhere
):
    text = page_text(client_for(animator).get(_admin("projects_labelrequest_changelist")))

    assert "ALPHA1" in text
    assert "BRETON" not in text


def test_admin_record_decision_action_shows_its_form_first(client_for, animator, pending):
    response = client_for(animator).post(
        _admin("projects_labelrequest_changelist"),
        {"action": "record_decision", "_selected_action": [pending.pk]},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="committee_date"' in body and 'name="decision"' in body
    assert "ALPHA1" in page_text(response)
    pending.refresh_from_db()
    assert pending.status == LabelStatus.REQUESTED


def test_admin_record_decision_action_decides_through_service(
    client_for, animator, member, pending, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(animator).post(
            _admin("projects_labelrequest_changelist"),
            {
                "action": "record_decision",
                "_selected_action": [pending.pk],
                "apply": "1",
                "decision": "labelled",
                "committee_date": timezone.localdate().isoformat(),
                "comments": "Favorable.",
            },
            follow=True,
        )

    pending.refresh_from_db()
    assert pending.status == LabelStatus.LABELLED
    assert pending.decided_by == animator
    assert "1 décision enregistrée" in page_text(response)
    entry = AuditEntry.objects.for_object(pending.project).first()
    assert (entry.action, entry.actor) == ("project.label_decision", animator)
    assert [mail.subject for mail in mailoutbox] == [
        "[Pôles] Pôle Alpha labellise le projet ALPHA1"
    ]


def test_admin_record_decision_with_future_date_reports_error(client_for, animator, pending):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    response = client_for(animator).post(
        _admin("projects_labelrequest_changelist"),
        {
            "action": "record_decision",
            "_selected_action": [pending.pk],
            "apply": "1",
            "decision": "labelled",
            "committee_date": tomorrow.isoformat(),
        },
        follow=True,
    )

    assert "Le comité ne peut pas être daté du futur." in page_text(response)
    pending.refresh_from_db()
    assert pending.status == LabelStatus.REQUESTED


def test_admin_record_decision_on_other_pole_request_changes_nothing(
    client_for, animator, elsewhere
):
    client_for(animator).post(
        _admin("projects_labelrequest_changelist"),
        {
            "action": "record_decision",
            "_selected_action": [elsewhere.pk],
            "apply": "1",
            "decision": "labelled",
            "committee_date": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    elsewhere.refresh_from_db()
    assert elsewhere.status == LabelStatus.REQUESTED


def test_admin_label_request_page_is_read_only_with_link_to_portal(client_for, animator, pending):
    response = client_for(animator).get(_admin("projects_labelrequest_change", pending.pk))

    body = response.content.decode()
    assert reverse("labelling:decide", args=[pending.pk]) in body
    assert 'name="_save"' not in body


# --- Invitations -----------------------------------------------------------------------------


def test_admin_invitations_read_only_and_scoped(client_for, admin, elsewhere, other_animator):
    invitation = Invitation.objects.get(project=elsewhere.project)

    for user in (admin, other_animator):
        text = page_text(client_for(user).get(_admin("projects_invitation_changelist")))
        assert "Invitée Bretonne" in text
    assert client_for(admin).get(_admin("projects_invitation_add")).status_code == 403
    change = client_for(admin).get(_admin("projects_invitation_change", invitation.pk))
    assert 'name="_save"' not in change.content.decode()


def test_admin_invitations_of_other_poles_hidden(client_for, animator, elsewhere):
    text = page_text(client_for(animator).get(_admin("projects_invitation_changelist")))

    assert "Invitée Bretonne" not in text


# --- Dossiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["team_animator", "admin"])
def test_admin_dossier_version_pages_render_the_frozen_content(client_for, request, who, team):
    client = client_for(request.getfixturevalue(who))

    listing = page_text(client.get(_admin("funding_dossierversion_changelist")))
    response = client.get(_admin("funding_dossierversion_change", team.version.pk))

    assert team.version.reference in listing
    text = page_text(response)
    assert "Cobotix Systèmes" in text and "Usinage du Rhône" in text
    assert '"acronym": "DRONEX"' in response.content.decode().replace("&quot;", '"')
    assert reverse("dossiers:pdf", args=[team.version.pk]) in response.content.decode()
    assert "Lettre de soutien de la Région" in text  # the copied piece, inline
    assert 'name="_save"' not in response.content.decode()


def test_admin_dossier_version_names_the_submitter_without_a_link_to_accounts(
    client_for, team_animator, team
):
    response = client_for(team_animator).get(
        _admin("funding_dossierversion_change", team.version.pk)
    )

    submitter = team.version.submitted_by
    assert submitter.email in page_text(response)
    assert reverse("admin:members_user_change", args=[submitter.pk]) not in (
        response.content.decode()
    )


def test_admin_dossier_versions_hidden_from_other_pole(client_for, animator, team):
    text = page_text(client_for(animator).get(_admin("funding_dossierversion_changelist")))

    assert team.version.reference not in text


@pytest.mark.parametrize("model", ["dossierversion", "dossierfile"])
def test_admin_dossiers_cannot_be_added_changed_or_deleted(client_for, admin, team, model):
    client = client_for(admin)
    obj = team.version if model == "dossierversion" else DossierFile.objects.get()

    add = client.get(_admin(f"funding_{model}_add"))
    delete = client.post(_admin(f"funding_{model}_delete", obj.pk), {"post": "yes"})
    change = client.post(_admin(f"funding_{model}_change", obj.pk), {"title": "Autre"})

    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    assert DossierVersion.objects.count() == 1
    assert DossierFile.objects.get().title == "Lettre de soutien de la Région"


def test_admin_dossier_files_listed_for_animator(client_for, team_animator, team):
    text = page_text(client_for(team_animator).get(_admin("funding_dossierfile_changelist")))

    assert "Lettre de soutien de la Région" in text


def test_admin_call_list_counts_dossiers(client_for, admin, team):
    response = client_for(admin).get(_admin("funding_call_changelist"))

    text = page_text(response)
    assert "Versions de dossier déposées" in text
    assert f"{team.project.call.title} {team.project.call.slug}" in text
