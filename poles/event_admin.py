"""Admin of events and registrations, for superusers and the staff of each pôle (theirs only).

Registrations change through `poles.events` (seats, waiting list, check-in): the admin shows
them read-only apart from the business-meetings profile, and its actions call the services.
Raising an event's capacity gives the new seats to the people waiting.
"""

import csv
import io
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members import permissions
from members.admin_scoping import PoleScopedAdmin, StaffPoleFilter
from poles import events
from poles.event_forms import CheckInSearchForm
from poles.models import Event, Registration, RegistrationStatus

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def participants_csv(registrations) -> bytes:
    """Name, e-mail, organisation, status, queued at, checked in (Paris time), one per row."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(
        [
            gettext("Événement"),
            gettext("Nom"),
            gettext("E-mail"),
            gettext("Organisation"),
            gettext("Statut"),
            gettext("Inscrit le"),
            gettext("Présent(e)"),
        ]
    )
    for registration in registrations:
        user = registration.user
        writer.writerow(
            [
                _cell(registration.event.title),
                _cell(user.get_full_name()),
                _cell(user.email),
                _cell(registration.organisation.name if registration.organisation else ""),
                _cell(registration.get_status_display()),
                _local(registration.queued_at),
                _local(registration.checked_in_at),
            ]
        )
    return stream.getvalue().encode("utf-8-sig")


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_rows(event_ids):
    return (
        Registration.objects.filter(event_id__in=event_ids)
        .select_related("event", "user", "organisation")
        .order_by("event__starts_at", "event_id", "status", "queued_at", "pk")
    )


class RegistrationPoleFilter(StaffPoleFilter):
    field_path = "event__pole__slug"


class RegistrationEventFilter(admin.SimpleListFilter):
    """By event, offering only the events of the user's pôles (newest first)."""

    title = _("événement")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        managed = events.events_managed_by(request.user).order_by("-starts_at")[:50]
        return [(str(event.pk), event.title) for event in managed]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(event_id=int(self.value()))
        return queryset


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["user", "organisation", "status", "queued_at", "promoted_at", "checked_in_at"]
    readonly_fields = fields
    ordering = ["status", "queued_at", "pk"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.admin_can_manage_members(request.user)


# Slugs that are fixed pages under /evenements/ (an event named so would be unreachable).
RESERVED_EVENT_SLUGS = {"mes-inscriptions", "pole"}


class EventAdminForm(forms.ModelForm):
    """The admin's event form (its fields come from EventAdmin.fieldsets)."""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_EVENT_SLUGS:
            raise forms.ValidationError(
                _("« %(slug)s » est réservé par le portail : choisissez un autre identifiant."),
                params={"slug": slug},
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("meetings_starts_at"), cleaned.get("meetings_ends_at")
        if bool(starts) != bool(ends):
            raise forms.ValidationError(
                _("Indiquez le début et la fin des rendez-vous d'affaires, ou aucun des deux.")
            )
        return cleaned


@admin.register(Event)
class EventAdmin(PoleScopedAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "starts_at",
        "pole",
        "capacity",
        "confirmed",
        "waiting",
        "is_published",
    ]
    list_filter = [StaffPoleFilter, "kind", "is_published", "is_cancelled", "members_only"]
    search_fields = ["title", "slug", "city", "venue"]
    list_select_related = ["pole"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [RegistrationInline]
    actions = ["export_participants"]
    change_form_template = "poles/events/admin_change_form.html"
    fieldsets = [
        (None, {"fields": ["pole", "title", "slug", "kind", "summary", "description"]}),
        (_("Dates"), {"fields": ["starts_at", "ends_at", "registration_closes_at"]}),
        (_("Lieu"), {"fields": ["venue", "address", "city", "region", "online_url"]}),
        (
            _("Inscriptions et tarifs"),
            {
                "fields": [
                    "capacity",
                    "members_only",
                    "member_price_eur",
                    "non_member_price_eur",
                    "is_published",
                    "is_cancelled",
                ]
            },
        ),
        (
            _("Rendez-vous d'affaires"),
            {
                "fields": [
                    "meetings_starts_at",
                    "meetings_ends_at",
                    "meeting_minutes",
                    "meeting_tables",
                ],
                "description": _(
                    "Pour un rendez-vous d'affaires : la plage des rendez-vous individuels."
                ),
            },
        ),
        (_("Suivi"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def scoped_queryset(self, request):
        return events.events_managed_by(request.user).with_seat_counts()

    def has_add_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("inscrits"), ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("en attente"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pole":
            kwargs["queryset"] = permissions.staff_poles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = events.promote_waiting(actor=request.user, event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d personne de la liste d'attente a obtenu une place.",
                        "%(count)d personnes de la liste d'attente ont obtenu une place.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    # --- participants: CSV export and check-in ---------------------------------------------

    @admin.action(description=_("Exporter les participants (CSV)"), permissions=["view"])
    def export_participants(self, request, queryset):
        name = f"participants-{timezone.localdate():%Y-%m-%d}.csv"
        return _download(participants_csv(_export_rows(queryset.values("pk"))), name)

    def get_urls(self):
        return [
            path(
                "<int:pk>/participants.csv",
                self.admin_site.admin_view(self.export_view),
                name="poles_event_export",
            ),
            path(
                "<int:pk>/emargement/",
                self.admin_site.admin_view(self.check_in_view),
                name="poles_event_check_in",
            ),
            *super().get_urls(),
        ]

    def _event(self, request, pk) -> Event:
        event = get_object_or_404(self.scoped_queryset(request).select_related("pole"), pk=pk)
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        return event

    def export_view(self, request, pk):
        event = self._event(request, pk)
        return _download(
            participants_csv(_export_rows([event.pk])), f"participants-{event.slug}.csv"
        )

    def check_in_view(self, request, pk):
        """The attendees with a search box and a "Présent" button each (POST)."""
        event = self._event(request, pk)
        if request.method == "POST":
            raw = request.POST.get("registration", "")
            registration = get_object_or_404(
                Registration.objects.filter(event=event), pk=int(raw) if raw.isdigit() else None
            )
            undo = request.POST.get("action") == "undo"
            try:
                service = events.undo_check_in if undo else events.check_in
                registration = service(actor=request.user, registration=registration)
            except events.EventError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                person = registration.user.get_full_name() or registration.user.email
                message = (
                    gettext("Présence de %(person)s annulée.")
                    if undo
                    else gettext("%(person)s est présent(e).")
                )
                self.message_user(request, message % {"person": person}, messages.SUCCESS)
            url = reverse("admin:poles_event_check_in", args=[event.pk])
            query = request.POST.get("q", "")
            return HttpResponseRedirect(f"{url}?{urlencode({'q': query})}" if query else url)
        form = CheckInSearchForm(request.GET)
        registrations = events.attendees(event).filter(status=RegistrationStatus.CONFIRMED)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        if query:
            registrations = registrations.filter(
                Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
                | Q(user__email__icontains=query)
                | Q(organisation__name__icontains=query)
            )
        counts = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Émargement — %(event)s") % {"event": event.title},
            "event": event,
            "form": form,
            "query": query,
            "registrations": registrations.order_by("user__last_name", "user__first_name", "pk"),
            "confirmed_total": counts.count(),
            "present_total": counts.filter(checked_in_at__isnull=False).count(),
        }
        return TemplateResponse(request, "poles/events/admin_check_in.html", context)


class CheckedInFilter(admin.SimpleListFilter):
    title = _("présence")
    parameter_name = "present"

    def lookups(self, request, model_admin):
        return [("oui", _("Présent(e)")), ("non", _("Pas encore émargé(e)"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(PoleScopedAdmin):
    list_display = [
        "participant",
        "event",
        "organisation",
        "status",
        "queued_at",
        "checked_in_at",
    ]
    list_filter = ["status", CheckedInFilter, RegistrationPoleFilter, RegistrationEventFilter]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "organisation__name",
        "event__title",
    ]
    list_select_related = ["user", "event", "organisation"]
    fields = [
        "event",
        "user",
        "organisation",
        "status",
        "queued_at",
        "promoted_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
        "offer",
        "seeking",
        "meetings_opt_in",
    ]
    readonly_fields = fields[:9]
    actions = ["mark_present", "mark_absent", "export_participants"]

    def scoped_queryset(self, request):
        return Registration.objects.filter(event__in=events.events_managed_by(request.user))

    @admin.display(description=_("participant"), ordering="user__last_name")
    def participant(self, obj):
        return obj.user.get_full_name() or obj.user.email

    def has_add_permission(self, request):
        return False  # people register on the event's page; seats are the service's business

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _apply(self, request, queryset, service, done_message):
        done, errors = 0, []
        for registration in queryset:
            try:
                service(actor=request.user, registration=registration)
            except events.EventError as error:
                errors.append(str(error))
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Marquer présent(e)"), permissions=["view"])
    def mark_present(self, request, queryset):
        self._apply(
            request,
            queryset,
            events.check_in,
            lambda n: ngettext(
                "%(count)d participant marqué présent.",
                "%(count)d participants marqués présents.",
                n,
            ),
        )

    @admin.action(description=_("Annuler la présence"), permissions=["view"])
    def mark_absent(self, request, queryset):
        self._apply(
            request,
            queryset,
            events.undo_check_in,
            lambda n: ngettext("%(count)d présence annulée.", "%(count)d présences annulées.", n),
        )

    @admin.action(description=_("Exporter les participants (CSV)"), permissions=["view"])
    def export_participants(self, request, queryset):
        rows = queryset.select_related("event", "user", "organisation").order_by(
            "event__starts_at", "event_id", "status", "queued_at", "pk"
        )
        return _download(
            participants_csv(rows), f"participants-{timezone.localdate():%Y-%m-%d}.csv"
        )
