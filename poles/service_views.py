"""Services of the pôles: the catalogue, a service's page and request, and one's requests.

Each view: permission helper → form → service → message → redirect. State changes are POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from poles import member_services
from poles.service_filters import ServiceFilter
from poles.service_forms import ServiceRequestForm

PER_PAGE = 20


def service_list(request):
    base = member_services.active_services()
    service_filter = ServiceFilter(request.GET, queryset=base)
    services = service_filter.qs if service_filter.is_valid() else base
    page = Paginator(services.order_by("pole__name", "kind", "title", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = "poles/services/service_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"filter": service_filter, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _get_service(pk):
    service = member_services.get_active_service(pk)
    if service is None:
        raise Http404
    return service


def _detail_context(request, service, *, form=None) -> dict:
    user = request.user
    organisations = member_services.organisations_of(user)
    eligible = member_services.organisations_eligible_for(user, service)
    first_eligible = eligible.first()
    if form is None and first_eligible is not None:
        form = ServiceRequestForm(
            organisations=organisations, initial={"organisation": first_eligible}
        )
    return {
        "service": service,
        "form": form,
        "is_affiliated": organisations.exists(),
        # Affiliated, but no organisation of his may ask for this members-only service.
        "needs_membership": service.members_only
        and first_eligible is None
        and organisations.exists(),
        "my_requests": member_services.service_requests_for_user(user).filter(service=service),
        "can_follow_in_admin": user.is_authenticated
        and user.is_staff
        and member_services.services_for_staff(user).filter(pk=service.pk).exists(),
    }


def service_detail(request, pk):
    service = _get_service(pk)
    return render(request, "poles/services/service_detail.html", _detail_context(request, service))


@login_required
@require_POST
def service_request(request, pk):
    service = _get_service(pk)
    form = ServiceRequestForm(
        request.POST, organisations=member_services.organisations_of(request.user)
    )
    if form.is_valid():
        try:
            member_services.request_service(
                actor=request.user,
                service=service,
                organisation=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )
        except member_services.ServiceRequestError as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à l'équipe de %(pole)s ; un accusé de réception "
                    "vous est adressé par e-mail."
                )
                % {"pole": service.pole.name},
            )
            return redirect("services:mine")
    return render(
        request,
        "poles/services/service_detail.html",
        _detail_context(request, service, form=form),
    )


@login_required
def my_requests(request):
    requests = member_services.service_requests_for_user(request.user)
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "poles/services/my_requests.html",
        {"page": page, "is_affiliated": member_services.organisations_of(request.user).exists()},
    )
