"""Admin pages (registered on import by the app's admin module): shared platforms and their
access requests, for superusers (owners manage theirs on the portal, /plateformes/)."""

from django.contrib import admin

from members.models import Platform, PlatformAccessRequest


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner_organisation", "owner_pole", "region", "is_published"]
    list_filter = ["kind", "is_published", "region", "owner_pole"]
    search_fields = ["name", "description", "equipment", "city", "owner_organisation__name"]
    list_select_related = ["owner_organisation", "owner_pole", "region"]
    autocomplete_fields = ["owner_organisation"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["competences"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(PlatformAccessRequest)
class PlatformAccessRequestAdmin(admin.ModelAdmin):
    """Read-only: the owner answers on the portal (members.platforms.answer_access_request)."""

    list_display = ["created_at", "platform", "organisation", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["platform__name", "organisation__name", "message"]
    list_select_related = ["platform", "organisation"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
