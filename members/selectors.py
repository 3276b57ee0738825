"""Reads about members, named by intent."""

from django.db.models import Prefetch, Q

from members import identifiers, permissions
from members.models import (
    Affiliation,
    AffiliationRole,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationJoinRequest,
)


def _cleaned(cleaner, value: str) -> str:
    """The compact identifier, or "" when blank or malformed (the form reports those)."""
    try:
        return cleaner(value) if value.strip() else ""
    except identifiers.IdentifierError:
        return ""


def organisation_with_identifiers(*, siren: str = "", siret: str = "") -> Organisation | None:
    """The organisation already registered under this SIRET, or under the same SIREN."""
    siret = _cleaned(identifiers.clean_siret, siret)
    siren = _cleaned(identifiers.clean_siren, siren) or siret[:9]
    conditions = Q()
    if siret:
        conditions |= Q(siret=siret)
    if siren:
        conditions |= Q(siren=siren)
    if not conditions:
        return None
    return Organisation.objects.filter(conditions).order_by("pk").first()


def organisations_matching_identity(user, text: str, limit: int = 10) -> list[Organisation]:
    """Organisations a newcomer may be looking for: by SIRET, SIREN, or words of the name."""
    compact = "".join(text.split())
    visible = permissions.organisations_visible_to(user).select_related("region")
    if compact.isdigit() and len(compact) in (9, 14):
        return list(visible.filter(Q(siren=compact[:9]) | Q(siret=compact))[:limit])
    queryset = visible
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return list(queryset.order_by("name")[:limit])


def organisation_contacts(organisation: Organisation):
    """The people an organisation shows as contacts (for members; see permissions)."""
    return (
        organisation.affiliations.filter(is_contact=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def member_space(user) -> dict:
    """What the member's own page shows, in a fixed number of queries."""
    affiliations = list(
        Affiliation.objects.filter(user=user)
        .select_related("organisation__region")
        .prefetch_related(
            Prefetch(
                "organisation__memberships",
                queryset=Membership.objects.exclude(status=MembershipStatus.REFUSED)
                .select_related("pole")
                .order_by("pole__name"),
            )
        )
        .order_by("organisation__name")
    )
    administered = [a.organisation_id for a in affiliations if a.role == AffiliationRole.ADMIN]
    requests_to_decide = list(
        OrganisationJoinRequest.objects.filter(
            organisation_id__in=administered, status=JoinRequestStatus.PENDING
        )
        .select_related("user", "organisation")
        .order_by("created_at")
    )
    my_requests = list(
        OrganisationJoinRequest.objects.filter(user=user)
        .select_related("organisation")
        .order_by("-created_at")[:10]
    )
    return {
        "affiliations": affiliations,
        "requests_to_decide": requests_to_decide,
        "my_requests": my_requests,
    }


def admin_emails(organisation: Organisation) -> list[str]:
    """The e-mail addresses of the organisation's admins with an active account, sorted: who
    hears about what commits the organisation (invitations, fees, renewals)."""
    return list(
        Affiliation.objects.filter(
            organisation=organisation, role=AffiliationRole.ADMIN, user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
