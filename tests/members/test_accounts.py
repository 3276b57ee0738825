"""Accounts (allauth): sign-up with e-mail verification, sign-in by e-mail, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


def _sign_up(client, email="nouvelle@example.org"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def _sign_in(client, email="nouvelle@example.org", password=NEW_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def _confirmation_path(message) -> str:
    match = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_user_model_signs_in_by_email_without_username():
    User = get_user_model()

    assert User.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}


def test_user_manager_create_user_normalises_email_and_hashes_password():
    user = get_user_model().objects.create_user("Jeanne@EXAMPLE.org", password=PASSWORD)

    assert user.email == "Jeanne@example.org"
    assert user.check_password(PASSWORD)
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_signup_creates_user_and_sends_verification_email_in_french(client, mailoutbox):
    # Act
    response = _sign_up(client)

    # Assert
    assert response["Location"] == reverse("account_email_verification_sent")
    address = EmailAddress.objects.get(email="nouvelle@example.org")
    assert address.verified is False
    assert address.user.check_password(NEW_PASSWORD)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject == "[Pôles] Confirmez votre adresse e-mail"
    assert "/accounts/confirm-email/" in message.body


def test_signup_does_not_sign_in_before_verification(client):
    _sign_up(client)

    assert _signed_in_user_id(client) is None


def test_signup_with_taken_email_warns_owner_without_revealing_account(client, mailoutbox):
    # Arrange
    owner = UserFactory(email="nouvelle@example.org")

    # Act
    response = _sign_up(client)

    # Assert: the same answer as a new sign-up (no enumeration); the owner gets a notice.
    assert response["Location"] == reverse("account_email_verification_sent")
    assert list(get_user_model().objects.filter(email="nouvelle@example.org")) == [owner]
    assert owner.check_password(PASSWORD)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["nouvelle@example.org"], "[Pôles] Ce compte existe déjà")
    ]


def test_signin_before_verification_goes_to_verification_sent_page(client):
    _sign_up(client)

    response = _sign_in(client)

    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None


def test_confirmation_link_get_asks_to_confirm_without_verifying(client, mailoutbox):
    _sign_up(client)
    path = _confirmation_path(mailoutbox[0])

    response = client.get(path)

    assert "nouvelle@example.org" in page_text(response)
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified is False


def test_confirmation_link_post_verifies_then_signin_works(client, mailoutbox):
    # Arrange
    _sign_up(client)
    path = _confirmation_path(mailoutbox[0])

    # Act
    client.post(path)
    response = _sign_in(client)

    # Assert
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified is True
    assert response["Location"] == reverse("dashboard")
    user = get_user_model().objects.get(email="nouvelle@example.org")
    assert _signed_in_user_id(client) == str(user.pk)


def test_signin_with_wrong_password_is_refused(client):
    UserFactory(email="camille@example.org")

    response = _sign_in(client, email="camille@example.org", password="pas-le-bon")

    assert response.status_code == 200
    assert _signed_in_user_id(client) is None
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in page_text(response)


def test_signin_verified_user_by_email(client):
    user = UserFactory(email="camille@example.org")

    response = _sign_in(client, email="camille@example.org", password=PASSWORD)

    assert response["Location"] == reverse("dashboard")
    assert _signed_in_user_id(client) == str(user.pk)


def test_password_reset_sends_email_with_reset_link(client, mailoutbox):
    UserFactory(email="camille@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "camille@example.org"})

    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["camille@example.org"]
    assert mailoutbox[0].subject.startswith("[Pôles] ")
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
