"""The read replica: which reads go to "replica", which stay on "default".

The router and its middleware are installed only with DATABASE_REPLICA_URL (not in tests). The
integration tests add a "replica" alias that reads the test database itself, as Django's
`TEST: {"MIRROR": "default"}` does, and install the router and the middleware for the test.
They run outside a test transaction (`transaction=True`): inside one, every read stays on the
primary by design.
"""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from config import db_router
from config.db_router import REPLICA, ReplicaRouter, request_may_use_replica
from members.models import Organisation, User
from tests.config.settings_probe import run_manage, settings_with_env
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

ROUTER = "config.db_router.ReplicaRouter"
MIDDLEWARE = "config.db_router.ReplicaMiddleware"


def _selects_of(queries, table):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and table in q["sql"]
    ]


# --- The router's decisions -----------------------------------------------------------------


@pytest.fixture
def marked_for_replica():
    token = db_router._use_replica.set(True)
    yield
    db_router._use_replica.reset(token)


def test_router_reads_default_when_the_request_is_not_marked():
    assert ReplicaRouter().db_for_read(Organisation) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_router_reads_replica_when_marked_outside_any_transaction(marked_for_replica):
    assert not connections[DEFAULT_DB_ALIAS].in_atomic_block

    assert ReplicaRouter().db_for_read(Organisation) == REPLICA


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_router_reads_default_inside_an_atomic_block_even_when_marked(marked_for_replica):
    with transaction.atomic():
        inside = ReplicaRouter().db_for_read(Organisation)
    after = ReplicaRouter().db_for_read(Organisation)

    assert (inside, after) == (DEFAULT_DB_ALIAS, REPLICA)


def test_router_writes_always_to_default(marked_for_replica):
    assert ReplicaRouter().db_for_write(Organisation) == DEFAULT_DB_ALIAS
    assert ReplicaRouter().db_for_write(User) == DEFAULT_DB_ALIAS


def test_router_relates_objects_of_default_and_replica_and_leaves_others_undecided():
    router = ReplicaRouter()
    on_default, on_replica, elsewhere = Organisation(), Organisation(), Organisation()
    on_default._state.db, on_replica._state.db, elsewhere._state.db = "default", REPLICA, "other"

    assert router.allow_relation(on_default, on_replica) is True
    assert router.allow_relation(on_default, elsewhere) is None


def test_router_migrates_only_default():
    router = ReplicaRouter()

    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members") is True
    assert router.allow_migrate(REPLICA, "members") is False


def test_settings_without_replica_url_install_nothing():
    built = settings_with_env(["DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE"])

    assert list(built["DATABASES"]) == ["default"]
    assert built["DATABASE_ROUTERS"] == []
    assert MIDDLEWARE not in built["MIDDLEWARE"]


def test_settings_with_replica_url_add_the_alias_router_and_middleware():
    built = settings_with_env(
        ["DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE"],
        DATABASE_URL="postgres://poles:secret@primary.internal:5432/poles",
        DATABASE_REPLICA_URL="postgres://reader:secret@replica.internal:5433/poles",
    )

    replica = built["DATABASES"]["replica"]
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert (replica["HOST"], replica["PORT"], replica["NAME"], replica["USER"]) == (
        "replica.internal",
        5433,
        "poles",
        "reader",
    )
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["TEST"]["MIRROR"] == "default"
    assert built["DATABASES"]["default"]["HOST"] == "primary.internal"
    assert built["DATABASE_ROUTERS"] == [ROUTER]
    # Last: after the authentication middleware, so that it knows who asks.
    assert built["MIDDLEWARE"][-1] == MIDDLEWARE
    assert built["MIDDLEWARE"].index(MIDDLEWARE) > built["MIDDLEWARE"].index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )


def test_settings_with_a_bad_replica_url_stop_with_one_line():
    result = run_manage("check", DJANGO_DEBUG="true", DATABASE_REPLICA_URL="nosuchdb://x")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "Configuration error: DATABASE_REPLICA_URL is not a valid database URL"
    )
    assert "Traceback" not in result.stderr


# --- Which requests may read the replica ----------------------------------------------------


class _User:
    def __init__(self, authenticated):
        self.is_authenticated = authenticated


def _request(method, path, *, signed_in=False):
    request = getattr(RequestFactory(), method.lower())(path)
    request.resolver_match = resolve(path)
    request.user = _User(signed_in)
    return request


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/",
        "/organisations/ateliers-durand/",
        "/projets-finances/",
        "/projets-finances/3/",
        "/donnees/",
        "/donnees/organisations.csv",
        "/donnees/projets-finances.json",
        "/tableaux-de-bord/",
        "/evenements/",
    ],
)
def test_public_pages_read_by_anonymous_get_and_head_may_use_the_replica(path):
    assert request_may_use_replica(_request("GET", path)) is True
    assert request_may_use_replica(_request("HEAD", path)) is True


