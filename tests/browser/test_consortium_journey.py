"""Issue 4's journey: a consortium is built, meets the call's rules, is labelled and submitted.

The coordinator creates a project and invites a laboratory and a second company from the
directory; their admins accept and fill their parts; the checklist turns green but for the
label; the pôle's animator labels it; the coordinator submits and downloads the PDF.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from funding.models import DossierVersion
from members.models import AffiliationRole
from projects.models import Project, ProjectStatus
from tests.browser.helpers import sign_in, sign_out
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    OrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

ACRONYM = "VOLTIGE"


def _admin_of(email, organisation):
    user = UserFactory(email=email)
    AffiliationFactory(user=user, organisation=organisation, role=AffiliationRole.ADMIN)
    return user


def _accept_invitation_and_fill_part(page, email, expenses, cost_basis=None):
    sign_in(page, email)
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Voir l'invitation et répondre").first.click()
    expect(page.locator("h1")).to_contain_text(ACRONYM)
    page.get_by_role("button", name="Accepter et rejoindre le consortium").click()
    expect(page.locator("h1")).to_contain_text(ACRONYM)
    page.get_by_role("link", name="Modifier notre partie").click()
    page.get_by_label("Rôle dans le projet").fill("Essais et validation")
    page.get_by_label("Frais de personnel").fill(str(expenses))
    if cost_basis:
        page.get_by_label("Assiette des coûts").select_option(cost_basis)
    page.get_by_role("button", name="Enregistrer la partie").click()
    expect(page.get_by_text("Partie enregistrée (version 2)")).to_be_visible()
    sign_out(page)


def test_consortium_journey_from_project_to_submitted_dossier(page, live_server):
    # Arrange: a pôle on Auvergne-Rhône-Alpes ("84", where the factories' organisations are),
    # its animator, an open call, and three organisations with their admins.
    region = RegionFactory(code="84")
    pole = PoleFactory(name="Pôle Voltige", short_name="Voltige", regions=[region])
    animator = UserFactory(email="animateur@example.org", is_staff=True)
    PoleStaffFactory(pole=pole, user=animator)
    call = CallFactory(title="AAP FUI n°30 (test)")
    coordinator = OrganisationFactory(name="Drones Lumière")
    _admin_of("coordinateur@example.org", coordinator)
    _admin_of("partenaire@example.org", OrganisationFactory(name="Hélices Savoie"))
    _admin_of("labo@example.org", ResearchOrganisationFactory(name="Laboratoire Ampère Essais"))

    # Act: the coordinator creates the project and fills his part.
    sign_in(page, "coordinateur@example.org")
    page.get_by_role("link", name="Projets", exact=True).click()
    page.get_by_role("link", name="Nouveau projet").first.click()
    page.get_by_label("Acronyme", exact=True).fill(ACRONYM)
    page.get_by_label("Titre", exact=True).fill("Drone d'inspection des lignes électriques")
    page.get_by_label("Résumé", exact=True).fill(
        "Un drone qui inspecte les lignes à haute tension."
    )
    page.get_by_label("Appel visé").select_option(value=str(call.pk))
    page.get_by_role("button", name="Créer le projet").click()
    expect(page.locator("h1")).to_contain_text(ACRONYM)
    page.get_by_role("link", name="Modifier notre partie").click()
    page.get_by_label("Rôle dans le projet").fill("Intégrateur du drone")
    page.get_by_label("Frais de personnel").fill("900000")
    page.get_by_role("button", name="Enregistrer la partie").click()
    expect(page.get_by_text("Partie enregistrée (version 2)")).to_be_visible()

    # Act: he invites the laboratory and the second company from the directory.
    page.goto(Project.objects.get(acronym=ACRONYM).get_absolute_url())
    page.get_by_role("link", name="Inviter des partenaires").click()
    for name in ("Laboratoire Ampère Essais", "Hélices Savoie"):
        page.get_by_label("Nom, SIRET ou SIREN").fill(name)
        page.get_by_role("button", name="Chercher").click()
        page.get_by_label(name).check()
        page.get_by_role("button", name="Inviter l'organisation choisie").click()
        expect(page.locator(".messages")).to_contain_text(name)
    sign_out(page)

    # Act: the invited admins accept and fill their parts.
    _accept_invitation_and_fill_part(page, "labo@example.org", 400000, cost_basis="marginal")
    _accept_invitation_and_fill_part(page, "partenaire@example.org", 500000)

    # Assert: the consortium rules hold; what still fails needs a labelling pôle.
    sign_in(page, "coordinateur@example.org")
    page.get_by_role("link", name="Projets", exact=True).click()
    page.get_by_role("link", name=ACRONYM).click()
    checklist = page.locator(".checklist")
    failing = checklist.locator(".checklist__item--fail")
    expect(failing).to_have_count(3)
    expect(failing.nth(0)).to_contain_text("Aucun pôle n'a labellisé le projet")
    expect(failing.nth(1)).to_contain_text("territoire des pôles labellisateurs")
    expect(failing.nth(2)).to_contain_text("territoire du pôle chef de file")

    # Act: he asks the pôle for its label.
    page.get_by_role("link", name="Demander un label").first.click()
    page.get_by_label("Pôle chef de file").select_option(label=pole.name)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(failing).to_have_count(0)
    expect(checklist.locator(".checklist__item--warn")).to_contain_text(
        "Label demandé à Voltige : en attente de la décision du comité"
    )
    sign_out(page)

    # Act: the animator records the committee's decision.
    sign_in(page, "animateur@example.org")
    page.get_by_role("link", name="Labellisation").click()
    page.get_by_role("link", name=ACRONYM).click()
    page.get_by_label("Labellisé", exact=True).check()
    page.get_by_label("Date du comité").fill(call.opens_at.date().isoformat())
    page.get_by_label("Avis au consortium").fill("Projet solide, consortium équilibré.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator(".messages")).to_be_visible()
    sign_out(page)

    # Act: the coordinator sees a green checklist, submits and downloads the PDF.
    sign_in(page, "coordinateur@example.org")
    page.get_by_role("link", name="Projets", exact=True).click()
    page.get_by_role("link", name=ACRONYM).click()
    expect(page.locator(".project-eligibility .alert--success")).to_contain_text(
        "Le consortium remplit les règles de l'appel."
    )
    expect(failing).to_have_count(0)
    expect(checklist.locator(".checklist__item--pass")).to_contain_text(
        ["Labellisé par 1 pôle(s) : Voltige."]
    )
    page.get_by_role("button", name="Déposer le dossier").click()
    if page.get_by_role("button", name="Déposer la version 1").count():
        page.get_by_role("button", name="Déposer la version 1").click()
    expect(page.locator("h1")).to_contain_text(ACRONYM)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()

    # Assert
    version = DossierVersion.objects.get(project__acronym=ACRONYM)
    assert version.number == 1
    assert version.project.status == ProjectStatus.SUBMITTED
    assert [part["organisation"]["name"] for part in version.content["partners"]] == [
        "Drones Lumière",
        "Laboratoire Ampère Essais",
        "Hélices Savoie",
    ]
    assert version.eligible
    assert pdf.startswith(b"%PDF-")
