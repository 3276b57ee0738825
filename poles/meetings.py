"""One-to-one business meetings at a rendez-vous d'affaires: who may see what, the reads the
pages need, the writes (request, accept, decline, cancel) and the scheduler.

Writes take keyword-only arguments and an explicit `actor`, run in a transaction, write an
audit entry and send their mails after commit. A refusal is a `MeetingError` whose message,
translated, says why. A meeting's lifecycle: pending → accepted (with a slot and a table) or
declined; pending or accepted → cancelled (by either party, or by the pôle's staff).

The scheduler gives an accepted meeting the earliest slot of the session where both people
are free and a table is free. The database has the last word: `agenda_no_double_booking`
(one `AgendaEntry` per person and slot) and `meeting_table_once_per_slot` refuse what two
concurrent accepts could otherwise both take; the loser retries on the next free slot.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from members.models import Competence
from members.services import send_templated_mail
from poles.events import can_manage_event
from poles.models import (
    AgendaEntry,
    Event,
    EventKind,
    Meeting,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)

OPEN_STATUSES = (MeetingStatus.PENDING, MeetingStatus.ACCEPTED)
# How many times an accept retries on the next slot when a concurrent accept took the one it
# had chosen (the database refused it).
SCHEDULING_ATTEMPTS = 5


class MeetingError(Exception):
    """An action that cannot be done now; the message says why, translated."""


# --- Who may see what ---------------------------------------------------------------------------


def confirmed_registration(user, event: Event) -> Registration | None:
    """`user`'s confirmed seat at `event`, or None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user, status=RegistrationStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )


def get_meetings_event(user, slug: str) -> tuple[Event, Registration | None]:
    """The rendez-vous d'affaires `slug` and `user`'s confirmed registration, for its confirmed
    participants and the staff of its pôle (with no registration); 404 for anyone else."""
    event = (
        Event.objects.filter(
            slug=slug, kind=EventKind.BUSINESS_MEETINGS, meetings_starts_at__isnull=False
        )
        .select_related("pole")
        .first()
    )
    if event is None or not event.has_meetings:
        raise Http404
    registration = confirmed_registration(user, event)
    if registration is not None and (event.is_published or can_manage_event(user, event)):
        return event, registration
    if can_manage_event(user, event):
        return event, None
    raise Http404


def get_participant_event(user, slug: str) -> tuple[Event, Registration]:
    """Like `get_meetings_event`, for pages that need the user's own seat (agenda, profile)."""
    event, registration = get_meetings_event(user, slug)
    if registration is None:
        raise Http404
    return event, registration


def get_meeting_for_party(user, pk: int) -> Meeting:
    """A meeting `user` takes part in (as requester or recipient); 404 otherwise."""
    meeting = (
        Meeting.objects.filter(pk=pk)
        .filter(Q(requester__user=user) | Q(recipient__user=user))
        .select_related(
            "event",
            "requester__user",
            "requester__organisation",
            "recipient__user",
            "recipient__organisation",
        )
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_participant(event: Event, pk: int) -> Registration:
    """A confirmed participant of `event` open to meetings; 404 otherwise."""
    registration = (
        Registration.objects.filter(
            pk=pk, event=event, status=RegistrationStatus.CONFIRMED, meetings_opt_in=True
        )
        .select_related("user", "organisation")
        .first()
    )
    if registration is None:
        raise Http404
    return registration


# --- Reads --------------------------------------------------------------------------------------


def meetings_window_open(event: Event, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return event.has_meetings and not event.is_cancelled and event.meetings_ends_at > now


def participants_for(event: Event, *, viewer: Registration | None, text: str = "", kind: str = ""):
    """The confirmed participants open to meetings, other than `viewer`, by organisation and
    name, with their organisation, its region and competences (three queries)."""
    queryset = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, meetings_opt_in=True
    )
    if viewer is not None:
        queryset = queryset.exclude(pk=viewer.pk)
    if kind:
        queryset = queryset.filter(organisation__kind=kind)
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__city__icontains=word)
            | Q(offer__icontains=word)
            | Q(seeking__icontains=word)
            | Q(organisation__competences__name__icontains=word)
        )
    if text.split():  # the competences' join may repeat a row
        queryset = Registration.objects.filter(pk__in=queryset.values("pk"))
    return (
        queryset.select_related("user", "organisation", "organisation__region")
        .prefetch_related(
            Prefetch("organisation__competences", queryset=Competence.objects.order_by("name"))
        )
        .order_by("organisation__name", "user__last_name", "user__first_name", "pk")
    )


