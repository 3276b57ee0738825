import json

from django.contrib import admin
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from funding.dossier_views import dossier_context
from funding.models import Call, DossierFile, DossierVersion, Funder
from members import permissions as member_permissions
from poles.templatetags.portal import euros
from projects.admin import admin_projects
from projects.models import AttachmentKind


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    """The State, Bpifrance, the Régions… (superusers edit them; staff read them)."""

    list_display = ["name", "kind", "region", "organisation"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Staff read the calls; superusers edit them (rates and thresholds change per call)."""

    list_display = ["title", "slug", "scheme", "number", "opens_at", "closes_at", "dossier_count"]
    list_filter = ["scheme"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["funders"]
    fieldsets = [
        (
            None,
            {"fields": ["slug", "scheme", "number", "title", "opens_at", "closes_at", "funders"]},
        ),
        (
            _("Taux d'aide (part des dépenses éligibles, 0,45 = 45 %)"),
            {
                "description": _(
                    "Les taux des organismes de recherche pour FUI 25, le taux des IRT/ITE "
                    "et celui des autres organismes ne sont pas confirmés par les sources."
                ),
                "fields": [
                    "rate_pme_in_territory",
                    "rate_pme_elsewhere",
                    "rate_eti_in_territory",
                    "rate_other_company",
                    "rate_research_marginal",
                    "rate_research_full",
                    "rate_rto",
                    "rate_other",
                ],
            },
        ),
        (
            _("Seuils d'éligibilité"),
            {
                "description": _(
                    "Règles bloquantes : entreprises, recherche, territoires, part d'un "
                    "partenaire. Avertissements : part de l'aide aux laboratoires, aide minimale."
                ),
                "fields": [
                    "min_companies",
                    "min_research_training",
                    "territory_labelling_min",
                    "territory_lead_min",
                    "partner_share_max",
                    "lab_aid_share_max",
                    "aid_min_eur",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(dossier_total=Count("dossiers"))

    @admin.display(description=_("versions de dossier déposées"), ordering="dossier_total")
    def dossier_count(self, obj):
        return obj.dossier_total

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


# --- Dossiers: frozen, so read-only for everyone ----------------------------------------------
# A pôle's staff see the dossiers of the projects asked to their pôles; superusers all of them.


class DossierReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return member_permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        if not member_permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _kind_label(dossier_file) -> str:
    try:
        return AttachmentKind(dossier_file.kind).label
    except ValueError:
        return dossier_file.kind


def _checksum(dossier_file):
    """The SHA-256 on two lines of 32 characters, so that the table keeps its width."""
    return format_html("<code>{}<br>{}</code>", dossier_file.sha256[:32], dossier_file.sha256[32:])


def _download_link(dossier_file):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("dossiers:file", args=[dossier_file.version_id, dossier_file.pk]),
        _("Télécharger"),
    )


class DossierFileInline(admin.TabularInline):
    model = DossierFile
    extra = 0
    can_delete = False
    fields = ["title", "partner_name", "nature", "size", "checksum", "download"]
    readonly_fields = fields

    @admin.display(description=_("nature"))
    def nature(self, obj):
        return _kind_label(obj)

    @admin.display(description=_("empreinte SHA-256"))
    def checksum(self, obj):
        return _checksum(obj)

    @admin.display(description=_("fichier"))
    def download(self, obj):
        return _download_link(obj)

    def has_view_permission(self, request, obj=None):
        return member_permissions.admin_can_manage_members(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierVersion)
class DossierVersionAdmin(DossierReadOnlyAdmin):
    list_display = [
        "reference",
        "project",
        "call",
        "number",
        "submitted_at",
        "submitted_by",
        "eligible",
        "expenses",
        "aid",
    ]
    list_filter = ["call", "eligible"]
    search_fields = ["reference", "project__acronym", "project__title"]
    list_select_related = ["project", "call", "submitted_by"]
    date_hierarchy = "submitted_at"
    inlines = [DossierFileInline]
    fields = [
        "reference",
        "project",
        "call",
        "number",
        "submitted_at",
        "submitter",
        "eligible",
        "expenses",
        "aid",
        "links",
        "summary",
        "raw_content",
    ]
    readonly_fields = ["submitter", "expenses", "aid", "links", "summary", "raw_content"]

    @admin.display(description=_("déposé par"))
    def submitter(self, obj):
        # A name, not a link: pôle animators have no access to the user accounts.
        user = obj.submitted_by
        return f"{user.get_full_name()} <{user.email}>" if user.get_full_name() else user.email

    def get_queryset(self, request):
        return DossierVersion.objects.filter(
            project__in=admin_projects(request.user)
        ).select_related("project", "call", "submitted_by")

    @admin.display(description=_("dépenses totales"), ordering="total_expenses_eur")
    def expenses(self, obj):
        return euros(obj.total_expenses_eur)

    @admin.display(description=_("aide totale"), ordering="total_aid_eur")
    def aid(self, obj):
        return euros(obj.total_aid_eur)

    @admin.display(description=_("sur le portail"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("dossiers:detail", args=[obj.pk]),
            _("Page du dossier"),
            reverse("dossiers:pdf", args=[obj.pk]),
            _("PDF"),
            reverse("dossiers:csv", args=[obj.pk]),
            _("Budget (CSV)"),
        )

    @admin.display(description=_("contenu figé"))
    def summary(self, obj):
        return render_to_string("funding/dossier_admin_content.html", dossier_context(obj))

    @admin.display(description=_("contenu brut (JSON)"))
    def raw_content(self, obj):
        return format_html(
            "<details><summary>{}</summary><pre>{}</pre></details>",
            _("Afficher"),
            json.dumps(obj.content, indent=2, ensure_ascii=False),
        )


@admin.register(DossierFile)
class DossierFileAdmin(DossierReadOnlyAdmin):
    list_display = ["title", "partner_name", "version", "nature", "size", "checksum"]
    search_fields = ["title", "partner_name", "version__reference", "sha256"]
    list_select_related = ["version"]
    fields = ["version", "partner_name", "nature", "title", "size", "sha256", "download"]
    readonly_fields = ["nature", "download"]

    def get_queryset(self, request):
        return DossierFile.objects.filter(
            version__project__in=admin_projects(request.user)
        ).select_related("version")

    @admin.display(description=_("nature"))
    def nature(self, obj):
        return _kind_label(obj)

    @admin.display(description=_("empreinte SHA-256"))
    def checksum(self, obj):
        return _checksum(obj)

    @admin.display(description=_("fichier"))
    def download(self, obj):
        return _download_link(obj)
