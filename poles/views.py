from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from members.permissions import staff_poles
from poles import selectors
from poles.events import events_for_listing
from poles.filters import PoleFilter
from poles.models import Pole

HOME_EVENTS = 4


def home(request):
    return render(
        request,
        "poles/home.html",
        {
            "figures": selectors.network_figures(),
            "upcoming_events": list(
                events_for_listing().upcoming().order_by("starts_at", "pk")[:HOME_EVENTS]
            ),
        },
    )


def pole_list(request):
    pole_filter = PoleFilter(request.GET or None, queryset=selectors.poles_for_listing())
    poles = (
        pole_filter.qs
        if pole_filter.is_bound and pole_filter.is_valid()
        else (selectors.poles_for_listing())
    )
    page = Paginator(poles, 24).get_page(request.GET.get("page"))
    template = "poles/pole_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, {"filter": pole_filter, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


def pole_detail(request, slug):
    pole = get_object_or_404(
        Pole.objects.select_related("main_region").prefetch_related("regions"), slug=slug
    )
    groups = selectors.pole_members_by_kind(pole)
    user = request.user
    return render(
        request,
        "poles/pole_detail.html",
        {
            "pole": pole,
            "groups": groups,
            "member_total": sum(group["count"] for group in groups),
            "upcoming_events": list(
                events_for_listing(user).filter(pole=pole).upcoming().order_by("starts_at")[:3]
            ),
            "services": list(pole.services.filter(is_active=True).order_by("kind", "title")),
            "can_see_dashboard": staff_poles(user).filter(pk=pole.pk).exists(),
        },
    )
