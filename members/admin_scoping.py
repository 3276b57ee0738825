"""What the admin pages of the pôles' staff share: a pôle staff member sees and changes only
what belongs to his pôles (superusers see everything), and filters by his pôles only.

Used by the admin modules of every app (members, poles, projects), so that the rule is written
once; `members.permissions` says who is staff and of which pôles.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members import permissions


class PoleScopedAdmin(admin.ModelAdmin):
    """Open to superusers and pôle staff; `scoped_queryset` narrows to the staff's pôles, and
    an object outside it can be neither seen nor changed."""

    def scoped_queryset(self, request):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scoped_queryset(request)

    def has_module_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if not permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or self.scoped_queryset(request).filter(pk=obj.pk).exists()


class StaffPoleFilter(admin.SimpleListFilter):
    """Filter by pôle, offering only the pôles the user animates; `field_path` leads from the
    listed model to the pôle's slug."""

    title = _("pôle")
    parameter_name = "pole"
    field_path = "pole__slug"

    def lookups(self, request, model_admin):
        return [(pole.slug, str(pole)) for pole in permissions.staff_poles(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset
