"""Events: who may see and manage them (selectors), and the writes on registrations (services).

Services take keyword-only arguments and an explicit `actor`, lock the event's row, check
state first, write an audit entry and send their mails after commit. A refusal is an
`EventError` whose message, translated, says why.

Seats: an event with a `capacity` has that many CONFIRMED registrations at most; the others
wait, in `queued_at` order, and the first ones are promoted as soon as a seat is free (a
cancellation, or staff raising the capacity). Every change of seats happens with the event's
row locked (`select_for_update` on PostgreSQL; on SQLite write transactions are serialised
by `transaction_mode = IMMEDIATE`), so two people taking the last seat at the same moment get
one seat and one place on the waiting list.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from members import permissions as member_permissions
from members.models import MembershipStatus, Organisation
from members.services import send_templated_mail
from poles.ical import Entry
from poles.models import Event, PoleStaff, Registration, RegistrationStatus

R = RegistrationStatus

# The pôle's feed goes back this far (calendar clients keep past entries).
FEED_HISTORY = timedelta(days=365)


class EventError(Exception):
    """An action on an event that cannot be done now; the message says why, translated."""


# --- permissions --------------------------------------------------------------------------


def can_manage_event(user, event: Event) -> bool:
    """Staff of the event's pôle and superusers: they preview, export and check people in."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return PoleStaff.objects.filter(user=user, pole_id=event.pole_id).exists()


def events_managed_by(user):
    """The events of the pôles `user` animates (all for a superuser)."""
    return Event.objects.filter(pole__in=member_permissions.staff_poles(user))


def get_event_for_user(user, slug: str) -> tuple[Event, bool]:
    """The event and whether `user` manages it; unpublished events are 404 for the others."""
    try:
        event = Event.objects.select_related("pole", "region").with_seat_counts().get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None
    manages = can_manage_event(user, event)
    if not event.is_published and not manages:
        raise Http404
    return event, manages


def eligible_organisations(user, event: Event):
    """The organisations `user` may register for: those he works for, and on a members-only
    event only those with an active membership of the event's pôle."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    organisations = Organisation.objects.filter(affiliations__user=user)
    if event.members_only:
        organisations = organisations.filter(
            memberships__pole_id=event.pole_id, memberships__status=MembershipStatus.ACTIVE
        )
    return organisations.distinct().order_by("name")


# --- selectors ------------------------------------------------------------------------------


def _waiting_position():
    """Subquery: 1 + how many people wait before this registration (for WAITING rows)."""
    ahead = (
        Registration.objects.filter(
            event=OuterRef("event"), status=R.WAITING, queued_at__lte=OuterRef("queued_at")
        )
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(ahead), 0)


def events_for_listing(user=None):
    """Published events with their pôle, region and seat counts; for a signed-in user,
    `my_status` is his registration's status (or None)."""
    events = Event.objects.published().select_related("pole", "region").with_seat_counts()
    if user is not None and user.is_authenticated:
        events = events.annotate(
            my_status=Subquery(
                Registration.objects.filter(event=OuterRef("pk"), user=user).values("status")[:1]
            )
        )
    return events


def registration_of(user, event: Event) -> Registration | None:
    """`user`'s registration to `event` (any status) with its waiting position, or None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user)
        .select_related("organisation")
        .annotate(position=_waiting_position())
        .first()
    )


def registrations_of_user(user):
    """`user`'s registrations, newest events first, with the event and waiting position."""
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__pole", "organisation")
        .annotate(position=_waiting_position())
        .order_by("-event__starts_at", "-pk")
    )


def attendees(event: Event):
    """Confirmed and waiting registrations of `event`, in queue order, for the staff."""
    return (
        Registration.objects.filter(event=event)
        .exclude(status=R.CANCELLED)
        .select_related("user", "organisation", "checked_in_by")
        .order_by("status", "queued_at", "pk")
    )


def pole_feed_events(pole, *, now=None):
    """A pôle's published events that started at most a year ago, for its calendar feed."""
    now = now or timezone.now()
    return Event.objects.published().filter(pole=pole, starts_at__gte=now - FEED_HISTORY)


def event_location(event: Event) -> str:
    parts = [part for part in (event.venue, event.address, event.city) if part]
    if parts:
        return ", ".join(parts)
    return _("En ligne") if event.online_url else ""


def ical_entry(event: Event, *, host: str, url: str = "") -> Entry:
    """The event as one iCalendar entry; `host` makes its UID unique (it never changes)."""
    description = "\n\n".join(part for part in (event.summary, event.description) if part)
    return Entry(
        uid=f"evenement-{event.pk}@{host}",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.title,
        description=description,
        location=event_location(event),
        url=url,
        cancelled=event.is_cancelled,
        updated_at=event.updated_at,
    )


def registration_closes_at(event: Event):
    return event.registration_closes_at or event.starts_at


def is_open_for_registration(event: Event, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        event.is_published
        and not event.is_cancelled
        and now < event.starts_at
        and now < registration_closes_at(event)
    )


# --- services -------------------------------------------------------------------------------


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("pole").get(pk=event.pk)


def _check_registration_open(event: Event, now) -> None:
    if not event.is_published:
        raise EventError(_("Cet événement n'est pas encore publié."))
    if event.is_cancelled:
        raise EventError(_("Cet événement est annulé."))
    if now >= event.starts_at:
        raise EventError(_("Cet événement a commencé : les inscriptions sont closes."))
    if now >= registration_closes_at(event):
        raise EventError(_("Les inscriptions à cet événement sont closes."))


def _registration_organisation(actor, event: Event, organisation):
    eligible = eligible_organisations(actor, event)
    if organisation is not None:
        if not eligible.filter(pk=organisation.pk).exists():
            if event.members_only:
                raise EventError(
                    _(
                        "%(organisation)s n'est pas adhérente du pôle %(pole)s : cet événement "
                        "est réservé à ses adhérents."
                    )
                    % {"organisation": organisation.name, "pole": event.pole}
                )
            raise PermissionDenied
        return organisation
    chosen = eligible.first()
    if chosen is None and event.members_only:
        raise EventError(
            _(
                "Cet événement est réservé aux adhérents du pôle %(pole)s : rattachez-vous "
                "d'abord à une organisation adhérente."
            )
            % {"pole": event.pole}
        )
    return chosen


def _confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=R.CONFIRMED).count()


def _free_seats(event: Event) -> int | None:
    """Seats left (None: no limit). Call it with the event's row locked."""
    if event.capacity is None:
        return None
    return max(event.capacity - _confirmed_count(event), 0)


def _fill_seats(*, actor, event: Event, now) -> list[Registration]:
    """Promote the first waiting registrations into the free seats (event row locked).

    Side effects: an audit entry and a mail per promoted person."""
    if event.is_cancelled or now >= event.starts_at:
        return []
    free = _free_seats(event)
    waiting = Registration.objects.filter(event=event, status=R.WAITING).select_related("user")
    waiting = waiting.order_by("queued_at", "pk")
    if free is not None:
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.status = R.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        record(
            actor=actor,
            action="event.promote",
            target=registration,
            summary=f"{registration.user.email} sort de la liste d'attente de {event.title}",
            event=event.slug,
        )
        send_templated_mail(
            template="email/event_promoted",
            to=[registration.user.email],
            context=_mail_context(event, registration),
        )
    return promoted


def _mail_context(event: Event, registration: Registration) -> dict:
    return {
        "event": event,
        "registration": registration,
        "location": event_location(event),
        "position": Registration.objects.filter(
            event=event, status=R.WAITING, queued_at__lte=registration.queued_at
        ).count()
        if registration.status == R.WAITING
        else None,
    }


@transaction.atomic
def register(*, actor, event: Event, organisation: Organisation | None = None) -> Registration:
    """Register `actor` to `event` for `organisation` (by default, the first one he may
    register for): a seat when one is free, else a place at the end of the waiting list.

    Refuses unpublished, cancelled, started and closed events; on a members-only event the
    organisation must be an active member of the event's pôle. Registering again after a
    cancellation reuses the registration, at the end of the queue.
    Side effects: an audit entry; a mail (confirmation, or waiting-list notice).
    """
    if not actor.is_authenticated:
        raise PermissionDenied
    now = timezone.now()
    event = _locked(event)
    _check_registration_open(event, now)
    organisation = _registration_organisation(actor, event, organisation)
    registration = Registration.objects.filter(event=event, user=actor).first()
    if registration is not None and registration.status == R.CONFIRMED:
        raise EventError(_("Vous êtes déjà inscrit à cet événement."))
    if registration is not None and registration.status == R.WAITING:
        raise EventError(_("Vous êtes déjà sur la liste d'attente de cet événement."))
    # Seats freed and not yet given go to the people already waiting, before a newcomer.
    _fill_seats(actor=actor, event=event, now=now)
    free = _free_seats(event)
    status = R.CONFIRMED if free is None or free > 0 else R.WAITING
    if registration is None:
        registration = Registration(event=event, user=actor)
    registration.organisation = organisation
    registration.status = status
    registration.queued_at = now
    registration.promoted_at = None
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.checked_in_by = None
    registration.full_clean(validate_unique=False, validate_constraints=False)
    registration.save()
    record(
        actor=actor,
        action="event.register" if status == R.CONFIRMED else "event.wait",
        target=registration,
        summary=f"{actor.email} {'inscrit à' if status == R.CONFIRMED else 'en attente pour'} "
        f"{event.title}",
        event=event.slug,
        organisation=organisation.slug if organisation else None,
    )
    send_templated_mail(
        template="email/event_registered" if status == R.CONFIRMED else "email/event_waiting",
        to=[actor.email],
        context=_mail_context(event, registration),
    )
    return registration


