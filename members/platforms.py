"""Shared platforms, demonstrators and equipment, and the access requests they receive.

Reads (selectors and permission helpers) first, then writes (services): keyword-only
arguments, an explicit `actor`, a transaction, an audit entry, e-mails after commit.

Who manages a platform: the admins of its owner organisation, the staff of its owner pôle,
superusers. Unpublished platforms are seen by their managers only (404 for the others).
"""

from django.db import transaction
from django.db.models import Case, Q, When
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record
from members.models import (
    AccessRequestStatus,
    Affiliation,
    AffiliationRole,
    Organisation,
    Platform,
    PlatformAccessRequest,
)
from members.permissions import staff_poles
from members.services import send_templated_mail
from poles.models import Pole


class PlatformError(Exception):
    """A platform change or access request that cannot be made; the message says why."""


# --- Who may do what ---------------------------------------------------------------------------


def organisations_administered_by(user):
    """Organisations `user` may put platforms under (all of them for a superuser)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=Affiliation.objects.filter(user=user, role=AffiliationRole.ADMIN).values(
            "organisation_id"
        )
    )


def can_create_platform(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or organisations_administered_by(user).exists()
        or staff_poles(user).exists()
    )


def platforms_managed_by(user):
    """Platforms whose owner organisation `user` administers or whose owner pôle he animates."""
    if not user.is_authenticated:
        return Platform.objects.none()
    if user.is_superuser:
        return Platform.objects.all()
    return Platform.objects.filter(
        Q(owner_organisation__in=organisations_administered_by(user).values("pk"))
        | Q(owner_pole__in=staff_poles(user).values("pk"))
    )


def platforms_visible_to(user):
    """Published platforms, plus the unpublished ones `user` manages."""
    if not user.is_authenticated:
        return Platform.objects.filter(is_published=True)
    if user.is_superuser:
        return Platform.objects.all()
    return Platform.objects.filter(
        Q(is_published=True) | Q(pk__in=platforms_managed_by(user).values("pk"))
    )


def can_manage_platform(user, platform: Platform) -> bool:
    return platforms_managed_by(user).filter(pk=platform.pk).exists()


def get_platform_for_user(user, slug: str) -> Platform:
    platform = (
        platforms_visible_to(user)
        .select_related("owner_organisation", "owner_pole", "region")
        .filter(slug=slug)
        .first()
    )
    if platform is None:
        raise Http404
    return platform


def get_platform_to_manage(user, slug: str) -> Platform:
    """The platform if `user` manages it; 404 otherwise (its existence is not revealed)."""
    platform = (
        platforms_managed_by(user)
        .select_related("owner_organisation", "owner_pole", "region")
        .filter(slug=slug)
        .first()
    )
    if platform is None:
        raise Http404
    return platform


def organisations_for_access(user, platform: Platform):
    """The organisations `user` works for, other than the platform's owner."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    organisations = Organisation.objects.filter(affiliations__user=user).order_by("name")
    if platform.owner_organisation_id:
        organisations = organisations.exclude(pk=platform.owner_organisation_id)
    return organisations


# --- Reads ------------------------------------------------------------------------------------


def platforms_for_listing(user):
    """The catalogue: published platforms with what their cards show."""
    return (
        Platform.objects.filter(is_published=True)
        .select_related("owner_organisation", "owner_pole", "region")
        .prefetch_related("competences")
        .order_by("name", "pk")
    )


def access_requests_received_by(user):
    """Requests on the platforms `user` manages, those to answer first, newest first."""
    return (
        PlatformAccessRequest.objects.filter(platform__in=platforms_managed_by(user).values("pk"))
        .select_related("platform", "organisation", "requested_by", "decided_by")
        .order_by(
            Case(When(status=AccessRequestStatus.NEW, then=0), default=1), "-created_at", "-pk"
        )
    )


def access_requests_sent_by(user):
    """Requests the organisations `user` works for have sent, newest first."""
    if not user.is_authenticated:
        return PlatformAccessRequest.objects.none()
    return (
        PlatformAccessRequest.objects.filter(
            organisation__in=Organisation.objects.filter(affiliations__user=user).values("pk")
        )
        .select_related("platform", "organisation", "requested_by")
        .order_by("-created_at", "-pk")
    )


# --- Writes -----------------------------------------------------------------------------------

EDITABLE_FIELDS = (
    "name",
    "kind",
    "description",
    "equipment",
    "city",
    "region",
    "access_conditions",
    "contact_email",
    "is_published",
)


# Paths of members.platform_urls that a platform's slug must not take.
RESERVED_SLUGS = {"nouvelle", "demandes"}


