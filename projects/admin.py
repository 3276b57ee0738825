"""Moderation of partner searches: pôle staff see their pôles' searches and hide or show them.

Nothing is edited here: the actions call `projects.services.moderate_partner_search`, which
checks the right again and writes the audit entry. Interests are read-only.

Projects (read-only), their label requests (the committee's decision is an action calling
`projects.consortium.decide_label`) and invitations: see the second half of the module.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members import permissions as member_permissions
from members.admin_scoping import StaffPoleFilter
from poles.templatetags.portal import euros
from projects import consortium, permissions, services
from projects.labelling_forms import LabelDecisionForm
from projects.models import (
    Interest,
    Invitation,
    LabelRequest,
    OutcomeReport,
    PartnerSearch,
    Project,
    ProjectPartner,
)


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


# --- Projects, consortia and labels ---------------------------------------------------------
#
# Pôle staff see the projects asked for a label by their pôles (superusers see them all).
# Nothing here writes directly: the label decision goes through `consortium.decide_label`
# (an action with its own form), the outcome through `consortium.record_outcome`.


def admin_projects(user):
    """Projects in the admin: every one for superusers, else those asked to the user's pôles."""
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(
        pk__in=LabelRequest.objects.filter(pole__in=member_permissions.staff_poles(user)).values(
            "project_id"
        )
    )


