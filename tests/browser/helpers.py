"""Steps shared by the browser journeys."""

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text(email)


def sign_out(page) -> None:
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text("Se connecter")
