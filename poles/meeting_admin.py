"""Admin of the business meetings: a pôle's staff follow the requests of their events, see
the session's schedule (slots × tables) and download it as CSV to run the session."""

import csv
import io
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members import permissions
from poles import meetings
from poles.models import Event, EventKind, Meeting, MeetingStatus


def _csv_cell(value):
    """Text a spreadsheet would read as a formula is quoted with an apostrophe."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else value


def staff_meeting_events(user):
    """The rendez-vous d'affaires with a meetings session of the pôles `user` animates."""
    return (
        Event.objects.filter(
            pole__in=permissions.staff_poles(user),
            kind=EventKind.BUSINESS_MEETINGS,
            meetings_starts_at__isnull=False,
            meetings_ends_at__isnull=False,
        )
        .select_related("pole")
        .order_by("-meetings_starts_at", "pk")
    )


class MeetingEventFilter(admin.SimpleListFilter):
    """Filter by event, offering only the events of the pôles the user animates."""

    title = _("événement")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(str(event.pk), str(event)) for event in staff_meeting_events(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event_id=self.value())
        return queryset


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only for the pôle's staff (participants decide); they may cancel meetings."""

    list_display = ["requester_display", "recipient_display", "status", "starts_at", "table"]
    list_filter = [MeetingEventFilter, "status"]
    search_fields = [
        "requester__user__email",
        "requester__user__last_name",
        "requester__organisation__name",
        "recipient__user__email",
        "recipient__user__last_name",
        "recipient__organisation__name",
    ]
    list_select_related = [
        "event",
        "requester__user",
        "requester__organisation",
        "recipient__user",
        "recipient__organisation",
    ]
    readonly_fields = [
        "event",
        "requester",
        "recipient",
        "message",
        "status",
        "starts_at",
        "table",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields
    actions = ["cancel_meetings"]
    change_list_template = "poles/meetings/admin_change_list.html"

    @staticmethod
    def _party(registration) -> str:
        person = registration.user.get_full_name() or registration.user.email
        if registration.organisation:
            return f"{person} ({registration.organisation.name})"
        return person

    @admin.display(description=_("demandeur"), ordering="requester__organisation__name")
    def requester_display(self, obj):
        return self._party(obj.requester)

    @admin.display(description=_("destinataire"), ordering="recipient__organisation__name")
    def recipient_display(self, obj):
        return self._party(obj.recipient)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(event__pole__in=permissions.staff_poles(request.user))
        )

    def has_module_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        if not permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Annuler les rendez-vous sélectionnés"), permissions=["change"])
    def cancel_meetings(self, request, queryset):
        done = 0
        for meeting in queryset.filter(status__in=meetings.OPEN_STATUSES):
            try:
                meetings.cancel_meeting(actor=request.user, meeting=meeting)
            except meetings.MeetingError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d rendez-vous annulé ; les participants sont prévenus.",
                "%(count)d rendez-vous annulés ; les participants sont prévenus.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    # --- The session's schedule -------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("planning/", view(self.schedule_index), name="poles_meeting_schedules"),
            path(
                "planning/<int:event_pk>/",
                view(self.schedule_view),
                name="poles_meeting_schedule",
            ),
            path(
                "planning/<int:event_pk>/csv/",
                view(self.schedule_csv),
                name="poles_meeting_schedule_csv",
            ),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not permissions.admin_can_manage_members(request.user):
            raise PermissionDenied

    def _event(self, request, event_pk: int) -> Event:
        self._check(request)
        event = staff_meeting_events(request.user).filter(pk=event_pk).first()
        if event is None:
            raise Http404
        return event

    def _context(self, request, title: str) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}

    def schedule_index(self, request):
        self._check(request)
        events = staff_meeting_events(request.user).annotate(
            accepted_count=Count("meetings", filter=Q(meetings__status=MeetingStatus.ACCEPTED)),
            pending_count=Count("meetings", filter=Q(meetings__status=MeetingStatus.PENDING)),
        )
        return TemplateResponse(
            request,
            "poles/meetings/admin_schedule_index.html",
            {**self._context(request, gettext("Planning des rendez-vous")), "events": events},
        )

    def schedule_view(self, request, event_pk):
        event = self._event(request, event_pk)
        rows = meetings.schedule_for(event)
        counts = Meeting.objects.filter(event=event).aggregate(
            accepted=Count("pk", filter=Q(status=MeetingStatus.ACCEPTED)),
            pending=Count("pk", filter=Q(status=MeetingStatus.PENDING)),
            declined=Count("pk", filter=Q(status=MeetingStatus.DECLINED)),
            cancelled=Count("pk", filter=Q(status=MeetingStatus.CANCELLED)),
        )
        capacity = len(rows) * event.meeting_tables
        return TemplateResponse(
            request,
            "poles/meetings/admin_schedule.html",
            {
                **self._context(
                    request, gettext("Planning des rendez-vous — %(event)s") % {"event": event}
                ),
                "event": event,
                "rows": rows,
                "tables": range(1, event.meeting_tables + 1),
                "counts": counts,
                "capacity": capacity,
            },
        )

    def schedule_csv(self, request, event_pk):
        event = self._event(request, event_pk)
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(
            [
                gettext("Début"),
                gettext("Fin"),
                gettext("Table"),
                gettext("Demandeur"),
                gettext("Organisation du demandeur"),
                gettext("E-mail du demandeur"),
                gettext("Destinataire"),
                gettext("Organisation du destinataire"),
                gettext("E-mail du destinataire"),
            ]
        )
        duration = timedelta(minutes=event.meeting_minutes)
        for meeting in meetings.accepted_meetings(event):
            start = timezone.localtime(meeting.starts_at)
            row = [start.strftime("%Y-%m-%d %H:%M"), (start + duration).strftime("%H:%M")]
            row.append(meeting.table)
            for party in (meeting.requester, meeting.recipient):
                row += [
                    party.user.get_full_name() or party.user.email,
                    party.organisation.name if party.organisation else "",
                    party.user.email,
                ]
            writer.writerow([_csv_cell(value) for value in row])
        # UTF-8 with a BOM, as the directory's export: spreadsheets then read the accents right.
        response = HttpResponse(
            buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="planning-rendez-vous-{event.slug}.csv"'
        )
        return response