@pytest.mark.parametrize(
    ("method", "path", "signed_in"),
    [
        ("GET", "/organisations/", True),
        ("POST", "/organisations/", False),
        ("POST", "/accounts/login/", False),
        ("GET", "/accounts/login/", False),
        ("GET", "/admin/", False),
        ("GET", "/projets/", True),
        ("GET", "/organisations/nouvelle/", False),
        ("GET", "/mon-espace/", True),
        ("GET", "/healthz", False),
    ],
)
def test_other_requests_stay_on_default(method, path, signed_in):
    assert request_may_use_replica(_request(method, path, signed_in=signed_in)) is False


# --- Integration: requests through the middleware and the router -----------------------------


@pytest.fixture(scope="module")
def _replica_alias(django_db_setup):
    """The "replica" alias, reading the test database (what `TEST: {"MIRROR": "default"}`
    does). Module-scoped: it must exist before the test's database set-up allows it."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {
        **default,
        "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    connections[REPLICA].creation.set_as_test_mirror(default)
    yield
    _close_replica()
    del connections.settings[REPLICA]


def _close_replica():
    replica = connections[REPLICA]
    # SQLite's `close()` keeps in-memory databases open; this alias is ours to close.
    BaseDatabaseWrapper.close(replica)
    del connections[REPLICA]


@pytest.fixture
def replica(_replica_alias, settings, monkeypatch):
    """The replica alias, with the router and the middleware installed as the settings do."""
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    return connections[REPLICA]


@pytest.fixture
def directory():
    OrganisationFactory(name="Ateliers Réplique", city="Toulouse")
    OrganisationFactory(name="Fonderie Miroir", city="Brest")


def _get_capturing(client, method, url, **kwargs):
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        response = getattr(client, method)(url, **kwargs)
    return response, on_default.captured_queries, on_replica.captured_queries


pytestmark_replica = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
)


@pytestmark_replica
def test_anonymous_directory_reads_the_replica_only(replica, directory, client):
    response, on_default, on_replica = _get_capturing(client, "get", reverse("members:list"))

    assert response.status_code == 200
    assert "Ateliers Réplique" in response.text
    assert "Fonderie Miroir" in response.text
    assert _selects_of(on_replica, "members_organisation")
    assert on_default == []


@pytestmark_replica
def test_anonymous_streamed_open_data_reads_the_replica(replica, directory, client):
    response, _on_default, _on_replica = _get_capturing(
        client, "get", reverse("opendata:organisations_csv")
    )
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
    ):
        body = b"".join(response.streaming_content).decode()

    assert "Fonderie Miroir" in body
    assert _selects_of(on_replica.captured_queries + _on_replica, "members_organisation")
    assert on_default.captured_queries == []


@pytestmark_replica
def test_signed_in_directory_reads_default_only(replica, directory, client):
    member = UserFactory(email="reader@example.org")
    client.force_login(member)

    response, on_default, on_replica = _get_capturing(client, "get", reverse("members:list"))

    assert "Fonderie Miroir" in response.text
    assert _selects_of(on_default, "members_organisation")
    assert on_replica == []


@pytestmark_replica
def test_sign_in_post_runs_on_default_only(replica, client):
    UserFactory(email="poster@example.org")

    response, on_default, on_replica = _get_capturing(
        client,
        "post",
        reverse("account_login"),
        data={"login": "poster@example.org", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="poster@example.org").pk)
    assert _selects_of(on_default, "members_user")
    assert on_replica == []


@pytestmark_replica
def test_admin_page_runs_on_default_only(replica, directory, client):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response, on_default, on_replica = _get_capturing(
        client, "get", reverse("admin:members_organisation_changelist")
    )

    assert "Fonderie Miroir" in response.text
    assert _selects_of(on_default, "members_organisation")
    assert on_replica == []


# --- The replica is down ----------------------------------------------------------------------


@pytest.fixture
def unreachable_replica(replica, tmp_path):
    """The replica alias pointed at a database that does not answer."""
    mirror = connections.settings[REPLICA]
    if mirror["ENGINE"] == "django.db.backends.sqlite3":
        broken = {**mirror, "NAME": str(tmp_path / "missing" / "replica.sqlite3"), "OPTIONS": {}}
    else:
        options = {**mirror.get("OPTIONS", {}), "connect_timeout": 1}
        broken = {**mirror, "HOST": "127.0.0.1", "PORT": "1", "OPTIONS": options}
    _close_replica()
    connections.settings[REPLICA] = broken
    yield connections[REPLICA]
    _close_replica()
    connections.settings[REPLICA] = mirror


@pytestmark_replica
def test_unreachable_replica_falls_back_to_default_and_is_not_retried_at_once(
    unreachable_replica, directory, client, caplog
):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default:
        first = client.get(reverse("members:list"))
    first_queries = on_default.captured_queries  # read now: the next request resets the log
    calls = []
    original = unreachable_replica.ensure_connection
    unreachable_replica.ensure_connection = lambda: calls.append(1) or original()
    second = client.get(reverse("members:list"))

    assert first.status_code == 200
    assert "Fonderie Miroir" in first.text
    assert "Fonderie Miroir" in second.text
    assert _selects_of(first_queries, "members_organisation")
    assert "Read replica unavailable" in caplog.text
    # Within REPLICA_RETRY_SECONDS the replica is not tried again.
    assert calls == []
