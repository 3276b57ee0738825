"""Who may see or manage what among organisations and memberships.

Every object access in views and the admin goes through these functions. Outside a user's
scope the answer is 404 (the object's existence is not revealed).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from members.models import Affiliation, AffiliationRole, Membership, Organisation
from poles.models import Pole


def is_pole_staff(user) -> bool:
    # Asked by every admin's permission checks: the roles read once per request (and user).
    from config.roles import roles

    return user.is_authenticated and user.is_active and roles(user).pole_staff


def staff_poles(user):
    """The pôles `user` animates (every pôle for a superuser)."""
    if not user.is_authenticated:
        return Pole.objects.none()
    if user.is_superuser:
        return Pole.objects.all()
    return Pole.objects.filter(staff__user=user)


def organisations_visible_to(user):
    """Published organisations, plus unpublished ones the user belongs to or animates."""
    public = Organisation.objects.public()
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Organisation.objects.all()
    # OR of small subqueries (no join, so no duplicates and no DISTINCT).
    return Organisation.objects.filter(
        Q(is_published=True)
        | Q(pk__in=Affiliation.objects.filter(user=user).values("organisation_id"))
        | Q(pk__in=Membership.objects.filter(pole__staff__user=user).values("organisation_id"))
    )


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Admins of the organisation, staff of a pôle it belongs to, and superusers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        organisation.affiliations.filter(user=user, role=AffiliationRole.ADMIN).exists()
        or organisation.memberships.filter(pole__staff__user=user).exists()
    )


def can_see_contacts(user) -> bool:
    """Contacts are for members: people affiliated to an organisation, pôle staff, admins."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or is_pole_staff(user) or user.affiliations.exists()


def is_organisation_admin(user, organisation: Organisation) -> bool:
    return (
        user.is_authenticated
        and organisation.affiliations.filter(user=user, role=AffiliationRole.ADMIN).exists()
    )


def is_affiliated(user, organisation: Organisation) -> bool:
    return user.is_authenticated and organisation.affiliations.filter(user=user).exists()


def can_request_membership(user, organisation: Organisation) -> bool:
    """Asking a pôle for membership commits the organisation: its admins (and superusers)."""
    return user.is_authenticated and (
        user.is_superuser or is_organisation_admin(user, organisation)
    )


def get_organisation_to_manage(user, slug: str) -> Organisation:
    """The organisation, if `user` may edit it: 404 when he cannot see it, 403 when he only can."""
    organisation = get_organisation_for_user(user, slug)
    if not can_manage_organisation(user, organisation):
        raise PermissionDenied
    return organisation


def get_organisation_for_user(user, slug: str) -> Organisation:
    try:
        return organisations_visible_to(user).select_related("region").get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


# --- Django admin ------------------------------------------------------------------------------
# Superusers manage everything. Pôle staff (animators and managers) reach the admin limited to
# their pôles: the memberships of those pôles and the organisations holding one.


def admin_can_manage_members(user) -> bool:
    return user.is_active and user.is_staff and (user.is_superuser or is_pole_staff(user))


def admin_memberships(user):
    return Membership.objects.for_staff(user)
