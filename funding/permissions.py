"""Who may see and do what in the review of dossiers by funders.

- Reviewers (`FunderMember` role reviewer) see only the dossiers they are assigned to (an
  active assignment), every version of them.
- Managers (`FunderMember` role manager) of a funder of a call manage that call's review:
  assignments, ranking, decisions of their funder, release.
- Superusers manage every call.
Outside these scopes the answer is 404; in scope without the role, 403.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from funding.models import (
    Assignment,
    AssignmentStatus,
    Call,
    DossierVersion,
    Funder,
    FunderMember,
    FunderRole,
)


def is_funder_member(user) -> bool:
    return user.is_authenticated and FunderMember.objects.filter(user=user).exists()


def managed_funders(user):
    """The funders `user` manages (every funder for a superuser)."""
    if not user.is_authenticated:
        return Funder.objects.none()
    if user.is_superuser:
        return Funder.objects.all()
    return Funder.objects.filter(members__user=user, members__role=FunderRole.MANAGER)


def is_call_manager(user) -> bool:
    """Superusers, and the managers of a funder (whether or not it funds a call yet)."""
    return user.is_authenticated and (
        user.is_superuser
        or FunderMember.objects.filter(user=user, role=FunderRole.MANAGER).exists()
    )


def managed_calls(user):
    """The calls whose review `user` manages: calls of the funders he manages."""
    if not user.is_authenticated:
        return Call.objects.none()
    if user.is_superuser:
        return Call.objects.all()
    return Call.objects.filter(funders__in=managed_funders(user)).distinct()


def can_manage_call(user, call) -> bool:
    return user.is_authenticated and (
        user.is_superuser or managed_calls(user).filter(pk=call.pk).exists()
    )


def get_managed_call(user, slug: str) -> Call:
    try:
        return managed_calls(user).get(slug=slug)
    except Call.DoesNotExist:
        raise Http404 from None


def can_decide_for(user, funder) -> bool:
    return user.is_authenticated and managed_funders(user).filter(pk=funder.pk).exists()


def reviewer_funders(user):
    if not user.is_authenticated:
        return Funder.objects.none()
    return Funder.objects.filter(members__user=user, members__role=FunderRole.REVIEWER)


def active_assignments(user):
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(reviewer=user, status=AssignmentStatus.ACTIVE)


def get_assignment_for_reviewer(user, pk: int) -> Assignment:
    """An assignment of `user` (active or not, to show its state); 404 for anyone else."""
    try:
        return Assignment.objects.select_related("project__coordinator", "call", "funder").get(
            pk=pk, reviewer=user
        )
    except Assignment.DoesNotExist:
        raise Http404 from None


def dossier_versions_visible_to(user):
    """Dossier versions `user` may read: his projects' (consortium, labelling pôles), those
    he is assigned to review, and those of the calls he manages."""
    from projects.models import Project  # noqa: PLC0415

    if not user.is_authenticated:
        return DossierVersion.objects.none()
    if user.is_superuser:
        return DossierVersion.objects.all()
    assigned = Assignment.objects.filter(
        reviewer=user,
        status=AssignmentStatus.ACTIVE,
        project=OuterRef("project"),
        call=OuterRef("call"),
    )
    return DossierVersion.objects.filter(
        Q(project__in=Project.objects.visible_to(user))
        | Q(Exists(assigned))
        | Q(call__in=managed_calls(user))
    )
