"""Who may see or act on partner searches and interests.

Every object access in views and the admin goes through these functions. Outside the user's
scope (`PartnerSearch.objects.visible_to`) the answer is 404; in scope without the role
(not the author, no organisation to speak for) it is 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from members.models import Affiliation, Organisation
from members.permissions import admin_can_manage_members, staff_poles
from projects.models import Interest, PartnerSearch


def get_partner_search_for_user(user, pk: int) -> PartnerSearch:
    try:
        return (
            PartnerSearch.objects.visible_to(user)
            .select_related("author", "organisation", "region_wanted", "pole")
            .get(pk=pk)
        )
    except PartnerSearch.DoesNotExist:
        raise Http404 from None


def is_author(user, partner_search: PartnerSearch) -> bool:
    return user.is_authenticated and user.pk == partner_search.author_id


def get_partner_search_to_edit(user, pk: int) -> PartnerSearch:
    """The search if `user` wrote it: 404 when he cannot see it, 403 when he only can."""
    partner_search = get_partner_search_for_user(user, pk)
    if not is_author(user, partner_search):
        raise PermissionDenied
    return partner_search


def is_of_posting_organisation(user, partner_search: PartnerSearch) -> bool:
    return (
        user.is_authenticated
        and Affiliation.objects.filter(
            user=user, organisation_id=partner_search.organisation_id
        ).exists()
    )


def can_see_interests_and_suggestions(user, partner_search: PartnerSearch) -> bool:
    """The author and his colleagues of the posting organisation."""
    return is_author(user, partner_search) or is_of_posting_organisation(user, partner_search)


def organisations_for_posting(user):
    """The organisations `user` may publish a partner search for: those he works for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(affiliations__user=user).order_by("name")


def organisations_for_interest(user, partner_search: PartnerSearch):
    """The organisations `user` may speak for on this search: his, except the posting one."""
    return organisations_for_posting(user).exclude(pk=partner_search.organisation_id)


def can_express_interest(user, partner_search: PartnerSearch) -> bool:
    """Not the author, and working for an organisation other than the posting one."""
    return (
        user.is_authenticated
        and not is_author(user, partner_search)
        and organisations_for_interest(user, partner_search).exists()
    )


def get_interest_to_answer(user, pk: int) -> Interest:
    """An interest in a search `user` wrote: 404 if he cannot see the search, 403 otherwise."""
    interest = (
        Interest.objects.filter(posting__in=PartnerSearch.objects.visible_to(user))
        .select_related("posting", "organisation")
        .filter(pk=pk)
        .first()
    )
    if interest is None:
        raise Http404
    if not is_author(user, interest.posting):
        raise PermissionDenied
    return interest