def open_meetings_by_participant(registration: Registration | None) -> dict[int, Meeting]:
    """`registration`'s pending and accepted meetings, keyed by the other participant's pk."""
    if registration is None:
        return {}
    meetings = Meeting.objects.filter(
        Q(requester=registration) | Q(recipient=registration), status__in=OPEN_STATUSES
    )
    return {
        (m.recipient_id if m.requester_id == registration.pk else m.requester_id): m
        for m in meetings
    }


@dataclass
class Agenda:
    incoming: list[Meeting]
    sent: list[Meeting]
    accepted: list[Meeting]
    closed: list[Meeting]


def agenda_for(registration: Registration, event: Event) -> Agenda:
    """`registration`'s meetings in one query: requests to answer, requests sent, accepted
    meetings by time, and the declined or cancelled ones. Each meeting gets `other` (the other
    participant's registration) and `is_incoming`."""
    meetings = list(
        Meeting.objects.filter(Q(requester=registration) | Q(recipient=registration))
        .select_related(
            "requester__user",
            "requester__organisation",
            "recipient__user",
            "recipient__organisation",
        )
        .order_by("starts_at", "-created_at", "pk")
    )
    agenda = Agenda(incoming=[], sent=[], accepted=[], closed=[])
    duration = timedelta(minutes=event.meeting_minutes)
    for meeting in meetings:
        meeting.is_incoming = meeting.recipient_id == registration.pk
        meeting.other = meeting.requester if meeting.is_incoming else meeting.recipient
        if meeting.starts_at is not None:
            meeting.ends_at = meeting.starts_at + duration
        if meeting.status == MeetingStatus.ACCEPTED:
            agenda.accepted.append(meeting)
        elif meeting.status == MeetingStatus.PENDING:
            (agenda.incoming if meeting.is_incoming else agenda.sent).append(meeting)
        else:
            agenda.closed.append(meeting)
    return agenda


def panel_counts(event: Event, registration: Registration) -> dict[str, int]:
    """What the event page's panel shows a participant, in two queries."""
    participants = (
        Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED, meetings_opt_in=True
        )
        .exclude(pk=registration.pk)
        .count()
    )
    counts = Meeting.objects.filter(
        Q(requester=registration) | Q(recipient=registration)
    ).aggregate(
        incoming=Count(
            "pk", filter=Q(recipient=registration, status=MeetingStatus.PENDING), distinct=True
        ),
        sent=Count(
            "pk", filter=Q(requester=registration, status=MeetingStatus.PENDING), distinct=True
        ),
        accepted=Count("pk", filter=Q(status=MeetingStatus.ACCEPTED), distinct=True),
    )
    return {"participants": participants, **counts}


def slots(event: Event) -> list[datetime]:
    """The session's slot start times: from `meetings_starts_at`, every `meeting_minutes`,
    each meeting ending by `meetings_ends_at`."""
    if not event.has_meetings:
        return []
    step = timedelta(minutes=event.meeting_minutes)
    result, slot = [], event.meetings_starts_at
    while slot + step <= event.meetings_ends_at:
        result.append(slot)
        slot += step
    return result


@dataclass
class ScheduleRow:
    starts_at: datetime
    cells: list[Meeting | None]


