"""A member posts a partner search, another expresses interest, the author accepts it."""

import pytest
from playwright.sync_api import expect

from members.models import AffiliationRole
from tests.browser.helpers import sign_in, sign_out
from tests.factories import (
    AffiliationFactory,
    CompetenceFactory,
    OrganisationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

TITLE = "Banc d'essai pour pales composites"


def test_partner_search_journey_ends_with_accepted_interest(page, live_server, mailoutbox):
    # Arrange
    CompetenceFactory(name="Matériaux composites", slug="materiaux-composites")
    author = UserFactory(email="auteur@example.org", first_name="Alice", last_name="Durand")
    AffiliationFactory(
        user=author,
        organisation=OrganisationFactory(name="Éoliennes Durand"),
        role=AffiliationRole.ADMIN,
    )
    researcher = UserFactory(email="chercheur@example.org", first_name="Bruno", last_name="Lab")
    AffiliationFactory(
        user=researcher, organisation=ResearchOrganisationFactory(name="Laboratoire des Pales")
    )

    # Act: the author publishes a partner search.
    sign_in(page, "auteur@example.org")
    page.get_by_role("link", name="Recherches", exact=True).click()
    page.get_by_role("link", name="Publier une recherche").click()
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Description").fill("Un banc de fatigue pour pales d'éoliennes.")
    page.get_by_label("Matériaux composites").check()
    page.get_by_label("Recherche publique").check()
    page.get_by_role("button", name="Publier la recherche").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".messages")).to_contain_text("est publiée")
    sign_out(page)

    # Act: a researcher finds it and expresses interest.
    sign_in(page, "chercheur@example.org")
    page.get_by_role("link", name="Recherches", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Ce que nous apportons").fill("Une soufflerie et un banc de fatigue.")
    page.get_by_label("Pourquoi ce projet nous intéresse").fill("Valoriser nos essais.")
    page.get_by_role("button", name="Envoyer mon intérêt").click()
    expect(page.locator(".messages")).to_contain_text("Votre intérêt est transmis")
    sign_out(page)

    # Act: the author accepts it.
    sign_in(page, "auteur@example.org")
    page.get_by_role("link", name="Recherches", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    interest = page.locator(".interest", has_text="Laboratoire des Pales")
    expect(interest).to_contain_text("Une soufflerie et un banc de fatigue.")
    interest.get_by_label("Message à l'organisation").fill("Appelons-nous mardi.")
    interest.get_by_role("button", name="Accepter").click()
    expect(page.locator(".messages")).to_contain_text("Vous avez accepté")
    sign_out(page)

    # Assert: the researcher sees the answer.
    sign_in(page, "chercheur@example.org")
    page.goto("/recherches/mes-interets/")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Acceptée")
    expect(row).to_contain_text("Appelons-nous mardi.")
    assert [message.to for message in mailoutbox] == [
        ["auteur@example.org"],
        ["chercheur@example.org"],
    ]
