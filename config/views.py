"""Views that belong to no domain app: health check, language switch and error pages."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from members.services import remember_language


@never_cache
@require_GET
def healthz(request):
    """200 `ok` when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def set_language(request):
    """Django's language switch, which also keeps a signed-in person's choice: his mails are
    then written in it (`members.services.send_templated_mail`)."""
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if language and request.user.is_authenticated and check_for_language(language):
        remember_language(user=request.user, language=language)
    return response