def schedule_for(event: Event) -> list[ScheduleRow]:
    """The session's grid: one row per slot, one cell per table (the accepted meeting there)."""
    accepted = Meeting.objects.filter(event=event, status=MeetingStatus.ACCEPTED).select_related(
        "requester__user",
        "requester__organisation",
        "recipient__user",
        "recipient__organisation",
    )
    by_place = {(meeting.starts_at, meeting.table): meeting for meeting in accepted}
    tables = range(1, event.meeting_tables + 1)
    rows = [
        ScheduleRow(slot, [by_place.pop((slot, t), None) for t in tables]) for slot in slots(event)
    ]
    # Meetings outside today's grid (the session was shortened after they were scheduled).
    for (slot, table), meeting in sorted(by_place.items(), key=lambda item: item[0]):
        cells: list[Meeting | None] = [None] * len(tables)
        if 1 <= table <= len(tables):
            cells[table - 1] = meeting
        rows.append(ScheduleRow(slot, cells))
    return sorted(rows, key=lambda row: row.starts_at)


def accepted_meetings(event: Event):
    return (
        Meeting.objects.filter(event=event, status=MeetingStatus.ACCEPTED)
        .select_related(
            "requester__user",
            "requester__organisation",
            "recipient__user",
            "recipient__organisation",
        )
        .order_by("starts_at", "table")
    )


# --- Checks ---------------------------------------------------------------------------------------


def _check_window(event: Event) -> None:
    if event.is_cancelled:
        raise MeetingError(_("Cet événement est annulé : plus de rendez-vous possibles."))
    if not event.has_meetings:
        raise MeetingError(_("Cet événement n'organise pas de rendez-vous d'affaires."))
    if event.meetings_ends_at <= timezone.now():
        raise MeetingError(_("La session de rendez-vous d'affaires est terminée."))


def _check_confirmed(*registrations: Registration) -> None:
    for registration in registrations:
        if registration.status != RegistrationStatus.CONFIRMED:
            raise MeetingError(
                _("%(person)s n'est plus inscrit(e) à l'événement.")
                % {"person": _person(registration)}
            )


def _person(registration: Registration) -> str:
    return registration.user.get_full_name() or registration.user.email


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "event",
            "requester__user",
            "requester__organisation",
            "recipient__user",
            "recipient__organisation",
        )
        .get(pk=meeting.pk)
    )


# --- Writes ---------------------------------------------------------------------------------------


@transaction.atomic
def request_meeting(
    *, actor, requester: Registration, recipient: Registration, message: str = ""
) -> Meeting:
    """`actor` (the person of `requester`) asks `recipient` for a meeting.

    Side effects: an audit entry; a mail to the recipient.
    """
    if requester.user_id != actor.pk:
        raise PermissionDenied
    requester = Registration.objects.select_related("user", "event").get(pk=requester.pk)
    recipient = Registration.objects.select_related("user", "organisation").get(pk=recipient.pk)
    event = requester.event
    _check_window(event)
    if recipient.event_id != event.pk:
        raise MeetingError(_("Cette personne ne participe pas à cet événement."))
    if recipient.pk == requester.pk:
        raise MeetingError(_("Vous ne pouvez pas vous demander un rendez-vous à vous-même."))
    _check_confirmed(requester, recipient)
    if not recipient.meetings_opt_in:
        raise MeetingError(
            _("%(person)s ne prend pas de rendez-vous.") % {"person": _person(recipient)}
        )
    existing = (
        Meeting.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(requester=requester, recipient=recipient)
            | Q(requester=recipient, recipient=requester)
        )
        .first()
    )
    if existing is not None:
        if existing.status == MeetingStatus.ACCEPTED:
            raise MeetingError(
                _("Vous avez déjà rendez-vous avec %(person)s.") % {"person": _person(recipient)}
            )
        raise MeetingError(
            _("Une demande de rendez-vous est déjà en cours avec %(person)s.")
            % {"person": _person(recipient)}
        )
    meeting = Meeting(
        event=event, requester=requester, recipient=recipient, message=message.strip()
    )
    meeting.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # the same request sent twice at once
        raise MeetingError(
            _("Une demande de rendez-vous est déjà en cours avec %(person)s.")
            % {"person": _person(recipient)}
        ) from None
    record(
        actor=actor,
        action="meeting.request",
        target=meeting,
        summary=f"{_person(requester)} → {_person(recipient)} ({event})",
        event=event.pk,
    )
    send_templated_mail(
        template="email/meeting_requested",
        to=[recipient.user.email],
        context={"meeting": meeting, "event": event, "requester": requester},
    )
    return meeting


