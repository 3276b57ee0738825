import json

from django.contrib import admin, messages
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from funding.dossier_views import dossier_context
from funding.models import (
    Assignment,
    Call,
    Criterion,
    Decision,
    DecisionAid,
    DossierFile,
    DossierVersion,
    Funder,
    FunderMember,
    Review,
    ReviewStatus,
    Score,
)
from funding.review import ReviewError, reopen_review, weighted_score
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


class CriterionInline(admin.TabularInline):
    """The call's scored criteria and their weights (superusers edit them; a criterion
    already scored cannot be deleted)."""

    model = Criterion
    extra = 0
    fields = ["position", "code", "name", "weight"]
    ordering = ["position", "pk"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Staff read the calls; superusers edit them (rates and thresholds change per call)."""

    list_display = ["title", "slug", "scheme", "number", "opens_at", "closes_at", "dossier_count"]
    list_filter = ["scheme"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["funders"]
    inlines = [CriterionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "scheme",
                    "number",
                    "title",
                    "opens_at",
                    "closes_at",
                    "funders",
                    "decisions_released_at",
                ]
            },
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


# --- Review by the funders --------------------------------------------------------------------
# Superusers only: who reviews what, the scores and the decisions are confidential. Members of
# the funders are edited here; assignments, reviews and decisions are read-only, their writes
# go through `funding.review` (the committee's pages, and the reopening action below).


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ReadOnlyAdmin(SuperuserOnlyAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FunderMember)
class FunderMemberAdmin(SuperuserOnlyAdmin):
    """Who works for a funder: managers (assign, decide, release) and reviewers (score)."""

    list_display = ["user", "funder", "role"]
    list_filter = ["role", "funder"]
    search_fields = ["user__email", "user__last_name", "funder__name"]
    list_select_related = ["user", "funder"]
    autocomplete_fields = ["user"]

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["project", "call", "reviewer", "funder", "status", "assigned_at", "assigned_by"]
    list_filter = ["status", "call", "funder"]
    search_fields = ["project__acronym", "reviewer__email", "reviewer__last_name"]
    list_select_related = ["project", "call", "reviewer", "funder", "assigned_by"]
    date_hierarchy = "assigned_at"


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "value"]
    readonly_fields = fields
    ordering = ["criterion__position", "criterion_id"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Read-only; the one write, reopening a submitted review, goes through the service."""

    list_display = ["assignment", "call", "status", "score", "submitted_at", "reopened_at"]
    list_filter = ["status", "assignment__call"]
    search_fields = ["assignment__project__acronym", "assignment__reviewer__email"]
    list_select_related = [
        "assignment__project",
        "assignment__reviewer",
        "assignment__call",
        "version",
    ]
    fields = [
        "assignment",
        "version",
        "status",
        "score",
        "comment_committee",
        "comment_applicants",
        "submitted_at",
        "reopened_at",
        "reopened_by",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [ScoreInline]
    actions = ["reopen"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("scores")

    @admin.display(description=_("appel"), ordering="assignment__call")
    def call(self, obj):
        return obj.assignment.call

    @admin.display(description=_("note pondérée (0–5)"))
    def score(self, obj):
        value = weighted_score(obj)
        return "—" if value is None else f"{value}".replace(".", ",")

    @admin.action(description=_("Rouvrir les évaluations remises"))
    def reopen(self, request, queryset):
        reopened = 0
        for review in queryset.filter(status=ReviewStatus.SUBMITTED):
            try:
                reopen_review(actor=request.user, review=review)
            except ReviewError as error:
                self.message_user(request, f"{review} : {error}", messages.ERROR)
            else:
                reopened += 1
        self.message_user(request, _("%(count)s évaluation(s) rouverte(s).") % {"count": reopened})


class DecisionAidInline(ReadOnlyInline):
    model = DecisionAid
    fields = ["organisation", "amount"]
    readonly_fields = fields

    @admin.display(description=_("aide"))
    def amount(self, obj):
        return euros(obj.amount_eur)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["project", "call", "funder", "outcome", "aid", "decided_at", "released_at"]
    list_filter = ["outcome", "call", "funder", ("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["project__acronym", "project__title", "funder__name"]
    list_select_related = ["project", "call", "funder"]
    fields = [
        "project",
        "call",
        "funder",
        "outcome",
        "aid",
        "comment_applicants",
        "decided_by",
        "decided_at",
        "released_at",
    ]
    readonly_fields = fields
    inlines = [DecisionAidInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aids")

    @admin.display(description=_("aide accordée"))
    def aid(self, obj):
        return euros(obj.total_aid_eur)
