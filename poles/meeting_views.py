"""Business-meetings pages of a rendez-vous d'affaires, for its confirmed participants (and the
staff of its pôle, who see the participants).

Each view: permission helper → form → service → message → redirect. State changes are POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from poles import ical
from poles import meetings as service
from poles.meeting_forms import MeetingProfileForm, MeetingRequestForm, ParticipantFilterForm
from poles.models import MeetingStatus


def _participants_context(request, event, registration, *, request_forms=None):
    filter_form = ParticipantFilterForm(request.GET or None)
    text = kind = ""
    if filter_form.is_valid():
        text, kind = filter_form.cleaned_data["q"], filter_form.cleaned_data["kind"]
    participants = list(service.participants_for(event, viewer=registration, text=text, kind=kind))
    open_meetings = service.open_meetings_by_participant(registration)
    can_request = registration is not None and service.meetings_window_open(event)
    request_forms = request_forms or {}
    for participant in participants:
        participant.meeting = open_meetings.get(participant.pk)
        if participant.meeting is not None:
            participant.meeting.is_mine = participant.meeting.requester_id == registration.pk
        elif can_request:
            participant.request_form = request_forms.get(participant.pk) or MeetingRequestForm(
                auto_id=f"demande-{participant.pk}-%s"
            )
        organisation = participant.organisation
        participant.organisation_url = (
            organisation.get_absolute_url()
            if organisation is not None and organisation.is_published
            else ""
        )
    return {
        "event": event,
        "registration": registration,
        "participants": participants,
        "filter_form": filter_form,
        "filtered": bool(text or kind),
        "can_request": can_request,
        "is_staff_view": registration is None,
    }


@login_required
def participants(request, slug):
    event, registration = service.get_meetings_event(request.user, slug)
    template = "poles/meetings/participants.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, _participants_context(request, event, registration))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def request_meeting(request, slug, pk):
    event, registration = service.get_participant_event(request.user, slug)
    recipient = service.get_participant(event, pk)
    form = MeetingRequestForm(request.POST, auto_id=f"demande-{recipient.pk}-%s")
    if form.is_valid():
        try:
            service.request_meeting(
                actor=request.user,
                requester=registration,
                recipient=recipient,
                message=form.cleaned_data["message"],
            )
        except service.MeetingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Votre demande est envoyée à %(person)s ; vous serez prévenu de sa réponse.")
                % {"person": recipient.user.get_full_name() or recipient.user.email},
            )
        return redirect(
            f"{reverse('meetings:participants', args=[event.slug])}#participant-{recipient.pk}"
        )
    context = _participants_context(
        request, event, registration, request_forms={recipient.pk: form}
    )
    return render(request, "poles/meetings/participants.html", context, status=400)


def _next_or_agenda(request, event):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("meetings:agenda", slug=event.slug)


def _other(request, meeting):
    return meeting.recipient if meeting.requester.user_id == request.user.pk else meeting.requester


def _other_name(request, meeting):
    other = _other(request, meeting)
    return other.user.get_full_name() or other.user.email


@login_required
@require_POST
def accept(request, pk):
    meeting = service.get_meeting_for_party(request.user, pk)
    try:
        meeting = service.accept_meeting(actor=request.user, meeting=meeting)
    except service.MeetingError as error:
        messages.error(request, str(error))
    else:
        slot = timezone.localtime(meeting.starts_at)
        messages.success(
            request,
            _("Rendez-vous confirmé avec %(person)s à %(time)s, table %(table)s.")
            % {
                "person": _other_name(request, meeting),
                "time": slot.strftime("%H:%M"),
                "table": meeting.table,
            },
        )
    return _next_or_agenda(request, meeting.event)


@login_required
@require_POST
def decline(request, pk):
    meeting = service.get_meeting_for_party(request.user, pk)
    try:
        service.decline_meeting(actor=request.user, meeting=meeting)
    except service.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Vous avez décliné la demande de %(person)s ; elle est prévenue.")
            % {"person": _other_name(request, meeting)},
        )
    return _next_or_agenda(request, meeting.event)


@login_required
def cancel(request, pk):
    """Confirm on GET, cancel on POST (either party)."""
    meeting = service.get_meeting_for_party(request.user, pk)
    was_accepted = meeting.status == MeetingStatus.ACCEPTED
    if request.method != "POST":
        return render(
            request,
            "poles/meetings/cancel.html",
            {
                "meeting": meeting,
                "event": meeting.event,
                "other": _other(request, meeting),
                "is_open": meeting.status in service.OPEN_STATUSES,
                "was_accepted": was_accepted,
            },
        )
    try:
        service.cancel_meeting(actor=request.user, meeting=meeting)
    except service.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            (
                _("Rendez-vous avec %(person)s annulé : le créneau est libéré.")
                if was_accepted
                else _("Votre demande à %(person)s est retirée.")
            )
            % {"person": _other_name(request, meeting)},
        )
    return _next_or_agenda(request, meeting.event)


@login_required
def agenda(request, slug):
    event, registration = service.get_participant_event(request.user, slug)
    my_agenda = service.agenda_for(registration, event)
    return render(
        request,
        "poles/meetings/agenda.html",
        {
            "event": event,
            "registration": registration,
            "agenda": my_agenda,
            "window_open": service.meetings_window_open(event),
        },
    )


@login_required
def agenda_ics(request, slug):
    """The accepted meetings as an iCalendar file (one VEVENT each, UID stable per meeting)."""
    event, registration = service.get_participant_event(request.user, slug)
    my_agenda = service.agenda_for(registration, event)
    host = request.get_host().split(":")[0]
    place = ", ".join(part for part in (event.venue, event.address, event.city) if part)
    agenda_url = request.build_absolute_uri(reverse("meetings:agenda", args=[event.slug]))
    entries = []
    for meeting in my_agenda.accepted:
        other = meeting.other
        person = other.user.get_full_name() or other.user.email
        organisation = other.organisation.name if other.organisation else ""
        table = _("table %(table)s") % {"table": meeting.table}
        entries.append(
            ical.Entry(
                uid=f"meeting-{meeting.pk}@{host}",
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                summary=_("Rendez-vous avec %(person)s") % {"person": person}
                + (f" ({organisation})" if organisation else "")
                + f" — {table}",
                description="\n".join(
                    line
                    for line in (
                        str(event),
                        f"{person} <{other.user.email}>",
                        organisation,
                        meeting.message,
                    )
                    if line
                ),
                location=f"{place} — {table}" if place else table,
                url=agenda_url,
                updated_at=meeting.decided_at,
            )
        )
    return ical.ics_response(
        entries,
        filename=f"rendez-vous-{event.slug}.ics",
        name=_("Mes rendez-vous — %(event)s") % {"event": event},
    )


@login_required
def profile(request, slug):
    event, registration = service.get_participant_event(request.user, slug)
    form = MeetingProfileForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        service.update_meeting_profile(
            actor=request.user, registration=registration, **form.cleaned_data
        )
        messages.success(request, _("Vos préférences de rendez-vous sont enregistrées."))
        return redirect("meetings:agenda", slug=event.slug)
    return render(
        request,
        "poles/meetings/profile.html",
        {"event": event, "registration": registration, "form": form},
    )