def _busy_slots(meeting: Meeting) -> set[datetime]:
    return set(
        AgendaEntry.objects.filter(
            registration__in=[meeting.requester_id, meeting.recipient_id]
        ).values_list("starts_at", flat=True)
    )


def _taken_tables(event: Event) -> dict[datetime, set[int]]:
    taken: dict[datetime, set[int]] = {}
    for starts_at, table in Meeting.objects.filter(
        event=event, status=MeetingStatus.ACCEPTED
    ).values_list("starts_at", "table"):
        taken.setdefault(starts_at, set()).add(table)
    return taken


def first_free_slot(
    meeting: Meeting, *, exclude: frozenset = frozenset(), now: datetime | None = None
) -> tuple[datetime, int] | None:
    """The earliest (slot, table) still to come where neither participant of `meeting` has an
    agenda entry and the table is free; None when there is none. `exclude`: (slot, table)
    pairs already tried."""
    event = meeting.event
    now = now or timezone.now()
    busy = _busy_slots(meeting)
    taken = _taken_tables(event)
    for slot in slots(event):
        if slot < now or slot in busy:
            continue
        for table in range(1, event.meeting_tables + 1):
            if table not in taken.get(slot, ()) and (slot, table) not in exclude:
                return slot, table
    return None


def _schedule(meeting: Meeting) -> None:
    """Give `meeting` its slot and table and write both agenda entries (see module docstring)."""
    tried: set[tuple[datetime, int]] = set()
    for _attempt in range(SCHEDULING_ATTEMPTS):
        place = first_free_slot(meeting, exclude=frozenset(tried))
        if place is None:
            break
        slot, table = place
        try:
            with transaction.atomic():  # a savepoint: a refusal leaves the outer work intact
                meeting.status = MeetingStatus.ACCEPTED
                meeting.starts_at, meeting.table = slot, table
                meeting.decided_at = timezone.now()
                meeting.save(update_fields=["status", "starts_at", "table", "decided_at"])
                AgendaEntry.objects.bulk_create(
                    [
                        AgendaEntry(meeting=meeting, registration_id=party, starts_at=slot)
                        for party in (meeting.requester_id, meeting.recipient_id)
                    ]
                )
            return
        except IntegrityError:
            tried.add(place)
    meeting.status, meeting.starts_at, meeting.table = MeetingStatus.PENDING, None, None
    raise MeetingError(
        _(
            "Aucun créneau commun n'est libre : vos agendas, ou toutes les tables, sont "
            "complets pendant la session. Libérez un créneau ou déclinez la demande."
        )
    )


@transaction.atomic
def accept_meeting(*, actor, meeting: Meeting) -> Meeting:
    """The recipient accepts; the meeting gets the earliest common free slot and a table.

    Side effects: two agenda entries; an audit entry; a mail to both participants.
    """
    meeting = _locked(meeting)
    if meeting.recipient.user_id != actor.pk:
        raise PermissionDenied
    if meeting.status != MeetingStatus.PENDING:
        raise MeetingError(
            _("Cette demande est « %(status)s » : elle ne peut plus être acceptée.")
            % {"status": meeting.get_status_display()}
        )
    _check_window(meeting.event)
    _check_confirmed(meeting.requester, meeting.recipient)
    _schedule(meeting)
    record(
        actor=actor,
        action="meeting.accept",
        target=meeting,
        summary=f"{meeting} — {meeting.starts_at:%Y-%m-%d %H:%M} UTC, table {meeting.table}",
        starts_at=meeting.starts_at.isoformat(),
        table=meeting.table,
    )
    send_templated_mail(
        template="email/meeting_accepted",
        to=[meeting.requester.user.email, meeting.recipient.user.email],
        context={"meeting": meeting, "event": meeting.event},
    )
    return meeting


