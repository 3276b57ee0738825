"""Labelling pages: pôle staff read the projects asked to their pôles and record decisions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import consortium
from projects.models import LabelRequest, LabelStatus, Project, ProjectStatus
from tests.factories import (
    CallFactory,
    OrganisationFactory,
    ProjectFactory,
    RegionFactory,
    add_partner,
)
from tests.funding.dossier_setup import set_expenses
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

LIST = reverse("labelling:list")


def _ask(project, pole, actor):
    [label_request] = consortium.request_labels(actor=actor, project=project, poles=[pole])
    return label_request


@pytest.fixture
def project(member, company, lab):
    """DRONEX, coordinated by `company` (for which `member` works) with `lab`, for an open call."""
    project = ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="DRONEX",
        title="Drone d'inspection en composite",
        summary="Un drone d'inspection à structure composite imprimée.",
    )
    set_expenses(project.partners.get(organisation=company), 400_000)
    set_expenses(add_partner(project, lab, role="Essais en vol", cost_basis="marginal"), 300_000)
    set_expenses(
        add_partner(project, OrganisationFactory(name="Usinage Occitan"), role="Usinage"),
        300_000,
    )
    return project


@pytest.fixture
def label_request(project, pole, member):
    return _ask(project, pole, member)


@pytest.fixture
def other_request(other_pole):
    """A project of someone else, asked to Pôle Bêta only."""
    other = ProjectFactory(acronym="BRETON", title="Projet breton")
    return _ask(other, other_pole, other.created_by)


def _decide_url(label_request):
    return reverse("labelling:decide", args=[label_request.pk])


def _decision(**overrides):
    return {
        "decision": "labelled",
        "committee_date": timezone.localdate().isoformat(),
        "comments": "Projet solide ; précisez le plan d'exploitation.",
        **overrides,
    }


# --- The list ---------------------------------------------------------------------------------


def test_labelling_list_for_animator_shows_his_poles_requests_only(
    client_for, animator, label_request, other_request
):
    text = page_text(client_for(animator).get(LIST))

    assert "DRONEX" in text
    assert "Drone d'inspection en composite" in text
    assert "Ateliers Durand" in text
    assert "Demandé" in text
    assert "BRETON" not in text
    assert "1 demande à décider" in text


def test_labelling_list_puts_pending_requests_first(
    client_for, animator, admin, pole, label_request
):
    decided_project = ProjectFactory(acronym="DECIDE")
    decided = _ask(decided_project, pole, decided_project.created_by)
    consortium.decide_label(
        actor=admin, label_request=decided, labelled=False, committee_date=timezone.localdate()
    )
    later = ProjectFactory(
        acronym="PLUSTARD", call=CallFactory(closes_at=timezone.now() + timedelta(days=200))
    )
    _ask(later, pole, later.created_by)

    text = page_text(client_for(animator).get(LIST))

    assert text.index("DRONEX") < text.index("PLUSTARD") < text.index("DECIDE")


def test_labelling_list_for_superuser_shows_every_request(
    client_for, admin, label_request, other_request
):
    text = page_text(client_for(admin).get(LIST))

    assert "DRONEX" in text and "BRETON" in text


@pytest.mark.parametrize("persona", ["outsider", "member", "lab_member", "funder"], indirect=True)
def test_labelling_list_forbidden_to_people_who_animate_no_pole(client_for, persona):
    response = client_for(persona).get(LIST)

    assert response.status_code == 403


def test_labelling_list_for_anonymous_redirects_to_login(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_labelling_list_costs_the_same_queries_for_one_or_three_requests(
    client_for, animator, pole
):
    def add_request():
        project = ProjectFactory()
        return _ask(project, pole, project.created_by)

    assert_same_query_count(
        client_for(animator), LIST, add_request, shows=lambda request: request.project.acronym
    )


def test_labelling_nav_entry_for_pole_staff_only(client_for, animator, member):
    assert 'href="/labellisation/"' in client_for(animator).get("/").content.decode()
    assert 'href="/labellisation/"' not in client_for(member).get("/").content.decode()


# --- The decision page ----------------------------------------------------------------------


def test_decide_page_shows_the_confidential_project_and_the_form(
    client_for, animator, label_request
):
    response = client_for(animator).get(_decide_url(label_request))

    text = page_text(response)
    assert "DRONEX — Drone d'inspection en composite" in text
    assert "Un drone d'inspection à structure composite imprimée." in text
    for partner in ("Ateliers Durand", "Laboratoire des Matériaux", "Usinage Occitan"):
        assert partner in text
    assert "Essais en vol" in text
    assert "1 000 000 €" in text  # total expenses in the aid table
    assert "Respectée" in text  # the checklist
    assert "Pôle Alpha · pôle chef de file" in text
    body = response.content.decode()
    assert 'name="decision"' in body and 'name="committee_date"' in body
    assert 'name="confirm_late"' not in body


@pytest.mark.parametrize(
    "persona", ["other_animator", "member", "lab_member", "outsider", "funder"], indirect=True
)
def test_decide_page_not_found_outside_the_users_poles(client_for, persona, label_request):
    response = client_for(persona).get(_decide_url(label_request))

    assert response.status_code == 404
    assert "DRONEX" not in response.content.decode()


def test_decide_post_by_other_pole_staff_not_found_and_nothing_recorded(
    client_for, other_animator, label_request
):
    response = client_for(other_animator).post(_decide_url(label_request), _decision())

    assert response.status_code == 404
    label_request.refresh_from_db()
    assert label_request.status == LabelStatus.REQUESTED


def test_decide_labelled_records_decision_and_mails_consortium(
    client_for,
    animator,
    member,
    lab_member,
    label_request,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = client_for(animator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide_url(label_request), _decision(), follow=True)

    label_request.refresh_from_db()
    assert label_request.status == LabelStatus.LABELLED
    assert label_request.committee_date == timezone.localdate()
    assert label_request.decided_by == animator
    assert Project.objects.get(pk=label_request.project_id).status == ProjectStatus.LABELLED
    assert response.redirect_chain == [(LIST, 302)]
    assert "Décision enregistrée : DRONEX est labellisé par Pôle Alpha." in page_text(response)
    [mail] = mailoutbox
    assert mail.subject == "[Pôles] Pôle Alpha labellise le projet DRONEX"
    assert {"member@example.org", "lab@example.org"} <= set(mail.to)
    assert "Projet solide ; précisez le plan d'exploitation." in mail.body


def test_decide_refused_sends_project_back_to_consortium(
    client_for, animator, label_request, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(animator).post(_decide_url(label_request), _decision(decision="refused"))

    label_request.refresh_from_db()
    assert label_request.status == LabelStatus.REFUSED
    assert Project.objects.get(pk=label_request.project_id).status == ProjectStatus.CONSORTIUM
    assert mailoutbox[0].subject == "[Pôles] Pôle Alpha ne labellise pas le projet DRONEX"


def test_decide_with_committee_in_future_refused_and_input_kept(
    client_for, animator, label_request
):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client_for(animator).post(
        _decide_url(label_request), _decision(committee_date=tomorrow)
    )

    assert response.status_code == 200
    assert "Le comité ne peut pas être daté du futur." in page_text(response)
    assert f'value="{tomorrow}"' in response.content.decode()
    assert "précisez le plan d&#x27;exploitation" in response.content.decode()
    label_request.refresh_from_db()
    assert label_request.status == LabelStatus.REQUESTED


@pytest.fixture
def late_request(pole, member, company):
    """A request for a project whose call closed ten days ago."""
    now = timezone.now()
    project = ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="TARDIF",
        call=CallFactory(opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=10)),
    )
    return _ask(project, pole, member)


def test_decide_after_deadline_asks_confirmation_first(client_for, animator, late_request):
    two_days_ago = (timezone.localdate() - timedelta(days=2)).isoformat()

    response = client_for(animator).post(
        _decide_url(late_request), _decision(committee_date=two_days_ago)
    )

    text = page_text(response)
    assert "le label ne comptera pas pour cet appel" in text
    assert 'name="confirm_late"' in response.content.decode()
    late_request.refresh_from_db()
    assert late_request.status == LabelStatus.REQUESTED


def test_decide_after_deadline_confirmed_records_and_warns(client_for, animator, late_request):
    two_days_ago = timezone.localdate() - timedelta(days=2)

    response = client_for(animator).post(
        _decide_url(late_request),
        _decision(committee_date=two_days_ago.isoformat(), confirm_late="on"),
        follow=True,
    )

    late_request.refresh_from_db()
    assert late_request.status == LabelStatus.LABELLED
    assert not late_request.counts_for(late_request.project.call)
    assert "Ce label ne comptera pas pour l'appel" in page_text(response)
    page = page_text(client_for(animator).get(_decide_url(late_request)))
    assert "ce label ne compte pas pour cet appel" in page
    assert "après la date limite" in page_text(client_for(animator).get(LIST))


def test_decide_refusal_after_deadline_needs_no_confirmation(client_for, animator, late_request):
    client_for(animator).post(
        _decide_url(late_request),
        _decision(decision="refused", committee_date=timezone.localdate().isoformat()),
    )

    late_request.refresh_from_db()
    assert late_request.status == LabelStatus.REFUSED


def test_decide_on_withdrawn_project_shows_the_reason(client_for, animator, member, label_request):
    consortium.withdraw_project(actor=member, project=label_request.project)

    response = client_for(animator).post(_decide_url(label_request), _decision())

    assert "Le projet est « Abandonné » : il ne peut plus être modifié." in page_text(response)
    assert LabelRequest.objects.get(pk=label_request.pk).status == LabelStatus.REQUESTED


def test_decide_page_of_decided_request_offers_to_change_it(
    client_for, animator, admin, label_request
):
    consortium.decide_label(
        actor=admin,
        label_request=label_request,
        labelled=True,
        committee_date=timezone.localdate(),
        comments="Avis favorable.",
    )

    response = client_for(animator).get(_decide_url(label_request))

    text = page_text(response)
    assert "Modifier la décision du comité" in text
    assert "Décision enregistrée : Labellisé" in text
    assert "Avis favorable." in response.content.decode()


def test_decide_region_of_lab_counts_in_the_territory_shown(
    client_for, animator, label_request, lab
):
    # Pôle Alpha's territory is Occitanie (76) and Nouvelle-Aquitaine (75); the lab is in 76.
    assert lab.region == RegionFactory(code="76")

    text = page_text(client_for(animator).get(_decide_url(label_request)))

    assert "Laboratoire des Matériaux Recherche publique oui" in text
