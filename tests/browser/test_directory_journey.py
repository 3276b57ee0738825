"""Someone looks for a partner in the directory: types a word, ticks facets, pages through."""

import re

import pytest
from playwright.sync_api import expect

from members import search
from tests.factories import CompetenceFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def directory():
    hydrogen = CompetenceFactory(slug="hydrogene-essai", name="Hydrogène vert")
    bretagne = RegionFactory(code="53")
    OrganisationFactory(name="Hydrogène de Lyon", competences=[hydrogen])
    OrganisationFactory(name="Électrolyse Bretonne", region=bretagne, competences=[hydrogen])
    OrganisationFactory(name="Photonique Bretonne", region=bretagne)


def test_directory_search_and_facets_refresh_in_place(page, directory):
    # Act: type a word without accent, then tick a facet.
    page.goto("/organisations/")
    page.fill("#id_q", "hydrogene")

    # Assert: the results and the facets follow, and the URL can be shared.
    expect(page.locator("#resultats-titre")).to_have_text("2 organisations")
    expect(page).to_have_url(re.compile(r"\?q=hydrogene"))
    bretagne = page.locator("label[for=facette-region-53]")
    expect(bretagne).to_contain_text("1")

    page.check("#facette-region-53")

    expect(page.locator("#resultats-titre")).to_have_text("1 organisation")
    expect(page.locator(".card__title")).to_have_text(["Électrolyse Bretonne"])
    expect(page).to_have_url(re.compile(r"region=53"))
    expect(page.locator("#facette-region-53")).to_be_checked()
    # The region's own count ignores the region filter (disjunctive facets).
    expect(page.locator("label[for=facette-region-84]")).to_contain_text("1")


def test_directory_pages_by_name_with_next_and_previous(page, directory, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    page.goto("/organisations/")
    expect(page.locator(".card__title")).to_have_text(["Électrolyse Bretonne", "Hydrogène de Lyon"])

    page.get_by_role("link", name="Suivant").click()

    expect(page.locator(".card__title")).to_have_text(["Photonique Bretonne"])
    expect(page).to_have_url(re.compile(r"after=hydrogene"))

    page.get_by_role("link", name="Précédent").click()

    expect(page.locator(".card__title")).to_have_text(["Électrolyse Bretonne", "Hydrogène de Lyon"])


def test_directory_works_without_javascript(browser, live_server, directory):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()

    page.goto("/organisations/")
    page.fill("#id_q", "bretonne")
    page.check("#facette-kind-company")
    page.get_by_role("button", name="Rechercher").click()

    expect(page.locator("#resultats-titre")).to_have_text("2 organisations")
    expect(page).to_have_url(re.compile(r"q=bretonne.*kind=company"))
    context.close()
