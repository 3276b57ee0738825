"""Admin for members. Pôle animators see and edit only their pôles' members and memberships."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from members import permissions
from members.models import (
    Affiliation,
    Competence,
    Membership,
    MembershipStatus,
    Organisation,
    User,
)


class PoleScopedAdmin(admin.ModelAdmin):
    """Open to superusers and to pôle staff, whose querysets are narrowed by `scoped_queryset`."""

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

    def has_add_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class StaffPoleFilter(admin.SimpleListFilter):
    """Filter by pôle, offering only the pôles the user animates."""

    title = _("pôle")
    parameter_name = "pole"
    field_path = "memberships__pole__slug"

    def lookups(self, request, model_admin):
        return [(pole.slug, str(pole)) for pole in permissions.staff_poles(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()}).distinct()
        return queryset


class MembershipPoleFilter(StaffPoleFilter):
    field_path = "pole__slug"


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        user = self.request.user
        if user.is_superuser or self.instance.pk:
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise forms.ValidationError(
                _("Ajoutez l'adhésion de cette organisation à l'un de vos pôles.")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    fields = ["pole", "status", "college", "start_date", "end_date"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1

    def get_queryset(self, request):
        return permissions.admin_memberships(request.user).select_related("pole")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pole":
            kwargs["queryset"] = permissions.staff_poles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return permissions.admin_can_manage_members(request.user)

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    fields = ["user", "role", "job_title"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return permissions.admin_can_manage_members(request.user)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Organisation)
class OrganisationAdmin(PoleScopedAdmin):
    list_display = [
        "name",
        "kind",
        "size_category",
        "city",
        "region",
        "active_memberships",
        "is_published",
    ]
    list_filter = [StaffPoleFilter, "kind", "size_category", "region", "is_published"]
    search_fields = ["name", "siren", "siret", "rnsr", "uai", "city", "group_name"]
    list_select_related = ["region"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["competences"]
    readonly_fields = ["size_category", "created_at", "updated_at"]
    inlines = [MembershipInline, AffiliationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "is_published", "description", "website"]}),
        (_("Identifiants"), {"fields": ["siren", "siret", "rnsr", "uai", "group_name"]}),
        (
            _("Taille"),
            {"fields": ["headcount", "turnover_eur", "balance_sheet_eur", "size_category"]},
        ),
        (_("Adresse"), {"fields": ["address", "postcode", "city", "region"]}),
        (_("Compétences"), {"fields": ["competences", "keywords"]}),
        (_("Suivi"), {"fields": ["created_at", "updated_at"]}),
    ]

    def scoped_queryset(self, request):
        queryset = Organisation.objects.all()
        if not request.user.is_superuser:
            queryset = queryset.filter(
                pk__in=permissions.admin_memberships(request.user).values("organisation_id")
            )
        return queryset.annotate(
            active_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
        )

    @admin.display(description=_("adhésions actives"), ordering="active_count")
    def active_memberships(self, obj):
        return obj.active_count


@admin.register(Membership)
class MembershipAdmin(PoleScopedAdmin):
    list_display = ["organisation", "pole", "status", "college", "start_date", "end_date"]
    list_filter = [MembershipPoleFilter, "status", "college"]
    search_fields = ["organisation__name", "organisation__siren", "pole__name"]
    list_select_related = ["organisation", "pole"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "start_date"

    def scoped_queryset(self, request):
        return permissions.admin_memberships(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pole":
            kwargs["queryset"] = permissions.staff_poles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "slug"]
    list_filter = ["family"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "job_title"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (
            _("Droits"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