class ProjectScopedReadOnlyAdmin(admin.ModelAdmin):
    """Read-only, for superusers and pôle staff, narrowed to `admin_projects`."""

    def has_module_permission(self, request):
        return member_permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        if not member_permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelPoleFilter(StaffPoleFilter):
    """Projects by the pôle asked for a label (only the user's pôles are offered)."""

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                pk__in=LabelRequest.objects.filter(pole__slug=self.value()).values("project_id")
            )
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return member_permissions.admin_can_manage_members(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProjectPartnerInline(ReadOnlyInline):
    model = ProjectPartner
    fields = ["organisation", "role", "rd_region", "cost_basis", "total_expenses", "updated_at"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("consortium")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "rd_region")

    @admin.display(description=gettext_lazy("dépenses"))
    def total_expenses(self, obj):
        return euros(obj.total_expenses_eur)


class LabelRequestInline(ReadOnlyInline):
    model = LabelRequest
    fields = ["pole", "rank", "status", "committee_date", "decided_by", "decided_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pole", "decided_by")


class InvitationInline(ReadOnlyInline):
    model = Invitation
    fields = ["organisation", "siret", "email", "source", "status", "created_at", "answered_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class OutcomeReportInline(ReadOnlyInline):
    """The coordinator's outcome reports (written on the project page, read here)."""

    model = OutcomeReport
    fields = [
        "stage",
        "as_of",
        "products_on_market",
        "jobs_created",
        "jobs_kept",
        "patents_filed",
        "follow_on_funding_eur",
        "reported_by",
        "updated_at",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reported_by")


@admin.register(Project)
class ProjectAdmin(ProjectScopedReadOnlyAdmin):
    list_display = ["acronym", "title", "coordinator", "status", "call", "updated_at"]
    list_display_links = ["acronym", "title"]
    list_filter = [LabelPoleFilter, "status", "call"]
    search_fields = ["acronym", "title", "coordinator__name", "coordinator__siren"]
    list_select_related = ["coordinator", "call"]
    date_hierarchy = "created_at"
    inlines = [ProjectPartnerInline, LabelRequestInline, InvitationInline, OutcomeReportInline]
    fields = [
        "acronym",
        "title",
        "status",
        "coordinator",
        "call",
        "summary",
        "start_date",
        "duration_months",
        "is_published",
        "created_by",
        "created_at",
        "updated_at",
        "dossier_versions",
    ]
    readonly_fields = ["dossier_versions"]
    actions = ["mark_funded", "mark_not_funded"]

    def get_queryset(self, request):
        return admin_projects(request.user).select_related("coordinator", "call", "created_by")

    @admin.display(description=gettext_lazy("dossiers déposés"))
    def dossier_versions(self, obj):
        versions = obj.dossiers.order_by("-number")
        if not versions:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> · {}',
            (
                (
                    reverse("admin:funding_dossierversion_change", args=[version.pk]),
                    version.reference,
                    date_format(timezone.localtime(version.submitted_at), "SHORT_DATETIME_FORMAT"),
                )
                for version in versions
            ),
        )

    def has_outcome_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def _outcome(self, request, queryset, *, funded: bool):
        done, errors = 0, []
        for project in queryset:
            try:
                consortium.record_outcome(actor=request.user, project=project, funded=funded)
            except (consortium.ProjectError, PermissionDenied) as error:
                errors.append(f"{project.acronym} : {error}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d projet mis à jour.", "%(count)d projets mis à jour.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        for error in errors:
            self.message_user(request, error, messages.WARNING)

    @admin.action(
        description=gettext_lazy("Enregistrer : financé par l'appel"), permissions=["outcome"]
    )
    def mark_funded(self, request, queryset):
        self._outcome(request, queryset, funded=True)

    @admin.action(
        description=gettext_lazy("Enregistrer : non financé par l'appel"), permissions=["outcome"]
    )
    def mark_not_funded(self, request, queryset):
        self._outcome(request, queryset, funded=False)


@admin.register(LabelRequest)
class LabelRequestAdmin(ProjectScopedReadOnlyAdmin):
    list_display = [
        "project_acronym",
        "pole",
        "is_lead",
        "status",
        "committee_date",
        "counts_for_call",
        "requested_at",
        "decided_by",
    ]
    list_filter = [StaffPoleFilter, "status"]
    search_fields = ["project__acronym", "project__title", "pole__name", "pole__short_name"]
    list_select_related = ["project__call", "project__coordinator", "pole", "decided_by"]
    date_hierarchy = "requested_at"
    actions = ["record_decision"]
    fields = [
        "project",
        "pole",
        "rank",
        "status",
        "committee_date",
        "comments",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "portal_page",
    ]
    readonly_fields = ["portal_page"]

    def get_queryset(self, request):
        return permissions.label_requests_for_staff(request.user).select_related(
            "decided_by", "requested_by"
        )

    @admin.display(description=gettext_lazy("projet"), ordering="project__acronym")
    def project_acronym(self, obj):
        return obj.project.acronym

    @admin.display(description=gettext_lazy("chef de file"), boolean=True)
    def is_lead(self, obj):
        return obj.is_lead

    @admin.display(description=gettext_lazy("compte pour l'appel"), boolean=True)
    def counts_for_call(self, obj):
        return obj.counts_for(obj.project.call)

    @admin.display(description=gettext_lazy("page de labellisation"))
    def portal_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("labelling:decide", args=[obj.pk]),
            _("Lire le projet et décider sur le portail"),
        )

    def has_decide_permission(self, request):
        return member_permissions.admin_can_manage_members(request.user)

    @admin.action(
        description=gettext_lazy("Enregistrer la décision du comité"), permissions=["decide"]
    )
    def record_decision(self, request, queryset):
        """An intermediate form (decision, date, comments), then `decide_label` for each."""
        label_requests = list(queryset.order_by("project__acronym", "rank"))
        form = None
        if request.POST.get("apply"):
            form = LabelDecisionForm(request.POST)
            if form.is_valid():
                self._decide(request, label_requests, form)
                return None
        if form is None:
            form = LabelDecisionForm(initial={"committee_date": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enregistrer la décision du comité"),
            "opts": self.opts,
            "form": form,
            "label_requests": label_requests,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "projects/labelling_admin_decision.html", context)

    def _decide(self, request, label_requests, form):
        done, late = 0, []
        for label_request in label_requests:
            try:
                decided = consortium.decide_label(
                    actor=request.user,
                    label_request=label_request,
                    labelled=form.labelled,
                    committee_date=form.cleaned_data["committee_date"],
                    comments=form.cleaned_data["comments"],
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{label_request} : {' '.join(error.messages)}", messages.ERROR
                )
            except (consortium.ProjectError, PermissionDenied) as error:
                message = str(error) or _("vous ne pouvez pas décider pour ce pôle.")
                self.message_user(request, f"{label_request} : {message}", messages.ERROR)
            else:
                done += 1
                if form.labelled and not decided.counts_for(decided.project.call):
                    late.append(decided.project.acronym)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d décision enregistrée ; le consortium est prévenu par e-mail.",
                    "%(count)d décisions enregistrées ; les consortiums sont prévenus par e-mail.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if late:
            self.message_user(
                request,
                _(
                    "Comité après la date limite de l'appel : le label ne comptera pas pour "
                    "l'appel de %(projects)s."
                )
                % {"projects": ", ".join(late)},
                messages.WARNING,
            )


@admin.register(Invitation)
class InvitationAdmin(ProjectScopedReadOnlyAdmin):
    list_display = [
        "project",
        "invited",
        "email",
        "source",
        "status",
        "invited_by",
        "created_at",
        "answered_at",
    ]
    list_filter = ["status", "source"]
    search_fields = ["project__acronym", "organisation__name", "siret", "email"]
    list_select_related = ["project", "organisation", "invited_by"]

    def get_queryset(self, request):
        return Invitation.objects.filter(project__in=admin_projects(request.user)).select_related(
            "project", "organisation", "invited_by", "answered_by"
        )

    @admin.display(description=gettext_lazy("organisation invitée"))
    def invited(self, obj):
        return obj.organisation or obj.siret


@admin.register(OutcomeReport)
class OutcomeReportAdmin(ProjectScopedReadOnlyAdmin):
    """Outcome reports of the projects in the user's scope, read-only (the coordinator writes
    them through `projects.outcomes`)."""

    list_display = [
        "project",
        "stage",
        "as_of",
        "products_on_market",
        "jobs_created",
        "jobs_kept",
        "patents_filed",
        "follow_on_funding_eur",
    ]
    list_filter = ["stage"]
    search_fields = ["project__acronym", "project__title"]
    list_select_related = ["project"]
    date_hierarchy = "as_of"
    fields = [
        "project",
        "stage",
        "as_of",
        "products_on_market",
        "products_description",
        "jobs_created",
        "jobs_kept",
        "patents_filed",
        "follow_on_funding_eur",
        "follow_on_funding_sources",
        "public_summary",
        "reported_by",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return OutcomeReport.objects.filter(
            project__in=admin_projects(request.user)
        ).select_related("project", "reported_by")
