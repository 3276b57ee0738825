"""Issue 5's journey: a dossier is assigned, scored by a funder signed in with TOTP, decided,
and the decisions released; the coordinator then sees the outcome and the comments for him.
"""

import pytest
from playwright.sync_api import expect

from funding import dossiers
from funding.models import Decision, Funder, FunderMember, Review
from members.models import Affiliation, AffiliationRole
from projects.models import ProjectStatus
from tests.browser.helpers import sign_in, sign_out
from tests.factories import OtherOrganisationFactory, UserFactory, with_totp
from tests.funding.dossier_setup import make_consortium

pytestmark = pytest.mark.browser

ACRONYM = "LUMIS"


def _funder_person(email, funder, role, organisation, name):
    user = with_totp(UserFactory(email=email, first_name=name, last_name="Test"))
    Affiliation.objects.create(user=user, organisation=organisation)
    FunderMember.objects.create(funder=funder, user=user, role=role)
    return user


def test_review_journey_from_assignment_to_released_decision(page, live_server):
    # Arrange: a submitted dossier on a call funded by a regional bank, its manager and its
    # reviewer (both with an authenticator app), and the coordinator's admin.
    built = make_consortium(acronym=ACRONYM, title="Éclairage public intelligent")
    project, call = built.project, built.project.call
    coordinator = UserFactory(email="porteur@example.org")
    Affiliation.objects.create(
        user=coordinator, organisation=project.coordinator, role=AffiliationRole.ADMIN
    )
    dossiers.submit_project(actor=built.actor, project=project)
    bank = OtherOrganisationFactory(name="Banque des Territoires (test)")
    funder = Funder.objects.create(name="Banque des Territoires", slug="bdt", kind="other")
    call.funders.add(funder)
    _funder_person("gestion@example.org", funder, "manager", bank, "Gaëlle")
    _funder_person("evaluation@example.org", funder, "reviewer", bank, "Éric")

    # Act: the manager assigns the suggested reviewer.
    sign_in(page, "gestion@example.org")
    page.get_by_role("link", name="Comité").click()
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("button", name="Assigner la suggestion").click()
    expect(page.locator(".messages")).to_contain_text("Éric Test évaluera le dossier LUMIS")
    sign_out(page)

    # Act: the reviewer signs in with his code, scores every criterion and hands in.
    sign_in(page, "evaluation@example.org")
    page.get_by_role("link", name="Évaluation").click()
    page.get_by_role("link", name=ACRONYM).first.click()
    for fieldset in page.locator("fieldset").all():
        if fieldset.locator("input[type=radio][value='4']").count():
            fieldset.locator("input[type=radio][value='4']").check()
    page.get_by_label("Avis pour le comité").fill("Consortium solide, marché réel.")
    page.get_by_label("Avis pour les porteurs").fill("Précisez le modèle économique.")
    page.get_by_role("button", name="Remettre l'évaluation").click()
    expect(page.locator("main")).to_contain_text("seul un gestionnaire de l'appel peut la rouvrir")
    sign_out(page)

    # Act: the manager ranks, decides (funded, with aid for the coordinator) and releases.
    sign_in(page, "gestion@example.org")
    page.goto(f"/comite/{call.slug}/classement/")
    expect(page.locator("main")).to_contain_text(ACRONYM)
    expect(page.locator("main")).to_contain_text("4,00")
    page.goto(f"/comite/{call.slug}/projets/{project.pk}/decision/")
    page.get_by_label("Financé", exact=True).check()
    page.get_by_label(f"Aide accordée à {project.coordinator.name} (€)").fill("150000")
    page.get_by_label("Message aux porteurs").fill("Financé sous réserve de la convention.")
    page.get_by_role("button", name="Enregistrer la décision de Banque des Territoires").click()
    expect(page.locator(".messages")).to_be_visible()
    page.goto(f"/comite/{call.slug}/communiquer/")
    page.get_by_role("button", name="Communiquer les décisions").click()
    expect(page.locator(".messages")).to_be_visible()
    sign_out(page)

    # Assert: the coordinator sees the outcome and the comments meant for him.
    sign_in(page, "porteur@example.org")
    page.goto(project.get_absolute_url())
    decision = page.locator("main")
    expect(decision).to_contain_text("Décision des financeurs")
    expect(decision).to_contain_text("Financé sous réserve de la convention.")
    expect(decision).to_contain_text("Précisez le modèle économique.")
    expect(decision).not_to_contain_text("Consortium solide, marché réel.")
    assert Review.objects.get().status == "submitted"
    assert Decision.objects.get().released_at is not None
    project.refresh_from_db()
    assert project.status == ProjectStatus.FUNDED