@transaction.atomic
def decline_meeting(*, actor, meeting: Meeting) -> Meeting:
    """The recipient declines a pending request. Side effects: an audit entry; a mail to the
    requester."""
    meeting = _locked(meeting)
    if meeting.recipient.user_id != actor.pk:
        raise PermissionDenied
    if meeting.status != MeetingStatus.PENDING:
        raise MeetingError(
            _("Cette demande est « %(status)s » : elle ne peut plus être déclinée.")
            % {"status": meeting.get_status_display()}
        )
    meeting.status = MeetingStatus.DECLINED
    meeting.decided_at = timezone.now()
    meeting.save(update_fields=["status", "decided_at"])
    record(actor=actor, action="meeting.decline", target=meeting, summary=str(meeting))
    send_templated_mail(
        template="email/meeting_declined",
        to=[meeting.requester.user.email],
        context={"meeting": meeting, "event": meeting.event},
    )
    return meeting


def _cancel(meeting: Meeting, *, actor, reason: str) -> None:
    was_accepted = meeting.status == MeetingStatus.ACCEPTED
    AgendaEntry.objects.filter(meeting=meeting).delete()
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    record(
        actor=actor, action="meeting.cancel", target=meeting, summary=str(meeting), reason=reason
    )
    # The other party (or both, when the pôle's staff cancels) learns that the slot is free.
    to = [
        registration.user.email
        for registration in (meeting.requester, meeting.recipient)
        if registration.user_id != getattr(actor, "pk", None)
    ]
    if to:
        send_templated_mail(
            template="email/meeting_cancelled",
            to=to,
            context={"meeting": meeting, "event": meeting.event, "was_accepted": was_accepted},
        )


@transaction.atomic
def cancel_meeting(*, actor, meeting: Meeting) -> Meeting:
    """Either participant (or the pôle's staff) cancels a pending or accepted meeting; an
    accepted one frees both participants' slot and its table.

    Side effects: agenda entries removed; an audit entry; a mail to the other party.
    """
    meeting = _locked(meeting)
    parties = {meeting.requester.user_id, meeting.recipient.user_id}
    if actor.pk not in parties and not can_manage_event(actor, meeting.event):
        raise PermissionDenied
    if meeting.status not in OPEN_STATUSES:
        raise MeetingError(
            _("Ce rendez-vous est « %(status)s » : il ne peut plus être annulé.")
            % {"status": meeting.get_status_display()}
        )
    _cancel(meeting, actor=actor, reason="cancel")
    return meeting


@transaction.atomic
def cancel_meetings_of(*, registration: Registration, actor) -> int:
    """Cancel every pending or accepted meeting of `registration` (its seat is cancelled).
    Called by the events' `cancel_registration`. Returns how many were cancelled."""
    meetings = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(Q(requester=registration) | Q(recipient=registration), status__in=OPEN_STATUSES)
        .select_related("event", "requester__user", "recipient__user")
        .order_by("pk")
    )
    for meeting in meetings:
        _cancel(meeting, actor=actor, reason="registration_cancelled")
    return len(meetings)


PROFILE_FIELDS = ("offer", "seeking", "meetings_opt_in")


@transaction.atomic
def update_meeting_profile(
    *, actor, registration: Registration, offer: str, seeking: str, meetings_opt_in: bool
) -> Registration:
    """What the participant offers and seeks, and whether others may request meetings.
    Closing oneself to meetings keeps the meetings already requested or accepted."""
    if registration.user_id != actor.pk:
        raise PermissionDenied
    registration.offer, registration.seeking = offer.strip(), seeking.strip()
    registration.meetings_opt_in = meetings_opt_in
    registration.full_clean(validate_constraints=False)
    registration.save(update_fields=list(PROFILE_FIELDS))
    record(
        actor=actor,
        action="registration.meeting_profile",
        target=registration,
        summary=str(registration),
        meetings_opt_in=meetings_opt_in,
    )
    return registration