def unique_platform_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "plateforme"
    if base in RESERVED_SLUGS:
        base = f"{base}-plateforme"
    taken = set(
        Platform.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def _check_owner(actor, owner) -> dict:
    """The owner fields for `owner` (an organisation or a pôle) if `actor` may use it."""
    if isinstance(owner, Organisation):
        if (
            actor is not None
            and not organisations_administered_by(actor).filter(pk=owner.pk).exists()
        ):
            raise PlatformError(
                _("Vous n'administrez pas %(organisation)s.") % {"organisation": owner.name}
            )
        return {"owner_organisation": owner, "owner_pole": None}
    if isinstance(owner, Pole):
        if actor is not None and not staff_poles(actor).filter(pk=owner.pk).exists():
            raise PlatformError(_("Vous n'animez pas %(pole)s.") % {"pole": owner.name})
        return {"owner_organisation": None, "owner_pole": owner}
    raise PlatformError(_("Choisissez l'organisation ou le pôle qui propose la plateforme."))


@transaction.atomic
def create_platform(*, actor, owner, competences=(), **fields) -> Platform:
    """Publish a platform owned by `owner` (an organisation `actor` administers, or a pôle he
    animates; `actor` None for imports and demo data). Side effect: audit entry."""
    platform = Platform(**fields, **_check_owner(actor, owner))
    platform.created_by = actor
    if not platform.slug:
        platform.slug = unique_platform_slug(platform.name)
    platform.full_clean()
    platform.save()
    if competences:
        platform.competences.set(competences)
    record(
        actor=actor,
        action="platform.create",
        target=platform,
        summary=f"Plateforme « {platform.name} » ({platform.owner}) créée",
    )
    return platform


@transaction.atomic
def update_platform(*, actor, platform: Platform, owner, competences=None, **changes) -> Platform:
    """Apply `changes` (names from EDITABLE_FIELDS) and the owner; save what changed.

    Side effect: audit entry listing the changed fields.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise PlatformError(f"fields not editable: {', '.join(sorted(unknown))}")
    platform = Platform.objects.select_for_update(of=("self",)).get(pk=platform.pk)
    changes.update(_check_owner(actor, owner))
    changed = [name for name, value in changes.items() if getattr(platform, name) != value]
    for name in changed:
        setattr(platform, name, changes[name])
    platform.full_clean()
    if changed:
        platform.save(update_fields=[*changed, "updated_at"])
    if competences is not None:
        before = set(platform.competences.values_list("pk", flat=True))
        after = {competence.pk for competence in competences}
        if before != after:
            platform.competences.set(competences)
            changed.append("competences")
    if changed:
        record(
            actor=actor,
            action="platform.update",
            target=platform,
            summary=f"Plateforme « {platform.name} » modifiée",
            fields=changed,
        )
    return platform


@transaction.atomic
def request_platform_access(
    *, actor, platform: Platform, organisation: Organisation, message: str, desired_period=""
) -> PlatformAccessRequest:
    """`actor` asks, for `organisation`, to use `platform`.

    Refused on an unpublished platform, for the owner organisation itself, when `actor` does
    not work for the organisation, or when a request of the organisation is still waiting.
    Side effects: audit entry, e-mail to the platform's contact address.
    """
    if not platform.is_published:
        raise PlatformError(_("Cette plateforme n'est pas publiée."))
    if organisation.pk == platform.owner_organisation_id:
        raise PlatformError(
            _("%(organisation)s est propriétaire de cette plateforme.")
            % {"organisation": organisation.name}
        )
    if not organisation.affiliations.filter(user=actor).exists():
        raise PlatformError(
            _("Vous ne pouvez pas faire de demande au nom de %(organisation)s.")
            % {"organisation": organisation.name}
        )
    if platform.access_requests.filter(
        organisation=organisation, status=AccessRequestStatus.NEW
    ).exists():
        raise PlatformError(
            _("Une demande de %(organisation)s attend déjà la réponse du propriétaire.")
            % {"organisation": organisation.name}
        )
    access_request = PlatformAccessRequest(
        platform=platform,
        organisation=organisation,
        requested_by=actor,
        message=message.strip(),
        desired_period=desired_period.strip(),
    )
    access_request.full_clean()
    access_request.save()
    record(
        actor=actor,
        action="platform.access_request",
        target=access_request,
        summary=f"{organisation} demande l'accès à « {platform.name} »",
        platform=platform.slug,
    )
    send_templated_mail(
        template="email/platform_access_requested",
        to=[platform.contact_email],
        context={"access_request": access_request, "platform": platform},
    )
    return access_request


@transaction.atomic
def answer_access_request(
    *, actor, access_request: PlatformAccessRequest, accept: bool, response: str = ""
) -> PlatformAccessRequest:
    """The platform's manager accepts or declines a waiting request.

    Side effects: audit entry, e-mail to the person who asked.
    """
    access_request = (
        PlatformAccessRequest.objects.select_for_update(of=("self",))
        .select_related("platform", "organisation", "requested_by")
        .get(pk=access_request.pk)
    )
    if access_request.status != AccessRequestStatus.NEW:
        raise PlatformError(_("Cette demande a déjà reçu une réponse."))
    access_request.status = AccessRequestStatus.ACCEPTED if accept else AccessRequestStatus.DECLINED
    access_request.response = response.strip()
    access_request.decided_by = actor
    access_request.decided_at = timezone.now()
    access_request.save(update_fields=["status", "response", "decided_by", "decided_at"])
    record(
        actor=actor,
        action="platform.access_accept" if accept else "platform.access_decline",
        target=access_request,
        summary=(
            f"Accès de {access_request.organisation} à « {access_request.platform.name} » : "
            + ("accepté" if accept else "refusé")
        ),
        platform=access_request.platform.slug,
    )
    if access_request.requested_by_id:
        send_templated_mail(
            template="email/platform_access_answered",
            to=[access_request.requested_by.email],
            context={
                "access_request": access_request,
                "platform": access_request.platform,
                "accepted": accept,
            },
        )
    return access_request
