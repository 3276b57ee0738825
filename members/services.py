"""Writes about members: organisations, affiliations and memberships.

Each function takes keyword-only arguments and an explicit `actor` (None for system jobs such
as imports and demo data), validates with `full_clean()` and runs in a transaction.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record
from members.models import (
    Affiliation,
    AffiliationRole,
    College,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationJoinRequest,
    OrganisationKind,
    User,
)
from members.search import refresh_search_data


class MembershipError(Exception):
    """A request that cannot be made or decided; the message says why, translated."""


_mail_suppressed: ContextVar[bool] = ContextVar("mail_suppressed", default=False)


@contextmanager
def mail_suppressed():
    """No e-mail leaves while inside (`seed_demo` acts through the services silently)."""
    token = _mail_suppressed.set(True)
    try:
        yield
    finally:
        _mail_suppressed.reset(token)


def send_templated_mail(*, template: str, to: list[str], context: dict, language=None) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` and send them after commit.

    Each recipient reads it in his own language (`User.language`); addresses without an
    account get `language` when given, the portal's default otherwise. One mail per language.
    """
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients or _mail_suppressed.get():
        return

    def render(name: str) -> str:
        # Plain-text mail: nothing is HTML-escaped (an apostrophe stays an apostrophe).
        return get_template(name).template.render(Context(context, autoescape=False))

    def send():
        known = dict(User.objects.filter(email__in=recipients).values_list("email", "language"))
        default = language or settings.LANGUAGE_CODE
        by_language: dict[str, list[str]] = {}
        for address in recipients:
            by_language.setdefault(known.get(address) or default, []).append(address)
        for code, addresses in by_language.items():
            with translation.override(code):
                subject = " ".join(render(f"{template}_subject.txt").split())
                body = render(f"{template}.txt")
            send_mail(subject, body, None, addresses)

    transaction.on_commit(send)


def remember_language(*, user, language: str) -> None:
    """Keep the language `user` chose (one of settings.LANGUAGES) for his pages and mails."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])


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
    refresh_search_data([organisation.pk])
    return organisation


# Fields an organisation's admins may change from the portal (identifiers included: they are
# validated again, and the size category derived again, on every change).
EDITABLE_FIELDS = (
    "name",
    "kind",
    "siren",
    "siret",
    "rnsr",
    "uai",
    "group_name",
    "headcount",
    "turnover_eur",
    "balance_sheet_eur",
    "address",
    "postcode",
    "city",
    "region",
    "website",
    "contact_email",
    "phone",
    "description",
    "keywords",
    "is_published",
)


@transaction.atomic
def update_organisation(
    *, actor, organisation: Organisation, competences=None, **changes
) -> Organisation:
    """Apply `changes` (names from EDITABLE_FIELDS), validate, save only what changed.

    Side effects: an audit entry listing the changed fields.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    original = Organisation.objects.get(pk=organisation.pk)
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    attnames = [
        Organisation._meta.get_field(field).attname for field in (*EDITABLE_FIELDS, "size_category")
    ]
    changed = [
        attname
        for attname in attnames
        if getattr(original, attname) != getattr(organisation, attname)
    ]
    if changed:
        organisation.save(update_fields=[*changed, "updated_at"])
    competences_changed = False
    if competences is not None:
        new = {competence.pk for competence in competences}
        old = set(organisation.competences.values_list("pk", flat=True))
        if new != old:
            organisation.competences.set(new)
            competences_changed = True
    if changed or competences_changed:
        record(
            actor=actor,
            action="organisation.update",
            target=organisation,
            summary=f"{organisation} : fiche modifiée",
            fields=changed + (["competences"] if competences_changed else []),
        )
    refresh_search_data([organisation.pk])
    return organisation


@transaction.atomic
def register_organisation(*, actor, competences=(), **fields) -> Organisation:
    """A member puts his organisation on the portal and becomes its first admin.

    Side effects: affiliation of `actor` as admin, audit entry.
    """
    organisation = create_organisation(actor=actor, competences=competences, **fields)
    affiliate_user(actor=actor, user=actor, organisation=organisation, role=AffiliationRole.ADMIN)
    record(
        actor=actor,
        action="organisation.register",
        target=organisation,
        summary=f"{organisation} créée par {actor.email}",
    )
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


