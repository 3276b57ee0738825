"""Project pages of the consortium (`consortium:*`): what they show, what the forms do."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects import consortium
from projects.models import (
    LabelRequest,
    LabelStatus,
    PartAttachment,
    Project,
    ProjectPartner,
    ProjectStatus,
)
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    OrganisationFactory,
    PartnerSearchFactory,
    PoleFactory,
    ProjectFactory,
    RegionFactory,
    UserFactory,
    add_partner,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Set-up -----------------------------------------------------------------------------------


@pytest.fixture
def call(db):
    return CallFactory(title="AAP FUI n°30")


@pytest.fixture
def project(member, company, lab, call):
    """DRONIX, coordinated by `company` (member), with `lab` as partner; parts filled in."""
    project = ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="DRONIX",
        title="Drone d'inspection composite",
        summary="Un drone d'inspection à structure composite imprimée.",
        call=call,
    )
    ProjectPartner.objects.filter(project=project, organisation=company).update(
        role="Intégrateur du drone",
        rd_region=RegionFactory(code="76"),
        expenses_personnel_eur=600_000,
        expenses_equipment_eur=150_000,
    )
    add_partner(
        project,
        lab,
        role="Essais mécaniques",
        expenses_personnel_eur=300_000,
        cost_basis="marginal",
    )
    return project


@pytest.fixture
def company_part(project, company):
    return project.partners.get(organisation=company)


@pytest.fixture
def lab_part(project, lab):
    return project.partners.get(organisation=lab)


@pytest.fixture
def colleague(company):
    """Another person of `company`, who may edit its part too."""
    user = UserFactory(email="colleague@example.org", first_name="Claire", last_name="Durand")
    AffiliationFactory(user=user, organisation=company)
    return user


def _url(name, project, **kwargs):
    return reverse(f"consortium:{name}", kwargs={"pk": project.pk, **kwargs})


def _part_url(part):
    return _url("part", part.project, partner_pk=part.pk)


def _part_data(version, **changes):
    data = {
        "version": version,
        "role": "Intégrateur du drone",
        "work_summary": "",
        "rd_region": RegionFactory(code="76").pk,
        "expenses_personnel_eur": 600_000,
        "expenses_overhead_eur": 0,
        "expenses_equipment_eur": 150_000,
        "expenses_subcontracting_eur": 0,
        "expenses_other_eur": 0,
    }
    data.update(changes)
    return data


def _attach(user, part, title="Lettre de soutien Région"):
    return consortium.add_attachment(
        actor=user,
        partner=part,
        kind="support_letter",
        title=title,
        upload=SimpleUploadedFile("lettre.pdf", PDF, content_type="application/pdf"),
    )


# --- List -------------------------------------------------------------------------------------

LIST = reverse("consortium:list")


def test_project_list_shows_the_projects_of_my_organisations(client_for, member, project):
    response = client_for(member).get(LIST)

    text = page_text(response)
    assert "Mes projets" in text
    assert "DRONIX" in text
    assert "Drone d'inspection composite" in text
    assert "Ateliers Durand" in text
    assert "AAP FUI n°30" in text
    assert "Idée" in text
    assert "Coordinateur" in text


def test_project_list_shows_partner_role_to_the_lab(client_for, lab_member, project):
    text = page_text(client_for(lab_member).get(LIST))

    assert "DRONIX" in text
    assert "Partenaire" in text


def test_project_list_hides_projects_of_others(client_for, outsider, other_animator, project):
    for user in (outsider, other_animator):
        text = page_text(client_for(user).get(LIST))

        assert "DRONIX" not in text
        assert "Aucun projet pour l'instant." in text


def test_project_list_shows_pole_staff_the_projects_asked_for_a_label(
    client_for, member, animator, pole, project
):
    consortium.request_labels(actor=member, project=project, poles=[pole])

    text = page_text(client_for(animator).get(LIST))

    assert "DRONIX" in text
    assert "Pôle sollicité pour un label" in text


def test_project_list_costs_the_same_queries_for_1_and_3_projects(client_for, member, company):
    assert_same_query_count(
        client_for(member),
        LIST,
        lambda: ProjectFactory(actor=member, coordinator=company),
        shows=lambda project: project.acronym,
    )


# --- Creation ---------------------------------------------------------------------------------

CREATE = reverse("consortium:create")


def test_project_create_offers_my_organisations_and_open_calls(
    client_for, member, company, unpublished, call
):
    closed = CallFactory(
        title="AAP FUI n°18",
        opens_at=timezone.now() - timedelta(days=400),
        closes_at=timezone.now() - timedelta(days=300),
    )
    OrganisationFactory(name="Concurrent Lointain")

    response = client_for(member).get(CREATE)

    body = response.content.decode()
    assert "Ateliers Durand" in body
    assert "Startup Discrète" in body
    assert "Concurrent Lointain" not in body
    assert call.title in body
    assert closed.title not in body


def test_project_create_makes_the_project_and_the_coordinator_part(
    client_for, member, company, call
):
    response = client_for(member).post(
        CREATE,
        {
            "coordinator": company.pk,
            "acronym": "SOLARIS",
            "title": "Toiture solaire intelligente",
            "summary": "Des tuiles photovoltaïques pilotées.",
            "call": call.pk,
            "duration_months": 36,
            "start_date": "2026-09-01",
        },
    )

    project = Project.objects.get(acronym="SOLARIS")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.coordinator == company
    assert project.call == call
    assert project.duration_months == 36
    assert project.created_by == member
    assert list(project.partners.values_list("organisation__name", flat=True)) == [
        "Ateliers Durand"
    ]


def test_project_create_keeps_input_and_shows_errors(client_for, member, company):
    response = client_for(member).post(
        CREATE, {"coordinator": company.pk, "acronym": "", "title": "Titre gardé", "summary": ""}
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "Donnez un acronyme au projet." in text
    assert "Résumez le projet en quelques lignes." in text
    assert 'value="Titre gardé"' in response.content.decode()
    assert not Project.objects.exists()


def test_project_create_from_a_partner_search_prefills_and_links_it(
    client_for, member, company, search
):
    response = client_for(member).get(f"{CREATE}?recherche={search.pk}")

    body = response.content.decode()
    assert 'value="Démonstrateur de drone composite"' in body
    assert "Un drone d&#x27;inspection à structure composite imprimée.</textarea>" in body
    checked = re.findall(r'name="competences" value="(\d+)"[^>]*checked', body)
    assert sorted(map(int, checked)) == sorted(
        search.competences_wanted.values_list("pk", flat=True)
    )
    assert f'<option value="{search.pk}" selected>' in body
    assert "Prérempli depuis votre recherche de partenaires" in page_text(response)


def test_project_create_ignores_a_partner_search_of_another_organisation(
    client_for, lab_member, search
):
    response = client_for(lab_member).get(f"{CREATE}?recherche={search.pk}")

    assert "Démonstrateur de drone composite" not in response.content.decode()


def test_project_create_links_the_partner_search(client_for, member, company, search):
    client_for(member).post(
        CREATE,
        {
            "coordinator": company.pk,
            "acronym": "DRONE2",
            "title": search.title,
            "summary": search.description,
            "partner_search": search.pk,
        },
    )

    assert Project.objects.get(acronym="DRONE2").partner_search == search


def test_project_create_refuses_a_search_of_another_coordinator(
    client_for, member, company, unpublished
):
    other_search = PartnerSearchFactory(author=member, organisation=unpublished)

    response = client_for(member).post(
        CREATE,
        {
            "coordinator": company.pk,
            "acronym": "DRONE3",
            "title": "Titre",
            "summary": "Résumé",
            "partner_search": other_search.pk,
        },
    )

    assert "pas été publiée par l'organisation coordinatrice" in page_text(response)
    assert not Project.objects.filter(acronym="DRONE3").exists()


def test_project_create_without_organisation_says_to_join_one(client_for, outsider):
    response = client_for(outsider).get(CREATE)

    text = page_text(response)
    assert response.status_code == 403
    assert "Rattachez-vous d'abord à une organisation" in text
    assert "Enregistrer mon organisation" in text


# --- Detail -----------------------------------------------------------------------------------


def test_project_detail_shows_the_project_consortium_and_aid(client_for, member, project, call):
    response = client_for(member).get(project.get_absolute_url())

    text = page_text(response)
    assert "DRONIX" in text
    assert "Un drone d'inspection à structure composite imprimée." in text
    assert "Idée" in text
    assert "AAP FUI n°30" in text
    assert f"date limite le {timezone.localtime(call.closes_at):%-d}" in text
    # The consortium: organisation, role, R&D region, expenses, category, rate, aid.
    assert "Ateliers Durand Coordinateur Intégrateur du drone Occitanie" in text
    assert "750 000 €" in text  # company: 600 000 + 150 000
    assert "Laboratoire des Matériaux" in text
    assert "Essais mécaniques" in text
    assert "Recherche publique" in text
    assert "PME" in text
    assert "1 050 000 €" in text  # total expenses


def test_project_detail_lets_every_partner_read_the_other_parts(
    client_for, lab_member, project, lab_part
):
    ProjectPartner.objects.filter(project=project, organisation=project.coordinator).update(
        work_summary="Conception de la structure et vols d'essai."
    )

    text = page_text(client_for(lab_member).get(project.get_absolute_url()))

    section = text[text.index("Les parties des partenaires") : text.index("Invitations")]
    assert "Ateliers Durand · Intégrateur du drone · 750 000 €" in section
    assert "Travaux Conception de la structure et vols d'essai." in section
    assert "Frais de personnel (€) 600 000 €" in section
    assert "Équipements (€) 150 000 €" in section
    assert "Sous-traitance (€) 0 €" in section


def test_project_detail_shows_every_check_with_text_status(client_for, member, project):
    response = client_for(member).get(project.get_absolute_url())

    text = page_text(response)
    assert "Le consortium ne remplit pas encore les règles de l'appel." in text
    # Each check has its status in words, not only a colour.
    assert text.count("✓ Respectée") + text.count("✗ Non respectée") + text.count(
        "! Attention"
    ) == len(consortium.evaluate_project(project).verdict.checks)
    assert "✗ Non respectée" in text


def test_project_detail_lists_the_parts_to_complete(client_for, member, project, lab_part):
    ProjectPartner.objects.filter(pk=lab_part.pk).update(cost_basis="", rd_region=None)

    text = page_text(client_for(member).get(project.get_absolute_url()))

    assert "Parties à compléter" in text
    assert "Laboratoire des Matériaux : assiette des coûts non choisie" in text
    assert "région des travaux de R&D non renseignée" in text


def test_project_detail_without_call_asks_to_choose_one(client_for, member, project):
    Project.objects.filter(pk=project.pk).update(call=None)

    text = page_text(client_for(member).get(project.get_absolute_url()))

    assert "Aucun appel n'est encore visé" in text
    assert "Laboratoire des Matériaux" in text


def test_project_detail_shows_label_decisions_and_comments(
    client_for, member, animator, lab_member, pole, project
):
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])
    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=True,
        committee_date=timezone.localdate(),
        comments="Précisez le marché visé dans le dossier.",
    )

    text = page_text(client_for(lab_member).get(project.get_absolute_url()))

    assert "Pôle Alpha Pôle chef de file Labellisé" in text
    assert "Précisez le marché visé dans le dossier." in text


def test_project_detail_gives_actions_to_the_coordinator_only(
    client_for, member, lab_member, project, lab_part, company_part
):
    coordinator_page = client_for(member).get(project.get_absolute_url()).content.decode()
    lab_page = client_for(lab_member).get(project.get_absolute_url()).content.decode()

    for url in (
        _url("edit", project),
        _url("withdraw", project),
        _url("request_labels", project),
        reverse("dossiers:submit", kwargs={"pk": project.pk}),
        _url("remove_partner", project, partner_pk=lab_part.pk),
    ):
        assert url in coordinator_page
        assert url not in lab_page
    # Each edits its own part only.
    assert f'href="{_part_url(company_part)}"' in coordinator_page
    assert f'href="{_part_url(lab_part)}"' not in coordinator_page
    assert f'href="{_part_url(lab_part)}"' in lab_page
    assert f'href="{_part_url(company_part)}"' not in lab_page


def test_project_detail_lists_attachments(client_for, lab_member, member, project, lab_part):
    attachment = _attach(lab_member, lab_part)

    response = client_for(member).get(project.get_absolute_url())

    assert "Lettre de soutien Région" in page_text(response)
    assert _url("attachment", project, attachment_pk=attachment.pk) in response.content.decode()


def test_project_detail_refreshes_the_checklist_after_a_part_is_saved(client_for, member, project):
    body = client_for(member).get(project.get_absolute_url()).content.decode()

    assert f'hx-get="{_url("checklist", project)}"' in body
    assert 'hx-trigger="part-saved from:body"' in body


def test_project_detail_is_not_found_outside_the_consortium(client_for, outsider, project):
    response = client_for(outsider).get(project.get_absolute_url())

    assert response.status_code == 404
    assert "DRONIX" not in response.content.decode()


def test_project_detail_costs_the_same_queries_for_1_and_3_partners(
    client_for, member, company, call
):
    project = ProjectFactory(actor=member, coordinator=company, call=call)

    def add_item():
        return add_partner(project, OrganisationFactory(), expenses_personnel_eur=100_000)

    # The coordinator counts as the first partner: 2 then 4 partners, queries constant.
    assert_same_query_count(
        client_for(member),
        project.get_absolute_url(),
        add_item,
        shows=lambda part: part.organisation.name,
    )


def test_project_checklist_is_the_fragment_alone(client_for, lab_member, project):
    response = client_for(lab_member).get(_url("checklist", project))

    body = response.content.decode()
    assert "<html" not in body
    assert "Consortium et aide par partenaire" in page_text(response)
    assert "Laboratoire des Matériaux" in body


# --- Edit and withdraw ------------------------------------------------------------------------


def test_project_edit_saves_the_changes(client_for, member, project, call):
    response = client_for(member).post(
        _url("edit", project),
        {
            "acronym": "DRONIX",
            "title": "Drone d'inspection des ouvrages d'art",
            "summary": "Nouveau résumé.",
            "call": call.pk,
            "duration_months": 30,
        },
    )

    project.refresh_from_db()
    assert response["Location"] == project.get_absolute_url()
    assert project.title == "Drone d'inspection des ouvrages d'art"
    assert project.duration_months == 30


def test_project_edit_is_forbidden_to_other_partners(client_for, lab_member, project):
    response = client_for(lab_member).post(
        _url("edit", project), {"acronym": "X", "title": "X", "summary": "X"}
    )

    project.refresh_from_db()
    assert response.status_code == 403
    assert project.acronym == "DRONIX"


def test_project_withdraw_confirms_then_withdraws(client_for, member, project):
    client = client_for(member)

    confirm = client.get(_url("withdraw", project))
    client.post(_url("withdraw", project))

    project.refresh_from_db()
    assert "Abandonner le projet ?" in page_text(confirm)
    assert project.status == ProjectStatus.WITHDRAWN
    page = page_text(client.get(project.get_absolute_url()))
    assert "Ce projet est abandonné" in page


def test_project_withdraw_is_forbidden_to_other_partners(client_for, lab_member, project):
    response = client_for(lab_member).post(_url("withdraw", project))

    project.refresh_from_db()
    assert response.status_code == 403
    assert project.status == ProjectStatus.IDEA


# --- Parts ------------------------------------------------------------------------------------


def test_part_form_shows_the_saved_part_and_its_total(client_for, member, company_part):
    response = client_for(member).get(_part_url(company_part))

    body = response.content.decode()
    text = page_text(response)
    assert "Partie de Ateliers Durand" in text
    assert 'value="Intégrateur du drone"' in body
    assert 'name="version" value="1"' in body
    assert "Total enregistré : 750 000 €" in text
    assert 'name="cost_basis"' not in body  # companies have no cost basis


def test_part_form_offers_the_cost_basis_to_research_bodies(client_for, lab_member, lab_part):
    body = client_for(lab_member).get(_part_url(lab_part)).content.decode()

    assert 'name="cost_basis"' in body


def test_part_save_updates_and_redirects(client_for, member, project, company_part):
    response = client_for(member).post(
        _part_url(company_part), _part_data(1, expenses_overhead_eur=90_000)
    )

    company_part.refresh_from_db()
    assert response["Location"] == project.get_absolute_url()
    assert company_part.expenses_overhead_eur == 90_000
    assert company_part.version == 2
    assert company_part.updated_by == member


def test_part_save_with_htmx_returns_the_form_and_triggers_part_saved(
    client_for, member, company_part
):
    response = client_for(member).post(
        _part_url(company_part),
        _part_data(1, role="Architecte système"),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "part-saved"
    assert "<html" not in response.content.decode()
    assert "Partie enregistrée (version 2)." in page_text(response)
    assert 'name="version" value="2"' in response.content.decode()


def test_part_save_rejects_negative_amounts_and_keeps_input(client_for, member, company_part):
    response = client_for(member).post(
        _part_url(company_part), _part_data(1, role="Rôle gardé", expenses_other_eur=-5)
    )

    company_part.refresh_from_db()
    assert "Un montant ne peut pas être négatif." in page_text(response)
    assert 'value="Rôle gardé"' in response.content.decode()
    assert company_part.version == 1


def test_part_second_save_at_the_same_version_shows_the_conflict_and_keeps_input(
    client_for, member, colleague, company_part
):
    first, second = client_for(member), client_for(colleague)
    url = _part_url(company_part)
    # Both open the form while the part is at version 1.
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()
    first.post(url, _part_data(1, role="Intégrateur", expenses_personnel_eur=500_000))

    response = second.post(url, _part_data(1, role="Essais en vol", expenses_personnel_eur=700_000))

    body = response.content.decode()
    text = page_text(response)
    assert response.status_code == 200
    assert "Marc Durand a enregistré cette partie pendant que vous la modifiiez." in text
    assert "Version 2, enregistrée par Marc Durand le" in text
    # The colleague's input is kept in the form...
    assert 'value="Essais en vol"' in body
    assert 'value="700000"' in body
    # ...beside the saved values...
    assert "Rôle dans le projet différent Essais en vol Intégrateur" in text
    assert "Frais de personnel (€) différent 700 000 € 500 000 €" in text
    # ...and the form now carries the saved version, so that saving again is deliberate.
    assert 'name="version" value="2"' in body
    company_part.refresh_from_db()
    assert (company_part.role, company_part.expenses_personnel_eur) == ("Intégrateur", 500_000)
    assert company_part.version == 2
    assert company_part.updated_by == member


def test_part_save_after_the_conflict_replaces_the_saved_version(
    client_for, member, colleague, company_part
):
    url = _part_url(company_part)
    client_for(member).post(url, _part_data(1, role="Intégrateur"))
    client_for(colleague).post(url, _part_data(1, role="Essais en vol"))

    client_for(colleague).post(url, _part_data(2, role="Essais en vol"))

    company_part.refresh_from_db()
    assert company_part.role == "Essais en vol"
    assert company_part.version == 3


def test_part_of_another_partner_is_forbidden(client_for, lab_member, company_part):
    url = _part_url(company_part)

    assert client_for(lab_member).get(url).status_code == 403
    assert client_for(lab_member).post(url, _part_data(1, role="Pirate")).status_code == 403
    company_part.refresh_from_db()
    assert company_part.role == "Intégrateur du drone"


def test_part_is_not_found_outside_the_consortium(client_for, outsider, company_part):
    assert client_for(outsider).get(_part_url(company_part)).status_code == 404


def test_part_of_another_project_is_not_found(client_for, member, company, project):
    other = ProjectFactory(actor=member, coordinator=company)
    other_part = other.partners.get()

    response = client_for(member).get(_url("part", project, partner_pk=other_part.pk))

    assert response.status_code == 404


# --- Partners ---------------------------------------------------------------------------------


def test_remove_partner_confirms_then_removes(client_for, member, project, lab_part):
    client = client_for(member)
    url = _url("remove_partner", project, partner_pk=lab_part.pk)

    confirm = client.get(url)
    response = client.post(url)

    assert "Retirer Laboratoire des Matériaux du consortium ?" in page_text(confirm)
    assert response["Location"] == project.get_absolute_url()
    assert not ProjectPartner.objects.filter(pk=lab_part.pk).exists()


def test_remove_partner_refuses_to_remove_the_coordinator(
    client_for, member, project, company_part
):
    client = client_for(member)
    url = _url("remove_partner", project, partner_pk=company_part.pk)

    confirm = page_text(client.get(url))
    response = client.post(url, follow=True)

    assert "Le coordinateur ne peut pas se retirer du consortium." in confirm
    assert "Le coordinateur ne peut pas se retirer du consortium." in page_text(response)
    assert ProjectPartner.objects.filter(pk=company_part.pk).exists()


def test_remove_partner_is_forbidden_to_other_partners(client_for, lab_member, project, lab_part):
    response = client_for(lab_member).post(_url("remove_partner", project, partner_pk=lab_part.pk))

    assert response.status_code == 403
    assert ProjectPartner.objects.filter(pk=lab_part.pk).exists()


# --- Attachments ------------------------------------------------------------------------------


def _upload(client, part, content=PDF, name="lettre.pdf", title="Lettre de soutien"):
    return client.post(
        _url("attachment_add", part.project, partner_pk=part.pk),
        {
            "kind": "support_letter",
            "title": title,
            "upload": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def test_attachment_upload_stores_the_pdf(client_for, lab_member, lab_part):
    response = _upload(client_for(lab_member), lab_part)

    attachment = PartAttachment.objects.get()
    assert response["Location"] == f"{_part_url(lab_part)}#pieces"
    assert attachment.partner == lab_part
    assert attachment.title == "Lettre de soutien"
    assert attachment.size == len(PDF)


def test_attachment_upload_rejects_what_is_not_a_pdf(client_for, lab_member, lab_part):
    response = _upload(client_for(lab_member), lab_part, content=b"<html>pas un PDF</html>")

    text = page_text(response)
    assert response.status_code == 200
    assert "Seuls les fichiers PDF sont acceptés." in text
    assert 'value="Lettre de soutien"' in response.content.decode()
    assert not PartAttachment.objects.exists()


def test_attachment_upload_rejects_a_file_too_big(client_for, lab_member, lab_part, settings):
    settings.ATTACHMENT_MAX_BYTES = 50

    response = _upload(client_for(lab_member), lab_part, content=PDF + b"0" * 100)

    assert "Le fichier dépasse" in page_text(response)
    assert not PartAttachment.objects.exists()


def test_attachment_upload_is_forbidden_for_another_partners_part(client_for, member, lab_part):
    response = _upload(client_for(member), lab_part)

    assert response.status_code == 403
    assert not PartAttachment.objects.exists()


def test_attachment_download_returns_the_pdf(client_for, member, lab_member, lab_part):
    attachment = _attach(lab_member, lab_part)

    response = client_for(member).get(
        _url("attachment", lab_part.project, attachment_pk=attachment.pk)
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lettre.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_download_is_not_found_outside_the_consortium(
    client_for, outsider, other_animator, lab_member, lab_part
):
    attachment = _attach(lab_member, lab_part)
    url = _url("attachment", lab_part.project, attachment_pk=attachment.pk)

    for user in (outsider, other_animator):
        assert client_for(user).get(url).status_code == 404


def test_attachment_download_through_another_project_is_not_found(
    client_for, member, company, lab_member, lab_part
):
    attachment = _attach(lab_member, lab_part)
    other = ProjectFactory(actor=member, coordinator=company)

    response = client_for(member).get(_url("attachment", other, attachment_pk=attachment.pk))

    assert response.status_code == 404


def test_attachment_delete_by_its_partner(client_for, lab_member, lab_part):
    attachment = _attach(lab_member, lab_part)
    url = _url("attachment_delete", lab_part.project, attachment_pk=attachment.pk)
    client = client_for(lab_member)

    confirm = client.get(url)
    client.post(url)

    assert "Retirer la pièce ?" in page_text(confirm)
    assert not PartAttachment.objects.exists()


def test_attachment_delete_is_forbidden_to_other_partners(client_for, member, lab_member, lab_part):
    attachment = _attach(lab_member, lab_part)

    response = client_for(member).post(
        _url("attachment_delete", lab_part.project, attachment_pk=attachment.pk)
    )

    assert response.status_code == 403
    assert PartAttachment.objects.filter(pk=attachment.pk).exists()


# --- Labels -----------------------------------------------------------------------------------


def test_request_labels_asks_the_lead_pole_first(
    client_for, member, project, pole, other_pole, mailoutbox
):
    third = PoleFactory(name="Pôle Gamma")

    response = client_for(member).post(
        _url("request_labels", project),
        {"lead_pole": other_pole.pk, "other_poles": [pole.pk, third.pk]},
    )

    assert response["Location"] == f"{project.get_absolute_url()}#labels"
    requests = list(LabelRequest.objects.filter(project=project).order_by("rank"))
    assert [(r.pole.name, r.rank) for r in requests] == [
        ("Pôle Bêta", 0),
        ("Pôle Alpha", 1),
        ("Pôle Gamma", 2),
    ]
    assert all(r.status == LabelStatus.REQUESTED for r in requests)
    project.refresh_from_db()
    assert project.status == ProjectStatus.LABELLING


def test_request_labels_without_lead_pole_says_so(client_for, member, project, pole):
    response = client_for(member).post(_url("request_labels", project), {})

    assert "Choisissez le pôle chef de file." in page_text(response)
    assert not LabelRequest.objects.exists()


def test_request_labels_later_asks_other_poles_only(client_for, member, project, pole, other_pole):
    consortium.request_labels(actor=member, project=project, poles=[pole])

    page = client_for(member).get(_url("request_labels", project))
    client_for(member).post(_url("request_labels", project), {"other_poles": [other_pole.pk]})

    body = page.content.decode()
    assert 'name="lead_pole"' not in body
    assert "Déjà sollicités" in page_text(page)
    assert list(
        LabelRequest.objects.filter(project=project)
        .order_by("rank")
        .values_list("pole__name", "rank")
    ) == [("Pôle Alpha", 0), ("Pôle Bêta", 1)]


def test_request_labels_is_forbidden_to_other_partners(client_for, lab_member, project, pole):
    response = client_for(lab_member).post(_url("request_labels", project), {"lead_pole": pole.pk})

    assert response.status_code == 403
    assert not LabelRequest.objects.exists()


# --- Navigation -------------------------------------------------------------------------------


def test_main_nav_marks_projects_as_current(client_for, member, project):
    body = client_for(member).get(LIST).content.decode()

    assert f'<a href="{LIST}" aria-current="page">Projets</a>' in body
