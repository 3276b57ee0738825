"""From the directory to a partner: a researcher searches with two facets, opens a company's
profile, answers its partner search; the company accepts."""

import pytest
from playwright.sync_api import expect

from members.models import AffiliationRole
from tests.browser.helpers import sign_in, sign_out
from tests.factories import (
    AffiliationFactory,
    CompetenceFactory,
    OrganisationFactory,
    PartnerSearchFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

TITLE = "Démonstrateur de pales recyclables"


@pytest.fixture
def network():
    composites = CompetenceFactory(slug="composites-essai", name="Composites recyclables")
    bretagne = RegionFactory(code="53")
    author = UserFactory(email="dirigeante@pales.example", first_name="Anne", last_name="Le Goff")
    company = OrganisationFactory(
        name="Pales d'Armor", region=bretagne, city="Brest", competences=[composites]
    )
    AffiliationFactory(user=author, organisation=company, role=AffiliationRole.ADMIN)
    OrganisationFactory(name="Composites du Rhône", competences=[composites])
    ResearchOrganisationFactory(name="Institut Breton des Composites", region=bretagne)
    PartnerSearchFactory(author=author, organisation=company, title=TITLE, competences=[composites])
    researcher = UserFactory(email="chercheur@labo.example", first_name="Yann")
    AffiliationFactory(
        user=researcher,
        organisation=ResearchOrganisationFactory(name="Laboratoire des Matériaux de Brest"),
    )


def test_member_journey_from_directory_search_to_accepted_interest(page, network):
    # Act: the researcher searches the directory and narrows it with two facets.
    sign_in(page, "chercheur@labo.example")
    page.goto("/organisations/")
    page.fill("#id_q", "composites")
    expect(page.locator("#resultats-titre")).to_have_text("3 organisations")
    page.check("#facette-region-53")
    expect(page.locator("#resultats-titre")).to_have_text("2 organisations")
    page.check("#facette-kind-company")
    expect(page.locator(".card__title")).to_have_text(["Pales d'Armor"])

    # Act: he opens the company's profile, sees its contact and its partner search.
    page.get_by_role("link", name="Pales d'Armor").click()
    expect(page.locator("h1")).to_have_text("Pales d'Armor")
    expect(page.locator("#contacts-titre + *")).to_contain_text("dirigeante@pales.example")
    page.get_by_role("link", name=TITLE).click()

    # Act: he expresses interest.
    page.get_by_label("Ce que nous apportons").fill("Un banc d'essai de fatigue.")
    page.get_by_label("Pourquoi ce projet nous intéresse").fill("Nos thèses sur le recyclage.")
    page.get_by_role("button", name="Envoyer mon intérêt").click()
    expect(page.locator(".messages")).to_contain_text("Votre intérêt est transmis")
    sign_out(page)

    # Act: the company's admin accepts it.
    sign_in(page, "dirigeante@pales.example")
    page.goto("/recherches/?mine=on")
    page.get_by_role("link", name=TITLE).click()
    interest = page.locator(".interest", has_text="Laboratoire des Matériaux de Brest")
    expect(interest).to_contain_text("Un banc d'essai de fatigue.")
    interest.get_by_role("button", name="Accepter").click()
    expect(page.locator(".messages")).to_contain_text("Vous avez accepté")
    sign_out(page)

    # Assert: the researcher sees the interest accepted.
    sign_in(page, "chercheur@labo.example")
    page.goto("/recherches/mes-interets/")
    expect(page.locator("tr", has_text=TITLE)).to_contain_text("Acceptée")
