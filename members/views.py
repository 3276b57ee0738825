from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import roles
from members import directory_cache, permissions, search, selectors, services
from members.filters import OrganisationFilter
from members.forms import (
    FindOrganisationForm,
    JoinOrganisationForm,
    MembershipRequestForm,
    OrganisationForm,
)
from members.models import Affiliation, AffiliationRole, Membership, Organisation
from members.services import EDITABLE_FIELDS
from poles.models import Pole, PoleStaff, Registration, RegistrationStatus
from projects.consortium import invitations_for
from projects.models import Project, ProjectPartner

# How many projects the member space shows (the others are on the project list).
DASHBOARD_PROJECTS = 5


def organisation_list(request):
    """The directory: text search, facets with counts, results by relevance or by name.

    The facets and the results are rendered as two fragments, which the directory's cache
    keeps per scope of viewer, version of the data, language and query string
    (`members.directory_cache`). With htmx, only the two fragments are sent back (the facets
    out of band).
    """
    directory = OrganisationFilter(request.GET, queryset=None)
    key = directory_cache.key_for(request)
    fragments = directory_cache.get(key)
    if fragments is None:
        fragments = _directory_fragments(request)
        directory_cache.put(key, fragments)
    template = "members/organisation_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#refresh"
    response = render(
        request,
        template,
        {
            "filter": directory,
            "fragments": {part: mark_safe(html) for part, html in fragments.items()},  # noqa: S308
            "tolerates_typos": search.tolerates_typos(),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _directory_fragments(request) -> dict[str, str]:
    """The facets and results of the directory for this request, rendered."""
    visible = permissions.organisations_visible_to(request.user)
    directory = OrganisationFilter(request.GET, queryset=visible)
    match = directory.text_match
    # Counting is bounded (search.MATCH_LIMIT): the facets count the pool's ids, the total
    # says "more than" when the pool is capped.
    pool = search.match_pool(visible.filter(match.condition))
    facets = search.facet_counts(
        base=visible, text=match.condition, selected=directory.selected, pool=pool
    )
    total, more = facets.total, False
    if pool.capped and any(directory.selected.values()):
        total, more = search.bounded_count(directory.qs)  # the facets narrow the pool's matches
    elif pool.capped:
        total, more = search.MATCH_LIMIT, True  # no facet: the pool's own count says it
    results = directory.qs.select_related("region").prefetch_related("competences")
    if directory.order == search.SORT_RELEVANCE:
        page = search.relevance_page(
            results,
            query=directory.text,
            total=total,
            page=request.GET.get("page"),
            widened=match.widened,
            more=more,
        )
    else:
        page = search.name_page(
            results,
            total=total,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            more=more,
        )
    context = {"filter": directory, "facets": facets, "page": page, "pool": pool}
    name = "members/organisation_list.html"
    return {
        part: render_to_string(f"{name}#{part}", context, request) for part in ("facets", "results")
    }


def _organisation_for_page(user, slug: str):
    """`permissions.get_organisation_for_user`, with what the page asks about `user` read in
    the same query (the answers of `permissions.can_manage_organisation`,
    `is_organisation_admin`, `is_affiliated` and `can_see_contacts`): one query for all."""
    visible = permissions.organisations_visible_to(user).select_related("region")
    if user.is_authenticated:
        mine = Affiliation.objects.filter(user_id=user.pk)
        visible = visible.annotate(
            viewer_is_admin=Exists(
                mine.filter(organisation_id=OuterRef("pk"), role=AffiliationRole.ADMIN)
            ),
            viewer_is_affiliated=Exists(mine.filter(organisation_id=OuterRef("pk"))),
            viewer_animates=Exists(
                Membership.objects.filter(
                    organisation_id=OuterRef("pk"), pole__staff__user_id=user.pk
                )
            ),
            viewer_is_pole_staff=Exists(PoleStaff.objects.filter(user_id=user.pk)),
            viewer_has_affiliation=Exists(mine),
        )
    try:
        organisation = visible.get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not user.is_authenticated:
        facts = dict.fromkeys(("can_manage", "is_admin", "is_affiliated", "sees_contacts"), False)
    else:
        facts = {
            "can_manage": user.is_superuser
            or organisation.viewer_is_admin
            or organisation.viewer_animates,
            "is_admin": organisation.viewer_is_admin,
            "is_affiliated": organisation.viewer_is_affiliated,
            "sees_contacts": user.is_superuser
            or (user.is_active and organisation.viewer_is_pole_staff)
            or organisation.viewer_has_affiliation,
        }
    return organisation, facts


def organisation_detail(request, slug):
    organisation, viewer = _organisation_for_page(request.user, slug)
    memberships = (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("pole")
        .order_by("pole__name")
    )
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "competences": organisation.competences.order_by("name"),
            "can_manage": viewer["can_manage"],
            "is_admin": viewer["is_admin"],
            "is_affiliated": viewer["is_affiliated"],
            "contacts": selectors.organisation_contacts(organisation)
            if viewer["sees_contacts"]
            else None,
            "published_projects": _published_projects(organisation),
        },
    )