def can_moderate(user, partner_search: PartnerSearch) -> bool:
    """Superusers, and the staff of the pôle the search is attached to."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        partner_search.pole_id is not None
        and staff_poles(user).filter(pk=partner_search.pole_id).exists()
    )


# --- Django admin ------------------------------------------------------------------------------
# Superusers see every search; a pôle's staff see the searches attached to their pôles and
# moderate them with the admin actions (which call the moderation service).


def admin_can_moderate(user) -> bool:
    return admin_can_manage_members(user)


def admin_partner_searches(user):
    if user.is_superuser:
        return PartnerSearch.objects.all()
    return PartnerSearch.objects.filter(pole__in=staff_poles(user))


def admin_interests(user):
    return Interest.objects.filter(posting__in=admin_partner_searches(user))


# --- Projects: confidential by default ----------------------------------------------------
#
# `Project.objects.visible_to(user)` is the one scope: the consortium (people of its partner
# organisations) and the staff of the pôles asked for a label. Outside it every project URL,
# attachments included, answers 404. In scope without the role, 403.


def get_project_for_user(user, pk: int):
    from projects.models import Project  # noqa: PLC0415

    try:
        return (
            Project.objects.visible_to(user)
            .select_related("coordinator", "call", "created_by", "partner_search")
            .get(pk=pk)
        )
    except Project.DoesNotExist:
        raise Http404 from None


PAGE_FLAGS = (
    "viewer_coordinates",
    "has_label_requests",
    "has_pending_invitations",
    "has_attachments",
    "has_dossiers",
    "has_released_decisions",
    "has_outcome_reports",
)


def _page_flags(user, project_path: str) -> dict:
    """What the project page asks about the project at `project_path` ("" for the project
    itself): whether `user` works for its coordinator, and whether its lists have any row."""
    from funding.models import Decision, DossierVersion  # noqa: PLC0415
    from projects.models import (  # noqa: PLC0415
        Invitation,
        InvitationStatus,
        LabelRequest,
        OutcomeReport,
        PartAttachment,
    )

    project = OuterRef(f"{project_path}__pk" if project_path else "pk")

    def has(model, **lookups):
        return Exists(model.objects.filter(**lookups))

    flags = {
        "viewer_coordinates": _works_for(
            user, f"{project_path}__coordinator_id" if project_path else "coordinator_id"
        ),
        "has_label_requests": has(LabelRequest, project=project),
        "has_pending_invitations": has(
            Invitation, project=project, status=InvitationStatus.PENDING
        ),
        "has_attachments": has(PartAttachment, partner__project=project),
        "has_dossiers": has(DossierVersion, project=project),
        "has_released_decisions": has(Decision, project=project, released_at__isnull=False),
        "has_outcome_reports": has(OutcomeReport, project=project),
    }
    return {f"page_{name}": flag for name, flag in flags.items()}


def _works_for(user, organisation_field: str):
    return Exists(
        Affiliation.objects.filter(user_id=user.pk, organisation_id=OuterRef(organisation_field))
    )


def get_project_page_for_user(user, pk: int):
    """`get_project_for_user` for the project page, with its parts (`part_list`, in joining
    order, with organisation and region of R&D), in one query: the parts are read with their
    project (and its coordinator, call, author, partner search and origin event); a project
    with no part at all costs a second query.

    Read with them, so that the page asks nothing again: what `user` is to the project
    (`viewer_id`, `viewer_coordinates`, each part's `viewer_is_member`; `can_coordinate` and
    `is_in_consortium` answer from them) and whether the lists the page shows have any row
    (`has_…`), so that an empty list costs no query.
    """
    from projects.models import Project, ProjectPartner  # noqa: PLC0415

    related = ("coordinator", "call", "created_by", "partner_search", "origin_event")
    visible = Project.objects.visible_to(user)
    parts = list(
        ProjectPartner.objects.filter(project__in=visible.filter(pk=pk).values("pk"))
        .select_related(
            "organisation", "rd_region", "project", *(f"project__{name}" for name in related)
        )
        .annotate(
            viewer_is_member=_works_for(user, "organisation_id"), **_page_flags(user, "project")
        )
        .order_by("joined_at", "pk")
    )
    if parts:
        project, flags = parts[0].project, parts[0]
        for part in parts:
            part.project = project
    else:
        try:
            project = flags = (
                visible.select_related(*related).annotate(**_page_flags(user, "")).get(pk=pk)
            )
        except Project.DoesNotExist:
            raise Http404 from None
    for name in PAGE_FLAGS:
        setattr(project, name, getattr(flags, f"page_{name}"))
    project.part_list = parts
    project.viewer_id = user.pk
    return project


def _known(user, project, attribute: str):
    """What `get_project_page_for_user` read about `user` (None when it did not)."""
    if getattr(project, "viewer_id", None) != user.pk:
        return None
    return getattr(project, attribute, None)


def is_in_consortium(user, project) -> bool:
    parts = _known(user, project, "part_list")
    if parts is not None:
        return any(part.viewer_is_member for part in parts)
    return (
        user.is_authenticated
        and Affiliation.objects.filter(
            user=user, organisation__project_parts__project=project
        ).exists()
    )


def can_coordinate(user, project) -> bool:
    """People of the coordinating organisation act for the coordinator."""
    if user is not None and user.is_authenticated:
        known = _known(user, project, "viewer_coordinates")
        if known is not None:
            return known
    return (
        user is not None
        and user.is_authenticated
        and Affiliation.objects.filter(user=user, organisation_id=project.coordinator_id).exists()
    )


def can_edit_part(user, partner) -> bool:
    """Only people of the partner organisation edit its part."""
    return (
        user is not None
        and user.is_authenticated
        and Affiliation.objects.filter(user=user, organisation_id=partner.organisation_id).exists()
    )


def can_decide_label(user, label_request) -> bool:
    """Staff of the pôle asked (and superusers) record its committee's decision."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or staff_poles(user).filter(pk=label_request.pole_id).exists()


def label_requests_for_staff(user):
    """Label requests addressed to the pôles `user` animates (all of them for superusers)."""
    from projects.models import LabelRequest  # noqa: PLC0415

    requests = LabelRequest.objects.select_related("project__coordinator", "project__call", "pole")
    if user.is_superuser:
        return requests
    return requests.filter(pole__in=staff_poles(user))
