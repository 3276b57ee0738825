"""Writes about members: organisations, affiliations and memberships.

Each function takes keyword-only arguments and an explicit `actor` (None for system jobs such
as imports and demo data), validates with `full_clean()` and runs in a transaction.
"""

from datetime import date

from django.db import transaction
from django.utils.text import slugify

from members.models import (
    Affiliation,
    AffiliationRole,
    College,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)


def unique_organisation_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "organisation"
    taken = set(
        Organisation.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


@transaction.atomic
def create_organisation(*, actor, competences=(), **fields) -> Organisation:
    """Create an organisation; identifiers are validated and its size category derived."""
    organisation = Organisation(**fields)
    if not organisation.slug:
        organisation.slug = unique_organisation_slug(organisation.name)
    organisation.full_clean()
    organisation.save()
    if competences:
        organisation.competences.set(competences)
    return organisation


def default_college(organisation: Organisation) -> str:
    """The collège an organisation most plausibly joins, from its kind and size."""
    if organisation.kind in {OrganisationKind.RESEARCH, OrganisationKind.TRAINING}:
        return College.RESEARCH_TRAINING
    if organisation.kind == OrganisationKind.COMPANY:
        return College.SME if organisation.is_sme else College.LARGE_COMPANIES
    return College.OTHER


@transaction.atomic
def affiliate_user(
    *, actor, user, organisation: Organisation, role: str = AffiliationRole.MEMBER, job_title=""
) -> Affiliation:
    affiliation, _created = Affiliation.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "job_title": job_title}
    )
    return affiliation


@transaction.atomic
def record_membership(
    *,
    actor,
    organisation: Organisation,
    pole,
    status: str = MembershipStatus.ACTIVE,
    college: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Membership:
    """Create or update an organisation's membership of a pôle (staff and imports)."""
    membership = Membership.objects.filter(organisation=organisation, pole=pole).first()
    if membership is None:
        membership = Membership(organisation=organisation, pole=pole)
    membership.status = status
    membership.college = college or default_college(organisation)
    membership.start_date = start_date
    membership.end_date = end_date
    membership.full_clean(validate_unique=False)
    membership.save()
    return membership