@transaction.atomic
def request_membership(
    *, actor, organisation: Organisation, pole, college: str, motivation: str = ""
) -> Membership:
    """An organisation asks to join a pôle; the pôle's staff decide.

    Refused if a request is already pending or the organisation is already a member; a
    refused or lapsed membership may be asked for again. Side effects: audit entry, e-mail
    to the pôle's staff.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, pole=pole)
        .first()
    )
    if membership is not None and membership.status == MembershipStatus.PENDING:
        raise MembershipError(
            _("Une demande d'adhésion de %(organisation)s à %(pole)s est déjà en attente.")
            % {"organisation": organisation.name, "pole": pole.name}
        )
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        raise MembershipError(
            _("%(organisation)s est déjà membre de %(pole)s.")
            % {"organisation": organisation.name, "pole": pole.name}
        )
    if membership is None:
        membership = Membership(organisation=organisation, pole=pole)
    membership.status = MembershipStatus.PENDING
    membership.college = college
    membership.motivation = motivation
    membership.requested_by = actor
    membership.decided_by = None
    membership.decided_at = None
    membership.start_date = None
    membership.end_date = None
    membership.full_clean(validate_unique=False)
    membership.save()
    record(
        actor=actor,
        action="membership.request",
        target=membership,
        summary=f"{organisation} demande à adhérer à {pole}",
        pole=pole.slug,
    )
    staff_emails = list(pole.staff.values_list("user__email", flat=True))
    send_templated_mail(
        template="email/membership_requested",
        to=staff_emails,
        context={"membership": membership, "organisation": organisation, "pole": pole},
    )
    return membership


@transaction.atomic
def decide_membership(
    *, actor, membership: Membership, approve: bool, note: str = ""
) -> Membership:
    """Approve or refuse a pending membership request (pôle staff).

    Side effects: audit entry, e-mail to the person who asked and the organisation's admins.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "pole", "requested_by")
        .get(pk=membership.pk)
    )
    if membership.status != MembershipStatus.PENDING:
        raise MembershipError(
            _("La demande de %(organisation)s n'est plus en attente (%(status)s).")
            % {"organisation": membership.organisation, "status": membership.get_status_display()}
        )
    now = timezone.now()
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    membership.decided_by = actor
    membership.decided_at = now
    if approve:
        membership.start_date = timezone.localdate(now)
    membership.save(update_fields=["status", "decided_by", "decided_at", "start_date"])
    record(
        actor=actor,
        action="membership.approve" if approve else "membership.refuse",
        target=membership,
        summary=(
            f"Adhésion de {membership.organisation} à {membership.pole} "
            + ("acceptée" if approve else "refusée")
        ),
        pole=membership.pole.slug,
        note=note,
    )
    admins = membership.organisation.affiliations.filter(role=AffiliationRole.ADMIN)
    recipients = {affiliation.user.email for affiliation in admins.select_related("user")}
    if membership.requested_by_id:
        recipients.add(membership.requested_by.email)
    send_templated_mail(
        template="email/membership_decided",
        to=sorted(recipients),
        context={"membership": membership, "approved": approve, "note": note},
    )
    return membership


# The status changes of a running membership (requests and decisions have their own services
# above): it lapses when its fee stays unpaid past the grace period, and comes back to life when
# a fee is paid.
MEMBERSHIP_TRANSITIONS = {
    MembershipStatus.ACTIVE: {MembershipStatus.LAPSED},
    MembershipStatus.LAPSED: {MembershipStatus.ACTIVE},
}


@transaction.atomic
def change_membership_status(
    *, actor, membership: Membership, status: str, reason: str = ""
) -> Membership:
    """Move a membership from active to lapsed, or back (see MEMBERSHIP_TRANSITIONS).

    Side effects: audit entry ("membership.lapse" or "membership.reactivate"). Mail is the
    caller's business (members.fees tells the organisation's admins).
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "pole")
        .get(pk=membership.pk)
    )
    if status not in MEMBERSHIP_TRANSITIONS.get(membership.status, set()):
        raise MembershipError(
            _(
                "L'adhésion de %(organisation)s à %(pole)s ne peut pas passer "
                "de « %(old)s » à « %(new)s »."
            )
            % {
                "organisation": membership.organisation.name,
                "pole": membership.pole.name,
                "old": membership.get_status_display(),
                "new": MembershipStatus(status).label,
            }
        )
    membership.status = status
    membership.save(update_fields=["status"])
    lapsed = status == MembershipStatus.LAPSED
    record(
        actor=actor,
        action="membership.lapse" if lapsed else "membership.reactivate",
        target=membership,
        summary=(
            f"Adhésion de {membership.organisation} à {membership.pole} "
            + ("échue" if lapsed else "de nouveau active")
        ),
        pole=membership.pole.slug,
        reason=reason,
    )
    return membership


@transaction.atomic
def request_to_join_organisation(
    *, actor, organisation: Organisation, job_title: str = "", message: str = ""
) -> OrganisationJoinRequest:
    """`actor` asks to work for `organisation`; its admins decide.

    Side effects: audit entry, e-mail to the organisation's admins.
    """
    if organisation.affiliations.filter(user=actor).exists():
        raise MembershipError(
            _("Vous êtes déjà rattaché à %(organisation)s.") % {"organisation": organisation}
        )
    if organisation.join_requests.filter(user=actor, status=JoinRequestStatus.PENDING).exists():
        raise MembershipError(
            _("Votre demande de rattachement à %(organisation)s est déjà en attente.")
            % {"organisation": organisation}
        )
    join_request = OrganisationJoinRequest(
        user=actor, organisation=organisation, job_title=job_title, message=message
    )
    join_request.full_clean()
    join_request.save()
    record(
        actor=actor,
        action="organisation.join_request",
        target=organisation,
        summary=f"{actor.email} demande à rejoindre {organisation}",
    )
    admins = organisation.affiliations.filter(role=AffiliationRole.ADMIN).select_related("user")
    send_templated_mail(
        template="email/join_requested",
        to=[affiliation.user.email for affiliation in admins],
        context={"join_request": join_request, "organisation": organisation},
    )
    return join_request


@transaction.atomic
def decide_join_request(
    *, actor, join_request: OrganisationJoinRequest, approve: bool
) -> OrganisationJoinRequest:
    """An admin of the organisation accepts or declines; accepted people become members.

    Side effects: affiliation (when accepted), audit entry, e-mail to the requester.
    """
    join_request = (
        OrganisationJoinRequest.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=join_request.pk)
    )
    if join_request.status != JoinRequestStatus.PENDING:
        raise MembershipError(_("Cette demande a déjà été traitée."))
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        affiliate_user(
            actor=actor,
            user=join_request.user,
            organisation=join_request.organisation,
            job_title=join_request.job_title,
        )
    record(
        actor=actor,
        action="organisation.join_approve" if approve else "organisation.join_decline",
        target=join_request.organisation,
        summary=(
            f"{join_request.user.email} → {join_request.organisation} : "
            + ("accepté" if approve else "refusé")
        ),
    )
    send_templated_mail(
        template="email/join_decided",
        to=[join_request.user.email],
        context={"join_request": join_request, "approved": approve},
    )
    return join_request
