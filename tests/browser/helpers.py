"""Steps shared by the browser journeys."""

from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.factories import PASSWORD, totp_code


def sign_in(page, email: str) -> None:
    """Sign in through the page; for an account with an authenticator app (staff, funders),
    type the code it shows now when the portal asks for it."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    authenticator = (
        Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP)
        .select_related("user")
        .first()
    )
    if authenticator is not None:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.fill("input[name=code]", totp_code(authenticator.user))
        page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("banner")).to_contain_text(email)


def sign_out(page) -> None:
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("banner")).to_contain_text("Se connecter")
