"""When the database is unreachable, pages answer 503 with a friendly page, not a 500.

`DatabaseUnavailableMiddleware` turns a `django.db.OperationalError` or `InterfaceError`
(PostgreSQL stopped, restarting, refusing connections; `connect_timeout` in the settings keeps
the wait under 5 seconds) into a 503 rendered from `templates/503.html` with `Retry-After`.
The page is rendered without a request: no context processor, no session, no user, no query.

Two paths lead there:

- an error raised by the view or its template reaches `process_exception`;
- an error raised by a middleware (the session or user read by another middleware's
  `process_view`, a session saved in `process_response`) never reaches `process_exception`:
  Django turns it into a 500 response at that middleware's boundary. It announces it first
  with the `got_request_exception` signal, whose receiver below marks the request; the
  middleware then replaces that 500 with the 503 on the way out.

Each fault is logged once at error level (by this module, or by Django's own `django.request`
log of the exception in the second path).
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template

logger = logging.getLogger("config.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_MARK = "_database_unavailable"


def unavailable_response() -> HttpResponse:
    """The 503 page, rendered from static text only (the database is not asked)."""
    body = get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once, here or by Django: keep Django's handler from logging it again
    # (`django.utils.log.log_response` skips responses so marked).
    response._has_been_logged = True
    return response


def _mark_database_error(sender, request=None, **kwargs):
    """Mark a request whose handling raised a database connection error (see module doc)."""
    if request is not None and isinstance(sys.exception(), DATABASE_ERRORS):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_error, dispatch_uid="config.database_unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 (friendly page, `Retry-After: 30`) when the database cannot be reached.

    Placed early in MIDDLEWARE (before the session and authentication middleware), so that
    errors raised by those also end here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Never raises: Django wraps every inner middleware so that its exceptions become
        # responses (hence the mark set by the signal receiver above).
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code == 500:
            # Django has already logged the exception (django.request, with its traceback).
            return unavailable_response()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    @staticmethod
    def _unavailable(request, exc) -> HttpResponse:
        logger.error(
            "Database unavailable, answered 503: %s %s (%s: %s)",
            request.method,
            request.path,
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        )
        return unavailable_response()
