"""A PostgreSQL read replica for the public, read-only pages.

Installed only when `DATABASE_REPLICA_URL` is set (`config/settings.py` then adds the alias
"replica", `ReplicaRouter` and `ReplicaMiddleware`); without it nothing here runs.

The replica lags the primary by a moment (streaming replication), so it serves only what may
be a few seconds old: anonymous GET and HEAD requests to the views in `REPLICA_VIEWS`, the
public directory, organisation pages, funded projects, open data, the network's dashboard and
the events list. Everything else reads and writes the primary ("default"): signed-in people
(who must see what they have just saved), every POST, the admin, migrations, and any read
made inside `transaction.atomic` (a read that precedes a write must see the primary's data).

`ReplicaMiddleware` marks such a request with a context variable, after checking that the
replica answers (a short `connect_timeout`); when it does not, the request reads the primary
and the replica is left alone for `REPLICA_RETRY_SECONDS`, so that an outage of the replica
costs one timeout per worker, not one per request. `ReplicaRouter` sends a read to the replica
only while the mark is set and the primary's connection is outside any atomic block.
"""

import logging
import time
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger("config.database")

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 30

# Public pages whose reads may come from the replica, by URL name (anonymous GET/HEAD only).
REPLICA_VIEWS = frozenset(
    {
        "members:list",
        "members:organisation",
        "funded:list",
        "funded:detail",
        "opendata:index",
        "opendata:organisations_csv",
        "opendata:organisations_json",
        "opendata:funded_projects_csv",
        "opendata:funded_projects_json",
        "dashboards:network",
        "dashboards:network_csv",
        "events:list",
    }
)

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)
# Monotonic time before which the replica is not tried again (it failed its check).
_replica_down_until = 0.0


class ReplicaRouter:
    """Reads of marked requests go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _use_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from either may be related.
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema through replication.
        return db == DEFAULT_DB_ALIAS


def request_may_use_replica(request) -> bool:
    """An anonymous GET or HEAD of an allow-listed public page."""
    if request.method not in {"GET", "HEAD"}:
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in REPLICA_VIEWS:
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def replica_available() -> bool:
    """Whether the replica answers now; after a failure, not retried for a while."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    connection = connections[REPLICA]
    try:
        # A kept-alive connection may have died since the last request: check it first.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as exc:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        connection.close()
        logger.warning(
            "Read replica unavailable, public pages read the primary for %s s: %s",
            REPLICA_RETRY_SECONDS,
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        )
        return False
    return True


def _streamed_on_replica(chunks):
    """Streamed bodies (open data) are read after the middleware returns: keep the mark on
    while each chunk is made."""
    iterator = iter(chunks)
    while True:
        token = _use_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _use_replica.reset(token)
        yield chunk


class ReplicaMiddleware:
    """Marks anonymous reads of public pages for the replica (placed after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            token = request.__dict__.pop("_replica_token", None)
            if token is not None:
                _use_replica.reset(token)
        if token is not None and response.streaming:
            response.streaming_content = _streamed_on_replica(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request_may_use_replica(request) and replica_available():
            request._replica_token = _use_replica.set(True)
