"""Submitting a project and reading its frozen dossier versions (page, PDF, CSV, pieces)."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from funding.dossier_views import is_local_resource, local_only_fetcher
from funding.models import Call, DossierFile, DossierImmutable, DossierVersion
from projects import consortium
from projects.models import Project, ProjectStatus
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    UserFactory,
)
from tests.funding.dossier_setup import PDF_BYTES, make_consortium
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_consortium(
        acronym="DRONEX",
        title="Drone d'inspection en composite",
        coordinator=OrganisationFactory(name="Cobotix Systèmes"),
        company=OrganisationFactory(name="Usinage du Rhône", region=RegionFactory(code="84")),
        lab=ResearchOrganisationFactory(name="Laboratoire Matériaux Toulouse"),
    )


@pytest.fixture
def coordinator(team, client_for):
    return client_for(team.actor)


@pytest.fixture
def lab_person(team):
    return AffiliationFactory(organisation=team.lab_part.organisation).user


def _submit_url(project):
    return reverse("dossiers:submit", kwargs={"pk": project.pk})


def _submit(team, **kwargs):
    from funding.dossiers import submit_project

    return submit_project(actor=team.actor, project=team.project, **kwargs)


# --- Submission -----------------------------------------------------------------------------


def test_submit_page_summarises_what_will_be_frozen(team, coordinator):
    response = coordinator.get(_submit_url(team.project))

    text = page_text(response)
    assert "Déposer le dossier de DRONEX" in text
    assert "Le projet respecte les règles de l'appel et peut être déposé." in text
    for name in ("Cobotix Systèmes", "Usinage du Rhône", "Laboratoire Matériaux Toulouse"):
        assert name in text
    assert "1 000 000 €" in text
    assert "Déposer la version 1" in text


def test_submit_post_freezes_version_one_and_shows_it(team, coordinator):
    response = coordinator.post(_submit_url(team.project), follow=True)

    version = DossierVersion.objects.get(project=team.project)
    assert response.redirect_chain == [(reverse("dossiers:detail", args=[version.pk]), 302)]
    assert version.number == 1
    assert version.reference.endswith(f"-{team.project.pk:05d}-v1")
    assert [part["organisation"]["name"] for part in version.content["partners"]] == [
        "Cobotix Systèmes",
        "Usinage du Rhône",
        "Laboratoire Matériaux Toulouse",
    ]
    team.project.refresh_from_db()
    assert team.project.status == ProjectStatus.SUBMITTED
    text = page_text(response)
    assert f"Dossier déposé : version 1, référence {version.reference}." in text
    assert "Lettre de soutien de la Région" in text
    assert hashlib.sha256(PDF_BYTES).hexdigest() in text


def test_submit_twice_makes_version_two_and_keeps_version_one_as_it_was(team, coordinator):
    first = _submit(team)
    frozen = DossierVersion.objects.get(pk=first.pk).content
    part = team.lab_part
    consortium.update_part(
        actor=AffiliationFactory(organisation=part.organisation).user,
        partner=part,
        version=part.version,
        expenses_personnel_eur=350_000,
    )
    Project.objects.filter(pk=team.project.pk).update(title="Titre modifié après dépôt")

    response = coordinator.post(_submit_url(team.project), follow=True)

    second = DossierVersion.objects.get(project=team.project, number=2)
    assert DossierVersion.objects.get(pk=first.pk).content == frozen
    assert second.content["partners"][2]["total_expenses_eur"] == 350_000
    assert second.content["project"]["title"] == "Titre modifié après dépôt"
    assert "Version 1" in page_text(response)
    first_page = page_text(coordinator.get(reverse("dossiers:detail", args=[first.pk])))
    assert "Drone d'inspection en composite" in first_page
    assert "Titre modifié après dépôt" not in first_page
    assert "300 000 €" in first_page


def test_submit_after_deadline_refused_with_message_and_nothing_written(team, coordinator):
    now = timezone.now()
    Call.objects.filter(pk=team.project.call_id).update(
        opens_at=now - timedelta(days=90), closes_at=now - timedelta(minutes=5)
    )

    response = coordinator.post(_submit_url(team.project))

    text = page_text(response)
    assert response.status_code == 200
    assert "Le dossier n'a pas été déposé." in text
    assert "La date limite de l'appel" in text and "est passée" in text
    assert not DossierVersion.objects.filter(project=team.project).exists()
    team.project.refresh_from_db()
    assert team.project.status == ProjectStatus.LABELLED


def test_submit_unlabelled_project_refused_with_message(client_for):
    team = make_consortium(acronym="NOLAB")
    Project.objects.filter(pk=team.project.pk).update(status=ProjectStatus.CONSORTIUM)

    response = client_for(team.actor).post(_submit_url(team.project))

    assert "il doit être labellisé pour être déposé" in page_text(response)
    assert not DossierVersion.objects.exists()


def test_submit_by_other_partner_forbidden(team, lab_person, client_for):
    client = client_for(lab_person)

    assert client.get(_submit_url(team.project)).status_code == 403
    assert client.post(_submit_url(team.project)).status_code == 403
    assert not DossierVersion.objects.exists()


def test_submit_outside_project_not_found(team, client_for):
    response = client_for(UserFactory()).post(_submit_url(team.project))

    assert response.status_code == 404
    assert "DRONEX" not in response.content.decode()


# --- A frozen version -----------------------------------------------------------------------


def test_dossier_page_reads_frozen_content_not_live_data(team, coordinator):
    version = _submit(team)
    Project.objects.filter(pk=team.project.pk).update(summary="Résumé réécrit")
    team.coordinator_part.organisation.__class__.objects.filter(
        pk=team.coordinator_part.organisation_id
    ).update(name="Cobotix Renommée")

    text = page_text(coordinator.get(reverse("dossiers:detail", args=[version.pk])))

    assert "Cellule robotisée pour l'usinage de pièces composites." in text
    assert "Résumé réécrit" not in text
    assert "Cobotix Systèmes" in text
    assert "Cobotix Renommée" not in text
    assert "Labellisé" in text and "Projet solide, marché crédible." in text
    assert "Respectée" in text
    assert version.reference in text


def test_dossier_pdf_is_a4_paginated_and_contains_the_frozen_content(team, coordinator):
    version = _submit(team)

    response = coordinator.get(reverse("dossiers:pdf", args=[version.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "DRONEX",
        "Cobotix Systèmes",
        "Usinage du Rhône",
        "Laboratoire Matériaux Toulouse",
        version.reference,
        f"page 1 / {len(reader.pages)}",
    ):
        assert expected in text.replace("\n", " ")
    # The checksum wraps in its narrow column.
    assert hashlib.sha256(PDF_BYTES).hexdigest() in "".join(text.split())
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


def test_pdf_url_fetcher_refuses_anything_but_local_static_files(settings):
    logo = (settings.BASE_DIR / "static" / "img" / "logo.svg").as_uri()
    fetcher = local_only_fetcher()

    assert is_local_resource(logo)
    assert is_local_resource("data:text/css,p{}")
    assert not is_local_resource("https://example.org/style.css")
    assert not is_local_resource("http://127.0.0.1:8000/static/css/portal.css")
    assert not is_local_resource((settings.BASE_DIR / "config" / "settings.py").as_uri())
    assert not is_local_resource("file:///etc/passwd")
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch("https://example.org/font.woff2")
    resource = fetcher.fetch(logo)
    try:
        assert b"<svg" in resource.read()
    finally:
        resource.close()


def test_dossier_budget_csv_has_header_one_line_per_partner_and_total(team, coordinator):
    version = _submit(team)

    response = coordinator.get(reverse("dossiers:csv", args=[version.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{version.reference}-budget.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Partenaire", "Catégorie", "Région de R&D"]
    assert rows[0][-3:] == ["Total des dépenses", "Taux d'aide", "Aide"]
    assert [row[0] for row in rows[1:]] == [
        "Cobotix Systèmes",
        "Usinage du Rhône",
        "Laboratoire Matériaux Toulouse",
        "Total",
    ]
    assert rows[1][8] == "400000"
    assert rows[3][9] == "100 %"
    assert rows[-1][8] == "1000000"
    assert rows[-1][-1] == str(version.total_aid_eur)


def test_dossier_piece_is_the_copy_made_at_submission(team, coordinator):
    version = _submit(team)
    copy = DossierFile.objects.get(version=version)
    consortium.delete_attachment(
        actor=team.actor, attachment=team.coordinator_part.attachments.get()
    )

    response = coordinator.get(reverse("dossiers:file", args=[version.pk, copy.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == PDF_BYTES
    assert hashlib.sha256(body).hexdigest() == copy.sha256


def test_dossier_piece_of_another_version_not_found(team, coordinator):
    version = _submit(team)
    other = make_consortium(acronym="AUTRE")
    other_version = _submit(other)
    other_file = DossierFile.objects.get(version=other_version)

    response = coordinator.get(reverse("dossiers:file", args=[version.pk, other_file.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["detail", "pdf", "csv", "file"])
def test_dossier_urls_not_found_outside_the_project(team, client_for, name, other_animator):
    version = _submit(team)
    kwargs = {"pk": version.pk}
    if name == "file":
        kwargs["file_pk"] = DossierFile.objects.get(version=version).pk
    url = reverse(f"dossiers:{name}", kwargs=kwargs)

    for user in (UserFactory(), other_animator, AffiliationFactory().user):
        response = client_for(user).get(url)
        assert response.status_code == 404
        assert b"DRONEX" not in response.content


@pytest.mark.parametrize("name", ["detail", "csv"])
def test_dossier_urls_open_to_every_partner_and_the_labelling_pole(team, client_for, name):
    version = _submit(team)
    url = reverse(f"dossiers:{name}", kwargs={"pk": version.pk})
    staff = team.pole.staff.create(user=UserFactory(is_staff=True), role="animator").user

    for user in (AffiliationFactory(organisation=team.lab_part.organisation).user, staff):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "Cobotix Systèmes" in response.content.decode("utf-8-sig")


# --- Immutability -----------------------------------------------------------------------------


def test_dossier_version_cannot_be_saved_updated_or_deleted(team):
    version = _submit(team)

    version.eligible = False
    with pytest.raises(DossierImmutable):
        version.save()
    with pytest.raises(DossierImmutable):
        version.delete()
    with pytest.raises(DossierImmutable):
        DossierVersion.objects.filter(pk=version.pk).update(eligible=False)
    with pytest.raises(DossierImmutable):
        DossierVersion.objects.filter(pk=version.pk).delete()
    assert DossierVersion.objects.get(pk=version.pk).eligible is True


def test_dossier_file_cannot_be_saved_or_deleted(team):
    copy = DossierFile.objects.get(version=_submit(team))

    copy.title = "Autre titre"
    with pytest.raises(DossierImmutable):
        copy.save()
    with pytest.raises(DossierImmutable):
        copy.delete()
    assert DossierFile.objects.get(pk=copy.pk).title == "Lettre de soutien de la Région"
