"""What a signed-in person is in the portal, read in one query per request.

The navigation (pôle staff → Labellisation, reviewers → Évaluation, call managers → Comité)
and the two-factor rule (funders must use it) all need these facts on every page: one query
with EXISTS subqueries answers them together, and the answer is kept on the user object for
the rest of the request.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class Roles:
    pole_staff: bool = False
    funder: bool = False
    reviewer: bool = False  # has review assignments (active or not)
    call_manager: bool = False

    @property
    def labelling(self) -> bool:
        return self.pole_staff


NOBODY = Roles()


def roles(user) -> Roles:
    if user is None or not user.is_authenticated:
        return NOBODY
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    from funding.models import Assignment, FunderMember, FunderRole  # noqa: PLC0415
    from members.models import User  # noqa: PLC0415
    from poles.models import PoleStaff  # noqa: PLC0415

    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_pole_staff=Exists(PoleStaff.objects.filter(user=OuterRef("pk"))),
            is_funder=Exists(FunderMember.objects.filter(user=OuterRef("pk"))),
            is_reviewer=Exists(Assignment.objects.filter(reviewer=OuterRef("pk"))),
            is_manager=Exists(
                FunderMember.objects.filter(user=OuterRef("pk"), role=FunderRole.MANAGER)
            ),
        )
        .values("is_pole_staff", "is_funder", "is_reviewer", "is_manager")
        .first()
    ) or {}
    result = Roles(
        pole_staff=bool(row.get("is_pole_staff")),
        funder=bool(row.get("is_funder")),
        reviewer=bool(row.get("is_reviewer")),
        call_manager=user.is_superuser or bool(row.get("is_manager")),
    )
    user._portal_roles = result
    return result


def context(request):
    """Template context processor: `roles`, computed only if a template asks."""
    return {"roles": SimpleLazyObject(lambda: roles(getattr(request, "user", None)))}
