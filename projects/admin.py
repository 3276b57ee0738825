"""Moderation of partner searches: pôle staff see their pôles' searches and hide or show them.

Nothing is edited here: the actions call `projects.services.moderate_partner_search`, which
checks the right again and writes the audit entry. Interests are read-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members import permissions as member_permissions
from projects import permissions, services
from projects.models import Interest, PartnerSearch


class StaffPoleFilter(admin.SimpleListFilter):
    """Filter by pôle, offering only the pôles the user animates."""

    title = gettext_lazy("pôle")
    parameter_name = "pole"

    def lookups(self, request, model_admin):
        return [(pole.slug, str(pole)) for pole in member_permissions.staff_poles(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(pole__slug=self.value())
        return queryset


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.admin_can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        if not permissions.admin_can_moderate(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0
    fields = ["organisation", "user", "status", "created_at", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "user")

    def has_view_permission(self, request, obj=None):
        return permissions.admin_can_moderate(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerSearch)
class PartnerSearchAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "organisation", "pole", "status", "expires_on", "created_at"]
    list_filter = [StaffPoleFilter, "status"]
    search_fields = ["title", "description", "organisation__name", "author__email"]
    list_select_related = ["organisation", "pole"]
    date_hierarchy = "created_at"
    actions = ["hide", "unhide"]
    inlines = [InterestInline]
    fields = [
        "title",
        "organisation",
        "author",
        "pole",
        "status",
        "moderation_note",
        "description",
        "competences_wanted",
        "kinds",
        "region_wanted",
        "target_call",
        "expires_on",
        "created_at",
        "updated_at",
    ]

    readonly_fields = ["kinds"]

    def get_queryset(self, request):
        return permissions.admin_partner_searches(request.user)

    @admin.display(description=gettext_lazy("types de partenaires recherchés"))
    def kinds(self, obj):
        return ", ".join(obj.kind_labels) or _("Tous types")

    def has_moderate_permission(self, request):
        return permissions.admin_can_moderate(request.user)

    def _moderate(self, request, queryset, *, hide: bool):
        done, refused = 0, []
        for partner_search in queryset:
            try:
                services.moderate_partner_search(
                    actor=request.user,
                    partner_search=partner_search,
                    hide=hide,
                    reason=_("Masquée depuis l'administration.") if hide else "",
                )
            except (services.PartnerSearchError, PermissionDenied):
                refused.append(partner_search.title)
            else:
                done += 1
        if done:
            message = (
                ngettext(
                    "%(count)d recherche masquée.",
                    "%(count)d recherches masquées.",
                    done,
                )
                if hide
                else ngettext(
                    "%(count)d recherche de nouveau visible.",
                    "%(count)d recherches de nouveau visibles.",
                    done,
                )
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Non modifiées (déjà dans cet état, ou hors de vos pôles) : %(titles)s")
                % {"titles": ", ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Masquer (modération)"), permissions=["moderate"])
    def hide(self, request, queryset):
        self._moderate(request, queryset, hide=True)

    @admin.action(description=gettext_lazy("Rendre visible"), permissions=["moderate"])
    def unhide(self, request, queryset):
        self._moderate(request, queryset, hide=False)


@admin.register(Interest)
class InterestAdmin(ReadOnlyScopedAdmin):
    list_display = ["organisation", "posting", "user", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "posting__title", "user__email"]
    list_select_related = ["organisation", "posting", "user"]

    def get_queryset(self, request):
        return permissions.admin_interests(request.user)
