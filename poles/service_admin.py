"""Admin pages (registered on import by the app's admin module): the services pôles offer and
the requests members make. A pôle's staff see only their pôles'; superusers see everything.
Requests change only through `poles.member_services.update_service_request` (audit, mail)."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import permissions
from members.admin_scoping import PoleScopedAdmin, StaffPoleFilter
from poles import member_services
from poles.models import PoleService, ServiceRequest, ServiceRequestStatus


class StaffScopedAdmin(PoleScopedAdmin):
    """Scoped to the staff's pôles; only superusers delete."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ServicePoleFilter(StaffPoleFilter):
    field_path = "service__pole__slug"


@admin.register(PoleService)
class PoleServiceAdmin(StaffScopedAdmin):
    list_display = ["title", "pole", "kind", "members_only", "is_active", "request_count"]
    list_filter = [StaffPoleFilter, "kind", "members_only", "is_active"]
    search_fields = ["title", "description", "pole__name", "pole__short_name"]
    list_select_related = ["pole"]
    fields = [
        "pole",
        "kind",
        "title",
        "description",
        "conditions",
        "members_only",
        "contact_email",
        "is_active",
    ]

    def scoped_queryset(self, request):
        return member_services.services_for_staff(request.user).annotate(
            requests_count=Count("requests")
        )

    @admin.display(description=_("demandes"), ordering="requests_count")
    def request_count(self, obj):
        return obj.requests_count

    def has_add_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pole":
            kwargs["queryset"] = permissions.staff_poles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(StaffScopedAdmin):
    list_display = [
        "created_at",
        "organisation",
        "service_title",
        "service_pole",
        "status",
        "handled_by",
    ]
    list_filter = ["status", "service__kind", ServicePoleFilter]
    search_fields = [
        "organisation__name",
        "service__title",
        "message",
        "requested_by__email",
        "staff_notes",
    ]
    list_select_related = ["organisation", "service__pole", "handled_by"]
    date_hierarchy = "created_at"
    fields = [
        "service",
        "organisation",
        "requested_by",
        "message",
        "created_at",
        "status",
        "staff_notes",
        "handled_by",
        "updated_at",
    ]
    readonly_fields = [
        "service",
        "organisation",
        "requested_by",
        "message",
        "created_at",
        "handled_by",
        "updated_at",
    ]
    actions = ["mark_in_progress", "mark_done", "mark_declined"]

    def scoped_queryset(self, request):
        return member_services.service_requests_for_staff(request.user)

    @admin.display(description=_("service"), ordering="service__title")
    def service_title(self, obj):
        return obj.service.title

    @admin.display(description=_("pôle"), ordering="service__pole__name")
    def service_pole(self, obj):
        return obj.service.pole

    def has_add_permission(self, request):
        return False  # members make requests from the portal

    def save_model(self, request, obj, form, change):
        # Not obj.save(): the service records the change, sets who handles it and tells the
        # requester when it is settled.
        try:
            member_services.update_service_request(
                actor=request.user,
                service_request=obj,
                status=form.cleaned_data["status"],
                staff_notes=form.cleaned_data["staff_notes"],
            )
        except member_services.ServiceRequestError as error:
            self.message_user(request, str(error), messages.ERROR)

    def _set_status(self, request, queryset, status):
        changed = 0
        for service_request in queryset.select_related("service__pole"):
            if service_request.status == status:
                continue
            member_services.update_service_request(
                actor=request.user,
                service_request=service_request,
                status=status,
                staff_notes=service_request.staff_notes,
            )
            changed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d demande passe au statut « %(status)s ».",
                "%(count)d demandes passent au statut « %(status)s ».",
                changed,
            )
            % {"count": changed, "status": ServiceRequestStatus(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Passer les demandes sélectionnées « en cours »"))
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, ServiceRequestStatus.IN_PROGRESS)

    @admin.action(description=_("Marquer les demandes sélectionnées comme traitées"))
    def mark_done(self, request, queryset):
        self._set_status(request, queryset, ServiceRequestStatus.DONE)

    @admin.action(description=_("Refuser les demandes sélectionnées"))
    def mark_declined(self, request, queryset):
        self._set_status(request, queryset, ServiceRequestStatus.DECLINED)
