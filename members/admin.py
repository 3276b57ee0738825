"""Admin for members. Pôle animators see and edit only their pôles' members and memberships."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import Action, ActionLocation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import admin_scoping, exports, fees, imports, permissions, services
from members.admin_scoping import StaffPoleFilter
from members.models import (
    Affiliation,
    Competence,
    FeeCall,
    FeeCallStatus,
    Membership,
    MembershipStatus,
    Organisation,
    User,
)
from members.search import refresh_search_data
from poles.templatetags.portal import euros


class PoleScopedAdmin(admin_scoping.PoleScopedAdmin):
    """Scoped to the staff's pôles; staff add, only superusers delete."""

    def has_add_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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


class OrganisationImportForm(forms.Form):
    """Upload a CSV of organisations (see members.imports); animators pick one of their pôles."""

    MAX_SIZE = 10 * 1024 * 1024

    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("UTF-8, séparé par des virgules, avec la ligne d'en-tête ci-dessous."),
    )
    pole = forms.ModelChoiceField(
        label=_("Pôle de rattachement"),
        queryset=None,
        help_text=_(
            "Chaque organisation importée devient membre active de ce pôle, "
            "si elle n'en est pas déjà membre."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Simulation : vérifier le fichier sans rien enregistrer"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        poles = permissions.staff_poles(user)
        self.fields["pole"].queryset = poles
        if user.is_superuser:
            self.fields["pole"].required = False
            self.fields["pole"].empty_label = _("— aucun (seulement les pôles du fichier) —")
        else:
            self.fields["pole"].empty_label = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo : découpez-le."))
        return upload


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

    # --- Import and export (members.imports, members.exports) --------------------------------

    actions = ["export_csv", "export_xlsx"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The admin saves the model directly: keep the directory's search data in step.
        refresh_search_data([form.instance.pk])

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="members_organisation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload form, then the report of the import (counts, rejected lines and reasons)."""
        if not permissions.admin_can_manage_members(request.user):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = OrganisationImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = imports.import_organisations(
                        actor=request.user,
                        data=upload.read(),
                        pole=form.cleaned_data["pole"],
                        dry_run=form.cleaned_data["dry_run"],
                        source=upload.name,
                    )
                except imports.ImportFileError as error:
                    form.add_error("file", str(error))
        else:
            form = OrganisationImportForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Importer des organisations"),
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "report": report,
            "columns": imports.COLUMNS,
        }
        return TemplateResponse(request, "admin/members/organisation/import.html", context)

    def _export_poles(self, request):
        return None if request.user.is_superuser else permissions.staff_poles(request.user)

    def _download(self, content: bytes, content_type: str, extension: str) -> HttpResponse:
        filename = f"organisations-{timezone.localdate():%Y-%m-%d}.{extension}"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        content = exports.csv_bytes(queryset, poles=self._export_poles(request))
        return self._download(content, exports.CSV_CONTENT_TYPE, "csv")

    @admin.action(description=_("Exporter en XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        content = exports.xlsx_bytes(queryset, poles=self._export_poles(request))
        return self._download(content, exports.XLSX_CONTENT_TYPE, "xlsx")


class FeeCallInline(admin.TabularInline):
    """The membership's fee calls, read only (they change through members.fees)."""

    model = FeeCall
    extra = 0
    fields = ["year_label", "reference", "amount", "issued_on", "due_on", "status", "paid_on"]
    readonly_fields = fields
    ordering = ["-year"]
    show_change_link = True

    @admin.display(description=_("année"))
    def year_label(self, obj):
        return str(obj.year)  # not "2 026"

    @admin.display(description=_("montant HT"))
    def amount(self, obj):
        return euros(obj.amount_eur)

    def has_view_permission(self, request, obj=None):
        return permissions.admin_can_manage_members(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    has_change_permission = has_delete_permission = has_add_permission


@admin.register(Membership)
class MembershipAdmin(PoleScopedAdmin):
    list_display = [
        "organisation",
        "pole",
        "status",
        "college",
        "start_date",
        "end_date",
        "fee_status",
    ]
    inlines = [FeeCallInline]
    list_filter = [MembershipPoleFilter, "status", "college"]
    search_fields = ["organisation__name", "organisation__siren", "pole__name"]
    list_select_related = ["organisation", "pole"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "start_date"
    readonly_fields = ["motivation", "requested_by", "decided_by", "decided_at", "created_at"]
    actions = ["approve_requests", "refuse_requests"]

    def scoped_queryset(self, request):
        year = timezone.localdate().year
        this_year = FeeCall.objects.filter(membership=OuterRef("pk"), year=year)
        return permissions.admin_memberships(request.user).annotate(
            fee_call_status=Subquery(this_year.values("status")[:1])
        )

    @admin.display(description=_("cotisation de l'année"), ordering="fee_call_status")
    def fee_status(self, obj):
        if not obj.fee_call_status:
            return "—"
        return FeeCallStatus(obj.fee_call_status).label

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # "Émettre l'appel de cotisation 2026" and the same for the next year (renewals).
        actions = super().get_actions(request, action_location=action_location)
        if action_location != ActionLocation.CHANGE_LIST:
            return actions
        if not permissions.admin_can_manage_members(request.user):
            return actions
        year = timezone.localdate().year
        for issued in (year, year + 1):
            name = f"issue_fee_calls_{issued}"
            description = _("Émettre l'appel de cotisation %(year)d") % {"year": issued}
            actions[name] = Action(
                func=self._issue_action(issued),
                name=name,
                description=description,
                plural_description=description,
                locations=[ActionLocation.CHANGE_LIST],
            )
        return actions

    def _issue_action(self, year: int):
        def issue(model_admin, request, queryset):
            done, errors = 0, []
            for membership in queryset.select_related("organisation", "pole"):
                try:
                    fees.issue_fee_call(actor=request.user, membership=membership, year=year)
                except fees.FeeError as error:
                    errors.append(str(error))
                else:
                    done += 1
            if done:
                message = ngettext(
                    "%(count)d appel de cotisation %(year)d émis.",
                    "%(count)d appels de cotisation %(year)d émis.",
                    done,
                )
                self.message_user(
                    request, message % {"count": done, "year": year}, messages.SUCCESS
                )
            for error in errors:
                self.message_user(request, error, messages.WARNING)

        return issue

    def _decide(self, request, queryset, *, approve: bool):
        done, errors = 0, []
        for membership in queryset.select_related("organisation", "pole"):
            try:
                services.decide_membership(
                    actor=request.user, membership=membership, approve=approve
                )
            except services.MembershipError as error:
                errors.append(str(error))
            else:
                done += 1
        if done:
            message = (
                ngettext(
                    "%(count)d demande d'adhésion acceptée.",
                    "%(count)d demandes d'adhésion acceptées.",
                    done,
                )
                if approve
                else ngettext(
                    "%(count)d demande d'adhésion refusée.",
                    "%(count)d demandes d'adhésion refusées.",
                    done,
                )
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(description=_("Accepter les demandes d'adhésion sélectionnées"))
    def approve_requests(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuser les demandes d'adhésion sélectionnées"))
    def refuse_requests(self, request, queryset):
        self._decide(request, queryset, approve=False)

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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A renamed competence changes what its organisations are found by.
        refresh_search_data(obj.organisations.values_list("pk", flat=True))


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


# Registered by their own modules.
from members import fee_admin, platform_admin  # noqa: E402, F401
