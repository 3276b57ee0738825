"""/healthz: what load balancers poll."""

import pytest
from django.db import OperationalError
from django.urls import reverse

import config.views


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


@pytest.mark.django_db
def test_healthz_database_answers_ok(client):
    response = client.get(reverse("healthz"))

    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Content-Type"] == "text/plain"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_database_down_answers_503(client, monkeypatch):
    monkeypatch.setattr(config.views, "connection", _BrokenConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("healthz"))

    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_home_is_redirected_to_https_when_ssl_redirect_on(client, settings):
    # The control of the test above: the same setting does redirect ordinary pages.
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("poles:home"))

    assert (response.status_code, response["Location"]) == (301, "https://testserver/")