def _cancel_meetings(*, actor, registration) -> None:
    """The person's business meetings at the event go with his seat (poles.meetings)."""
    from poles.meetings import cancel_meetings_of  # noqa: PLC0415  (meetings reads events)

    cancel_meetings_of(registration=registration, actor=actor)


@transaction.atomic
def cancel_registration(*, actor, registration: Registration) -> list[Registration]:
    """Cancel `registration` (its person, or staff of the event's pôle); when it held a seat,
    the first people waiting take it. Returns the promoted registrations.

    Side effects: audit entries; the promoted people get a mail; the person's business
    meetings at the event are cancelled.
    """
    now = timezone.now()
    event = _locked(registration.event)
    registration = Registration.objects.select_related("user").get(pk=registration.pk)
    if registration.user_id != actor.pk and not can_manage_event(actor, event):
        raise PermissionDenied
    if registration.status == R.CANCELLED:
        raise EventError(_("Cette inscription est déjà annulée."))
    if now >= event.starts_at:
        raise EventError(_("L'événement a commencé : l'inscription ne peut plus être annulée."))
    held_seat = registration.status == R.CONFIRMED
    registration.status = R.CANCELLED
    registration.cancelled_at = now
    registration.checked_in_at = None
    registration.checked_in_by = None
    registration.save(update_fields=["status", "cancelled_at", "checked_in_at", "checked_in_by"])
    record(
        actor=actor,
        action="event.cancel_registration",
        target=registration,
        summary=f"Inscription de {registration.user.email} à {event.title} annulée",
        event=event.slug,
        held_seat=held_seat,
    )
    _cancel_meetings(actor=actor, registration=registration)
    return _fill_seats(actor=actor, event=event, now=now) if held_seat else []


@transaction.atomic
def promote_waiting(*, actor, event: Event) -> list[Registration]:
    """Give the free seats to the first people waiting (after staff raise the capacity).

    Side effects: an audit entry and a mail per promoted person."""
    if actor is not None and not can_manage_event(actor, event):
        raise PermissionDenied
    event = _locked(event)
    return _fill_seats(actor=actor, event=event, now=timezone.now())


def _check_staff(actor, registration: Registration) -> Registration:
    registration = Registration.objects.select_related("event__pole", "user").get(
        pk=registration.pk
    )
    if not can_manage_event(actor, registration.event):
        raise PermissionDenied
    return registration


@transaction.atomic
def check_in(*, actor, registration: Registration) -> Registration:
    """Staff mark a confirmed participant present (idempotent)."""
    registration = _check_staff(actor, registration)
    if registration.status != R.CONFIRMED:
        raise EventError(
            _("%(person)s n'a pas de place confirmée : impossible de l'émarger.")
            % {"person": registration.user.get_full_name() or registration.user.email}
        )
    if registration.checked_in_at is not None:
        return registration
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = actor
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    record(
        actor=actor,
        action="event.check_in",
        target=registration,
        summary=f"{registration.user.email} présent(e) à {registration.event.title}",
        event=registration.event.slug,
    )
    return registration


@transaction.atomic
def undo_check_in(*, actor, registration: Registration) -> Registration:
    """Staff take back a presence marked by mistake (idempotent)."""
    registration = _check_staff(actor, registration)
    if registration.checked_in_at is None:
        return registration
    registration.checked_in_at = None
    registration.checked_in_by = None
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    record(
        actor=actor,
        action="event.undo_check_in",
        target=registration,
        summary=f"Présence de {registration.user.email} à {registration.event.title} annulée",
        event=registration.event.slug,
    )
    return registration
