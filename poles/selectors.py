"""Reads about the network, named by intent."""

from django.db.models import Count, Q

from members.models import MembershipStatus, Organisation, OrganisationKind
from poles.models import Pole


def network_figures() -> dict[str, int]:
    """Headline figures for the home page, in three queries."""
    return {
        "poles": Pole.objects.count(),
        "organisations": Organisation.objects.public().count(),
        **Organisation.objects.public().aggregate(
            companies=Count("pk", filter=Q(kind=OrganisationKind.COMPANY)),
            smes=Count(
                "pk", filter=Q(kind=OrganisationKind.COMPANY, size_category__in=["micro", "pme"])
            ),
            labs=Count(
                "pk",
                filter=Q(kind__in=[OrganisationKind.RESEARCH, OrganisationKind.TRAINING]),
            ),
        ),
    }


def poles_for_listing():
    return (
        Pole.objects.select_related("main_region")
        .prefetch_related("regions")
        .with_member_counts()
        .order_by("name")
    )


def pole_members_by_kind(pole: Pole, per_kind: int = 12) -> list[dict]:
    """For each kind of organisation: its label, how many active members, and the first few.

    Two queries whatever the number of kinds: one count per kind, one list.
    """
    members = Organisation.objects.public().filter(
        memberships__pole=pole, memberships__status=MembershipStatus.ACTIVE
    )
    counts = dict(members.values_list("kind").annotate(n=Count("pk")).order_by())
    listed = list(
        members.select_related("region")
        .order_by("kind", "name")
        .only("name", "slug", "kind", "city", "size_category", "region__name")
    )
    groups = []
    for kind in OrganisationKind:
        if not counts.get(kind.value):
            continue
        of_kind = [org for org in listed if org.kind == kind.value]
        groups.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "count": counts[kind.value],
                "organisations": of_kind[:per_kind],
            }
        )
    return groups
