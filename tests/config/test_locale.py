"""French first, English second; allauth ships its own French catalogue."""

import pytest
from django.urls import reverse

from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_home_default_language_is_french(client):
    response = client.get(reverse("poles:home"))

    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    text = page_text(response)
    assert "Pôles" in text
    assert "Le réseau en chiffres" in text


def test_login_page_default_language_is_french(client):
    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "fr"
    assert "Connexion" in page_text(response)
    assert "Sign In" not in page_text(response)


def test_login_page_in_english_with_accept_language(client):
    response = client.get(reverse("account_login"), headers={"Accept-Language": "en"})

    assert response["Content-Language"] == "en"
    assert "Sign In" in page_text(response)


def test_login_page_in_english_with_language_cookie(client):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("account_login"), headers={"Accept-Language": "fr"})

    assert response["Content-Language"] == "en"
    assert "Sign In" in page_text(response)


def test_set_language_switches_following_pages(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("account_login"))

    assert "Sign In" in page_text(response)
