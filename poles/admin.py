from django.contrib import admin

from members import permissions
from poles.models import Pole, PoleStaff, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


class PoleStaffInline(admin.TabularInline):
    model = PoleStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Pole)
class PoleAdmin(admin.ModelAdmin):
    """Superusers edit every pôle; a pôle's staff see theirs and edit its presentation."""

    list_display = ["name", "short_name", "category", "theme_family", "main_region"]
    list_filter = ["category", "theme_family", "regions"]
    search_fields = ["name", "short_name", "slug", "theme"]
    list_select_related = ["main_region"]
    filter_horizontal = ["regions"]
    inlines = [PoleStaffInline]

    def get_queryset(self, request):
        return permissions.staff_poles(request.user).select_related("main_region")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return [
            "slug",
            "name",
            "short_name",
            "category",
            "theme",
            "theme_family",
            "main_region",
            "regions",
            "regions_2014",
            "sources",
        ]

    def get_inlines(self, request, obj):
        return self.inlines if request.user.is_superuser else []

    def has_module_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or permissions.staff_poles(request.user).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(PoleStaff)
class PoleStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "pole", "role"]
    list_filter = ["role", "pole"]
    search_fields = ["user__email", "pole__name"]
    list_select_related = ["user", "pole"]
    autocomplete_fields = ["user", "pole"]


# Registered by their own modules, one per area of the pôle's animation.
from poles import event_admin, meeting_admin, service_admin  # noqa: E402, F401