def _published_projects(organisation) -> list:
    """The published projects `organisation` is a partner of (confidential ones never), each
    with `others`: the other partners shown in the directory, and `unlisted`: how many are not.
    """
    projects = list(
        Project.objects.published()
        .filter(partners__organisation=organisation)
        .select_related("coordinator")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ProjectPartner.objects.select_related("organisation").order_by(
                    "joined_at", "pk"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )
    for project in projects:
        others = [p.organisation for p in project.partners.all() if p.organisation != organisation]
        project.others = [other for other in others if other.is_published]
        project.unlisted = len(others) - len(project.others)
    return projects


@login_required
def organisation_edit(request, slug):
    organisation = permissions.get_organisation_to_manage(request.user, slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in EDITABLE_FIELDS}
        services.update_organisation(
            actor=request.user,
            organisation=form.instance,
            competences=form.cleaned_data["competences"],
            **changes,
        )
        messages.success(request, _("La fiche de l'organisation est à jour."))
        return redirect(organisation)
    return render(
        request,
        "members/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def organisation_create(request):
    """Create one's organisation; an organisation already on the portal is joined instead."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        existing = selectors.organisation_with_identifiers(
            siren=request.POST.get("siren", ""), siret=request.POST.get("siret", "")
        )
        if existing is not None:
            messages.info(
                request,
                _(
                    "%(organisation)s est déjà sur le portail : demandez à ses administrateurs "
                    "de vous y rattacher."
                )
                % {"organisation": existing.name},
            )
            return redirect("members:join", slug=existing.slug)
        if form.is_valid():
            fields = {field: form.cleaned_data[field] for field in EDITABLE_FIELDS}
            organisation = services.register_organisation(
                actor=request.user, competences=form.cleaned_data["competences"], **fields
            )
            messages.success(
                request,
                _("%(organisation)s est créée ; vous en êtes l'administrateur.")
                % {"organisation": organisation.name},
            )
            return redirect(organisation)
    return render(request, "members/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_join(request, slug):
    organisation = permissions.get_organisation_for_user(request.user, slug)
    form = JoinOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join_organisation(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Votre demande est envoyée aux administrateurs de %(organisation)s.")
                % {"organisation": organisation.name},
            )
            return redirect("dashboard")
    return render(
        request, "members/organisation_join.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def join_request_decide(request, slug, pk):
    organisation = permissions.get_organisation_for_user(request.user, slug)
    if not permissions.is_organisation_admin(request.user, organisation):
        raise PermissionDenied
    join_request = get_object_or_404(organisation.join_requests, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide_join_request(actor=request.user, join_request=join_request, approve=approve)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        template = (
            _("%(email)s est rattaché à %(organisation)s.")
            if approve
            else _("La demande de %(email)s est refusée.")
        )
        messages.success(
            request, template % {"email": join_request.user.email, "organisation": organisation}
        )
    return redirect("dashboard")


@login_required
def membership_request(request, slug):
    organisation = permissions.get_organisation_for_user(request.user, slug)
    if not permissions.can_request_membership(request.user, organisation):
        raise PermissionDenied
    initial = {"college": services.default_college(organisation)}
    if pole_slug := request.GET.get("pole"):
        initial["pole"] = Pole.objects.filter(slug=pole_slug).first()
    form = MembershipRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_membership(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except services.MembershipError as error:
            form.add_error("pole", str(error))
        else:
            messages.success(
                request,
                _("La demande d'adhésion à %(pole)s est envoyée à l'équipe du pôle.")
                % {"pole": form.cleaned_data["pole"].name},
            )
            return redirect("dashboard")
    return render(
        request,
        "members/membership_request.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def dashboard(request):
    """The member's own space: his organisations, their pôles, requests to decide or waiting."""
    find_form = FindOrganisationForm(request.GET or None)
    found = None
    if find_form.is_valid():
        found = selectors.organisations_matching_identity(request.user, find_form.cleaned_data["q"])
    return render(
        request,
        "members/dashboard.html",
        {
            **selectors.member_space(request.user),
            "find_form": find_form,
            "found": found,
            "project_invitations": list(invitations_for(request.user)),
            "my_projects": list(
                Project.objects.visible_to(request.user)
                .select_related("coordinator")
                .order_by("-updated_at", "-pk")[:DASHBOARD_PROJECTS]
            ),
            "my_registrations": list(
                Registration.objects.filter(
                    user=request.user,
                    status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
                    event__ends_at__gte=timezone.now(),
                )
                .select_related("event")
                .order_by("event__starts_at", "pk")[:DASHBOARD_PROJECTS]
            ),
            "staff_poles": list(Pole.objects.filter(staff__user=request.user).order_by("name"))
            if roles(request.user).pole_staff
            else [],
        },
    )
