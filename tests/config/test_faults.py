"""Faults: the database unreachable, then back; a write interrupted half-way.

The database is made unreachable by patching the connection's `ensure_connection` (every query
goes through it) to raise `OperationalError`, as psycopg does when PostgreSQL is stopped; on
PostgreSQL, further tests point the connection at a closed port and at a server that never
answers.
"""

import logging
import socket
import time

import pytest
from django.db import OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from members.models import Organisation
from projects import consortium
from projects.models import Project, ProjectPartner
from tests.factories import AffiliationFactory, CallFactory, OrganisationFactory, UserFactory
from tests.helpers import page_text

FRIENDLY = "Le portail est momentanément indisponible"


def _refuse(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as when PostgreSQL is stopped; `database_down.undo()` brings it back."""
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", _refuse)
    return monkeypatch


def _fault_records(caplog):
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name in {"django.request", "config.database"}
    ]


@pytest.mark.django_db
def test_home_database_down_answers_friendly_503(client, database_down, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("poles:home"))

    text = page_text(response)
    assert response.status_code == 503
    assert FRIENDLY in text
    assert "Réessayez dans quelques instants" in text
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    [record] = _fault_records(caplog)
    assert "Database unavailable, answered 503: GET /" in record.getMessage()


@pytest.mark.django_db
def test_member_space_database_down_answers_503_for_signed_in_user(member, database_down, caplog):
    # The session and the user are read by a middleware (two-factor check) before the view:
    # Django turns that error into a 500 at the middleware, which ours replaces with the 503.
    client = Client(raise_request_exception=False)
    database_down.undo()
    client.force_login(member)
    database_down.setattr(BaseDatabaseWrapper, "ensure_connection", _refuse)

    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("dashboard"))

    text = page_text(response)
    assert response.status_code == 503
    assert FRIENDLY in text
    assert "Réessayez dans quelques instants" in text
    assert "Marc" not in text  # nothing of the user: the page needs no session
    assert response["Retry-After"] == "30"
    assert len(_fault_records(caplog)) == 1


@pytest.mark.django_db
def test_member_space_database_down_in_view_answers_503(member, client, monkeypatch):
    # Session and user already loaded: the error comes from the view's own queries.
    client.force_login(member)
    monkeypatch.setattr("members.views.render", _refuse)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 503
    assert FRIENDLY in page_text(response)


@pytest.mark.django_db
def test_database_down_page_is_translated(client, database_down):
    response = client.get(reverse("poles:home"), headers={"accept-language": "en"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_healthz_database_down_answers_503(client, database_down):
    response = client.get(reverse("healthz"))

    assert (response.status_code, response.content) == (503, b"database unavailable\n")


@pytest.mark.django_db
def test_database_back_next_request_works(member, database_down):
    client = Client(raise_request_exception=False)
    database_down.undo()
    client.force_login(member)
    database_down.setattr(BaseDatabaseWrapper, "ensure_connection", _refuse)
    down = client.get(reverse("poles:home"))
    database_down.undo()

    home = client.get(reverse("poles:home"))
    space = client.get(reverse("dashboard"))
    health = client.get(reverse("healthz"))

    assert down.status_code == 503
    assert (home.status_code, space.status_code) == (200, 200)
    assert FRIENDLY not in page_text(home)
    assert "Marc" in page_text(space)
    assert health.content == b"ok\n"


@pytest.mark.django_db
def test_other_errors_still_answer_500(member, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug, not a fault")

    client = Client(raise_request_exception=False)
    client.force_login(member)
    monkeypatch.setattr("members.views.render", bug)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 500
    assert FRIENDLY not in page_text(response)
    assert "Une erreur est survenue" in page_text(response)


# A write interrupted by a fault leaves nothing half-done.


@pytest.mark.django_db(transaction=True)
def test_create_project_interrupted_leaves_no_row(monkeypatch):
    actor = UserFactory()
    coordinator = OrganisationFactory()
    AffiliationFactory(user=actor, organisation=coordinator)
    call = CallFactory()
    before = (Project.objects.count(), ProjectPartner.objects.count(), AuditEntry.objects.count())

    # The project and its coordinator's part are written; the audit entry, last, fails.
    monkeypatch.setattr(consortium, "record", _refuse)
    with pytest.raises(OperationalError):
        consortium.create_project(
            actor=actor,
            coordinator=coordinator,
            acronym="PANNE",
            title="Projet",
            summary="Résumé",
            call=call,
        )

    after = (Project.objects.count(), ProjectPartner.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert not Project.objects.filter(acronym="PANNE").exists()


@pytest.mark.django_db(transaction=True)
def test_create_organisation_interrupted_leaves_no_row(monkeypatch):
    from members import services

    OrganisationFactory()
    before = Organisation.objects.count()
    monkeypatch.setattr(services, "refresh_search_data", _refuse)

    with pytest.raises(OperationalError):
        services.create_organisation(actor=None, name="Panne SAS", kind="other")

    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(name="Panne SAS").exists()


# PostgreSQL stopped: no 30-second hang (connect_timeout), then back (health checks).


def _wrapper_at(host: str, port: int, **options) -> BaseDatabaseWrapper:
    """A new connection with the test database's settings, but to `host`:`port`."""
    default = connections["default"]
    settings_dict = {
        **default.settings_dict,
        "HOST": host,
        "PORT": str(port),
        "OPTIONS": {**default.settings_dict["OPTIONS"], **options},
    }
    return type(default)(settings_dict, alias="unreachable")


@pytest.mark.postgres
@pytest.mark.django_db
def test_settings_bound_connection_time_and_check_health():
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


@pytest.mark.postgres
@pytest.mark.django_db
def test_closed_port_fails_within_5_seconds():
    unreachable = _wrapper_at("127.0.0.1", 1)

    started = time.monotonic()
    with pytest.raises(OperationalError):
        unreachable.ensure_connection()

    assert time.monotonic() - started < 5


@pytest.mark.postgres
@pytest.mark.django_db
def test_silent_server_fails_after_connect_timeout_not_hang():
    # A server that accepts TCP connections but never answers: only connect_timeout ends it.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        unreachable = _wrapper_at("127.0.0.1", silent.getsockname()[1], connect_timeout=2)

        started = time.monotonic()
        with pytest.raises(OperationalError):
            unreachable.ensure_connection()
        elapsed = time.monotonic() - started

    assert 1.5 <= elapsed < 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_unreachable_pages_answer_503_quickly_then_recover(client, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    connection.close()

    started = time.monotonic()
    response = client.get(reverse("poles:home"))
    elapsed = time.monotonic() - started
    health = client.get(reverse("healthz"))
    monkeypatch.undo()
    back = client.get(reverse("poles:home"))

    assert response.status_code == 503
    assert FRIENDLY in page_text(response)
    assert elapsed < 5
    assert health.status_code == 503
    assert back.status_code == 200
    assert FRIENDLY not in page_text(back)
