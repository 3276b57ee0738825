"""Two-factor authentication: a funder without an authenticator app is sent to set one up,
activates it with the code his app computes, is given recovery codes; his next sign-in asks
for the code."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from funding.models import Funder, FunderMember
from tests.browser.helpers import sign_in, sign_out
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "charge.affaires@financeur.example"


def _app_code(secret: str) -> str:
    """What an authenticator app shows for `secret` now (RFC 6238)."""
    if 30 - time.time() % 30 < 2:
        time.sleep(2)
    counter = int(time.time()) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def reviewer():
    user = UserFactory(email=EMAIL)
    # Made here rather than read from the migration's data: a live-server test starts
    # from whatever the previous transactional test left.
    funder, _ = Funder.objects.get_or_create(
        slug="bpifrance", defaults={"name": "Bpifrance", "kind": "bpifrance"}
    )
    FunderMember.objects.create(funder=funder, user=user, role="reviewer")
    return user


def test_funder_sets_up_two_factor_authentication_then_signs_in_with_a_code(page, reviewer):
    # Act: he signs in with his password: no code yet, the portal sends him to set up his app.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()

    # Assert: the reason, and allauth's password confirmation before the activation.
    expect(page.locator(".messages")).to_contain_text("activez la double authentification")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Activer l'application d'authentification")

    # Act: his app reads the secret (QR code or text) and shows a code, which he types.
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", _app_code(secret))
    page.locator("main form button[type=submit]").click()

    # Assert: his recovery codes, and the portal is open to him.
    expect(page.locator("h1")).to_have_text("Codes de récupération")
    expect(page.locator("#recovery_codes")).to_contain_text(
        Authenticator.objects.get(user=reviewer, type="recovery_codes").wrap().get_unused_codes()[0]
    )
    page.goto("/mon-espace/")
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))

    # Act: a later sign-in asks for the code (the helper types it).
    sign_out(page)
    sign_in(page, EMAIL)

    # Assert
    expect(page.get_by_role("banner")).to_contain_text(EMAIL)
