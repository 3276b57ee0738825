"""A newcomer signs up, confirms his e-mail address, signs in and looks at a pôle."""

import re

import pytest
from playwright.sync_api import expect

from poles.services import load_poles

pytestmark = pytest.mark.browser

EMAIL = "claire.nouvelle@example.org"
PASSWORD = "Un-mot-de-passe-solide-2026"


def test_signup_journey_ends_on_pole_page(page, live_server, mailoutbox):
    # Arrange
    load_poles()

    # Act: sign up from the home page.
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Innover ensemble")
    page.get_by_role("link", name="Créer un compte").click()
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form input[name=password2]").press("Enter")
    page.wait_for_url("**/accounts/confirm-email/")

    # Act: open the link of the e-mail and confirm.
    assert [message.to for message in mailoutbox] == [[EMAIL]]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    expect(page.locator("main")).to_contain_text(EMAIL)
    page.locator("main form button[type=submit]").click()

    # Act: sign in.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text(EMAIL)

    # Act: open a pôle from the list.
    page.get_by_role("link", name="Pôles", exact=True).click()
    page.get_by_role("link", name="Aerospace Valley", exact=True).click()

    # Assert
    expect(page.locator("h1")).to_have_text("Aerospace Valley")
    territory = page.locator(".facts__row", has_text="Territoire")
    expect(territory).to_contain_text("Occitanie")
    expect(territory).to_contain_text("Nouvelle-Aquitaine")
