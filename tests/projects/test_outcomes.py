"""Outcome reports of funded projects (`projects.outcomes`, `consortium:outcome_*`): who reports,
what is validated, what the consortium reads on the project page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from members.models import Organisation
from projects import outcomes
from projects.models import OutcomeReport, OutcomeStage
from projects.project_forms import ProjectForm, event_choices, past_events
from tests.factories import (
    EventFactory,
    ProjectFactory,
    RegistrationFactory,
    make_funded_project,
)
from tests.helpers import page_text

START = date(2023, 1, 1)


@pytest.fixture
def funded(member, company, lab, pole):
    return make_funded_project(
        actor=member,
        coordinator=company,
        partners=[lab],
        poles=[pole],
        acronym="RETOMB",
        start_date=START,
    )


def figures(**overrides):
    values = {
        "stage": OutcomeStage.FINAL,
        "as_of": timezone.localdate() - timedelta(days=10),
        "products_on_market": 2,
        "products_description": "Cellule cobotique d'usinage.",
        "jobs_created": 5,
        "jobs_kept": 12,
        "patents_filed": 1,
        "follow_on_funding_eur": 1_500_000,
        "follow_on_funding_sources": "Levée de fonds série A",
        "public_summary": "Deux produits commercialisés en France et en Allemagne.",
    }
    values.update(overrides)
    return values


# --- services -------------------------------------------------------------------------------


def test_report_outcome_by_the_coordinator_saves_and_audits(funded, member):
    report = outcomes.report_outcome(actor=member, project=funded, **figures())

    saved = OutcomeReport.objects.get(pk=report.pk)
    assert (saved.jobs_created, saved.reported_by, saved.project) == (5, member, funded)
    entry = AuditEntry.objects.get(action="outcome.report")
    assert entry.actor == member
    assert entry.data["figures"]["follow_on_funding_eur"] == 1_500_000


def test_report_outcome_by_a_partner_is_refused(funded, lab_member):
    with pytest.raises(PermissionDenied):
        outcomes.report_outcome(actor=lab_member, project=funded, **figures())

    assert not OutcomeReport.objects.exists()


def test_report_outcome_on_a_project_not_funded_is_refused_with_its_status(member, company):
    project = ProjectFactory(actor=member, coordinator=company)

    with pytest.raises(outcomes.OutcomeError, match="Idée"):
        outcomes.report_outcome(actor=member, project=project, **figures())


def test_report_outcome_in_the_future_is_refused(funded, member):
    with pytest.raises(ValidationError) as error:
        outcomes.report_outcome(
            actor=member,
            project=funded,
            **figures(as_of=timezone.localdate() + timedelta(days=1)),
        )

    assert error.value.message_dict["as_of"] == ["La date ne peut pas être dans le futur."]


def test_report_outcome_before_the_project_start_is_refused(funded, member):
    with pytest.raises(ValidationError) as error:
        outcomes.report_outcome(
            actor=member, project=funded, **figures(as_of=START - timedelta(days=1))
        )

    assert error.value.message_dict["as_of"] == [
        "La date ne peut pas précéder le début du projet (01/01/2023)."
    ]


def test_report_outcome_with_a_negative_figure_is_refused(funded, member):
    with pytest.raises(ValidationError) as error:
        outcomes.report_outcome(actor=member, project=funded, **figures(jobs_created=-1))

    assert "jobs_created" in error.value.message_dict


def test_report_outcome_twice_for_the_same_stage_and_date_is_refused(funded, member):
    outcomes.report_outcome(actor=member, project=funded, **figures())

    with pytest.raises(ValidationError) as error:
        outcomes.report_outcome(actor=member, project=funded, **figures(jobs_created=8))

    assert "existe déjà" in error.value.message_dict["as_of"][0]
    assert OutcomeReport.objects.count() == 1


def test_update_outcome_changes_the_figures_and_audits_the_fields(funded, member):
    report = outcomes.report_outcome(actor=member, project=funded, **figures())

    outcomes.update_outcome(actor=member, report=report, **figures(jobs_created=9))

    report.refresh_from_db()
    assert report.jobs_created == 9
    assert AuditEntry.objects.get(action="outcome.update").data["fields"] == ["jobs_created"]


def test_latest_outcomes_keeps_the_most_recent_report_per_project(funded, member):
    today = timezone.localdate()
    outcomes.report_outcome(
        actor=member, project=funded, **figures(as_of=today - timedelta(days=400))
    )
    newest = outcomes.report_outcome(
        actor=member,
        project=funded,
        **figures(stage=OutcomeStage.FOLLOW_UP, as_of=today - timedelta(days=5), jobs_created=7),
    )

    assert list(outcomes.latest_outcomes()) == [newest]


# --- views ----------------------------------------------------------------------------------


def test_outcome_form_starts_at_today(funded, member, client_for):
    url = reverse("consortium:outcome_create", args=[funded.pk])

    body = client_for(member).get(url).content.decode()

    assert f'value="{timezone.localdate().isoformat()}"' in body


def test_outcome_form_with_a_future_date_shows_the_error(funded, member, client_for):
    url = reverse("consortium:outcome_create", args=[funded.pk])
    data = figures(as_of=(timezone.localdate() + timedelta(days=3)).isoformat())

    response = client_for(member).post(url, data)

    assert "La date ne peut pas être dans le futur." in page_text(response)
    assert not OutcomeReport.objects.exists()


def test_outcome_form_with_a_negative_figure_shows_the_error(funded, member, client_for):
    url = reverse("consortium:outcome_create", args=[funded.pk])
    data = figures(as_of=timezone.localdate().isoformat(), patents_filed=-2)

    response = client_for(member).post(url, data)

    assert "Un nombre positif ou nul." in page_text(response)


def test_outcome_form_saves_and_returns_to_the_project_section(funded, member, client_for):
    url = reverse("consortium:outcome_create", args=[funded.pk])

    response = client_for(member).post(url, figures(as_of=timezone.localdate().isoformat()))

    assert response["Location"] == f"{funded.get_absolute_url()}#retombees"
    assert OutcomeReport.objects.get().public_summary.startswith("Deux produits")


def test_outcome_form_duplicate_date_is_a_form_error(funded, member, client_for):
    outcomes.report_outcome(actor=member, project=funded, **figures())
    url = reverse("consortium:outcome_create", args=[funded.pk])

    response = client_for(member).post(url, figures(as_of=figures()["as_of"].isoformat()))

    assert "existe déjà à cette date" in page_text(response)


def test_outcome_edit_saves_the_new_figures(funded, member, client_for):
    report = outcomes.report_outcome(actor=member, project=funded, **figures())
    url = reverse("consortium:outcome_edit", args=[funded.pk, report.pk])

    client_for(member).post(url, figures(as_of=report.as_of.isoformat(), jobs_kept=30))

    report.refresh_from_db()
    assert report.jobs_kept == 30


def test_outcome_form_of_a_project_not_funded_answers_404(member, company, client_for):
    project = ProjectFactory(actor=member, coordinator=company, acronym="PASFIN")

    response = client_for(member).get(reverse("consortium:outcome_create", args=[project.pk]))

    assert response.status_code == 404
    assert "PASFIN" not in response.content.decode()


def test_outcome_edit_of_another_projects_report_answers_404(funded, member, company, client_for):
    other = make_funded_project(actor=member, coordinator=company, acronym="AUTRE")
    report = outcomes.report_outcome(actor=member, project=other, **figures())

    response = client_for(member).get(
        reverse("consortium:outcome_edit", args=[funded.pk, report.pk])
    )

    assert response.status_code == 404


def test_project_page_shows_reports_to_a_partner_without_edit_links(
    funded, member, lab_member, client_for
):
    report = outcomes.report_outcome(actor=member, project=funded, **figures())

    text = page_text(client_for(lab_member).get(funded.get_absolute_url()))
    body = client_for(lab_member).get(funded.get_absolute_url()).content.decode()

    assert "Retombées" in text
    assert "Cellule cobotique d'usinage." in text
    assert reverse("consortium:outcome_edit", args=[funded.pk, report.pk]) not in body
    assert reverse("consortium:outcome_create", args=[funded.pk]) not in body


def test_project_page_offers_the_coordinator_to_report(funded, member, client_for):
    body = client_for(member).get(funded.get_absolute_url()).content.decode()

    assert reverse("consortium:outcome_create", args=[funded.pk]) in body


def test_project_page_of_a_project_not_funded_has_no_outcome_section(member, company, client_for):
    project = ProjectFactory(actor=member, coordinator=company)

    text = page_text(client_for(member).get(project.get_absolute_url()))

    assert "Déclarer les retombées" not in text


# --- the event a project was born at (project form) ------------------------------------------


def test_project_form_offers_past_published_events_the_users_first(member, pole):
    now = timezone.now()
    attended = EventFactory(
        pole=pole,
        title="Atelier composites",
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=40) + timedelta(hours=3),
    )
    RegistrationFactory(event=attended, user=member)
    other = EventFactory(
        pole=pole,
        title="Conférence IA",
        starts_at=now - timedelta(days=20),
        ends_at=now - timedelta(days=20) + timedelta(hours=3),
    )
    EventFactory(pole=pole, title="Atelier à venir")
    EventFactory(
        pole=pole,
        title="Brouillon passé",
        is_published=False,
        starts_at=now - timedelta(days=5),
        ends_at=now - timedelta(days=5) + timedelta(hours=3),
    )

    choices = event_choices(past_events(), member)

    assert choices[0] == ("", "Aucun")
    (mine_label, mine), (others_label, others) = choices[1:]
    assert (str(mine_label), [pk for pk, _label in mine]) == ("Mes événements", [attended.pk])
    assert [pk for pk, _label in others] == [other.pk]
    assert str(others_label) == "Autres événements du réseau"


def test_project_form_accepts_an_empty_origin_event(member, company):
    form = ProjectForm(
        {"coordinator": company.pk, "acronym": "NEUF", "title": "Titre", "summary": "Résumé"},
        organisations=Organisation.objects.filter(pk=company.pk),
        user=member,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["origin_event"] is None


def test_project_edit_saves_the_origin_event(member, company, pole, client_for):
    now = timezone.now()
    event = EventFactory(
        pole=pole, starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=8)
    )
    project = ProjectFactory(actor=member, coordinator=company)

    client_for(member).post(
        reverse("consortium:edit", args=[project.pk]),
        {
            "acronym": project.acronym,
            "title": project.title,
            "summary": project.summary,
            "call": project.call_id,
            "origin_event": event.pk,
        },
    )

    project.refresh_from_db()
    assert project.origin_event == event


def test_outcome_form_shows_date_and_figure_errors_together(funded, member, client_for):
    url = reverse("consortium:outcome_create", args=[funded.pk])
    data = figures(as_of="2019-06-01", jobs_created=-1)

    text = page_text(client_for(member).post(url, data))

    assert "La date ne peut pas précéder le début du projet (01/01/2023)." in text
    assert "Un nombre positif ou nul." in text
