"""Event pages (`events:*`, under /evenements/): public lists and detail, registration,
the user's registrations, iCalendar files.

Published events are public; an unpublished one is 404 except for the staff of its pôle and
superusers, who see it with a preview banner. Registering and cancelling need an account;
state changes are POST, cancelling confirms on GET.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from poles import events
from poles.event_filters import EventFilter
from poles.event_forms import RegistrationForm
from poles.ical import ics_response
from poles.models import Pole, RegistrationStatus

PER_PAGE = 20


def _host(request) -> str:
    return request.get_host().split(":")[0]


def _list(request, *, pole=None):
    now = timezone.now()
    queryset = events.events_for_listing(request.user)
    if pole is not None:
        queryset = queryset.filter(pole=pole)
    event_filter = EventFilter(request.GET, queryset=queryset, now=now, pole=pole)
    page = Paginator(event_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        if event.capacity is not None:
            event.seats_left = max(event.capacity - event.confirmed_count, 0)
    template = "poles/events/event_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(
        request,
        template,
        {"filter": event_filter, "page": page, "pole": pole, "is_past": event_filter.is_past},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def event_list(request):
    return _list(request)


def pole_events(request, slug):
    return _list(request, pole=get_object_or_404(Pole, slug=slug))


def event_detail(request, slug):
    event, manages = events.get_event_for_user(request.user, slug)
    registration = events.registration_of(request.user, event)
    status = registration.status if registration else None
    holds_seat = status == RegistrationStatus.CONFIRMED
    active = status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
    is_open = events.is_open_for_registration(event)
    form = RegistrationForm(organisations=events.eligible_organisations(request.user, event))
    is_eligible = not event.members_only or form.organisation_count > 0
    seats_left = None if event.capacity is None else max(event.capacity - event.confirmed_count, 0)
    context = {
        "event": event,
        "registration": registration,
        "manages": manages,
        "is_preview": not event.is_published,
        "is_past": event.ends_at < timezone.now(),
        "is_open": is_open,
        "is_eligible": is_eligible,
        "can_register": request.user.is_authenticated and is_open and is_eligible and not active,
        "can_cancel": active and event.starts_at > timezone.now(),
        "is_full": seats_left == 0,
        "seats_left": seats_left,
        "shows_online_link": bool(event.online_url) and (holds_seat or manages),
        "location": events.event_location(event),
        "form": form,
    }
    return render(request, "poles/events/event_detail.html", context)


@require_POST
@login_required
def register(request, slug):
    event, _manages = events.get_event_for_user(request.user, slug)
    form = RegistrationForm(
        request.POST, organisations=events.eligible_organisations(request.user, event)
    )
    if not form.is_valid():
        messages.error(request, _("Choisissez l'organisation que vous représenterez."))
        return redirect(event)
    try:
        registration = events.register(
            actor=request.user, event=event, organisation=form.cleaned_data["organisation"]
        )
    except events.EventError as error:
        messages.error(request, str(error))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("Vous êtes inscrit. Un e-mail de confirmation suit."))
        else:
            messages.warning(
                request,
                _(
                    "L'événement est complet : vous êtes sur la liste d'attente. Vous serez "
                    "inscrit automatiquement si une place se libère."
                ),
            )
    return redirect(event)


@login_required
def cancel(request, slug):
    event, _manages = events.get_event_for_user(request.user, slug)
    registration = events.registration_of(request.user, event)
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise Http404
    if request.method == "POST":
        try:
            events.cancel_registration(actor=request.user, registration=registration)
        except events.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Votre inscription est annulée."))
        return redirect(event)
    return render(
        request,
        "poles/events/event_cancel.html",
        {"event": event, "registration": registration},
    )


@login_required
def my_registrations(request):
    now = timezone.now()
    registrations = list(events.registrations_of_user(request.user))
    upcoming = [r for r in registrations if r.event.ends_at >= now]
    upcoming.reverse()  # soonest first
    past = [r for r in registrations if r.event.ends_at < now]
    return render(
        request,
        "poles/events/my_registrations.html",
        {"upcoming": upcoming, "past": past},
    )


def event_ics(request, slug):
    event, _manages = events.get_event_for_user(request.user, slug)
    entry = events.ical_entry(
        event, host=_host(request), url=request.build_absolute_uri(event.get_absolute_url())
    )
    return ics_response([entry], filename=f"{event.slug}.ics", name=event.title)


def pole_feed(request, slug):
    pole = get_object_or_404(Pole, slug=slug)
    host = _host(request)
    entries = [
        events.ical_entry(
            event, host=host, url=request.build_absolute_uri(event.get_absolute_url())
        )
        for event in events.pole_feed_events(pole)
    ]
    name = _("Événements — %(pole)s") % {"pole": pole}
    return ics_response(entries, filename=f"evenements-{pole.slug}.ics", name=name)
