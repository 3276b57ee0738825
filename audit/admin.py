from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for superusers: entries are written by services, never edited."""

    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "actor__email", "action"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
