from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from members import permissions
from members.filters import OrganisationFilter
from members.models import Membership


def organisation_list(request):
    base = permissions.organisations_visible_to(request.user).select_related("region")
    organisation_filter = OrganisationFilter(request.GET, queryset=base)
    organisations = organisation_filter.qs if organisation_filter.is_valid() else base
    page = Paginator(organisations.order_by("name", "pk"), 20).get_page(request.GET.get("page"))
    template = "members/organisation_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"filter": organisation_filter, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


def organisation_detail(request, slug):
    organisation = permissions.get_organisation_for_user(request.user, slug)
    memberships = (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("pole")
        .order_by("pole__name")
    )
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "competences": organisation.competences.order_by("name"),
            "can_manage": permissions.can_manage_organisation(request.user, organisation),
        },
    )
