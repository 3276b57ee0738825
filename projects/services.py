"""Writes about partner searches, interests and follows.

Each function takes keyword-only arguments and an explicit `actor` (None for system jobs such as
the nightly expiry), checks the state first, validates with `full_clean()` and runs in a
transaction; e-mails leave after commit. A refusal is a `PartnerSearchError` whose message,
translated, says why; invalid field values are `ValidationError`s keyed by field name.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import record
from members.models import Affiliation, Organisation
from members.services import send_templated_mail
from projects.models import (
    Follow,
    Interest,
    InterestStatus,
    PartnerSearch,
    PartnerSearchStatus,
    join_kinds,
)
from projects.permissions import can_moderate

DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=365)

# The only status changes there are; `_change_status` refuses any other.
STATUS_TRANSITIONS = {
    PartnerSearchStatus.OPEN: {
        PartnerSearchStatus.CLOSED,
        PartnerSearchStatus.EXPIRED,
        PartnerSearchStatus.HIDDEN,
    },
    PartnerSearchStatus.EXPIRED: {
        PartnerSearchStatus.OPEN,  # the author extends it
        PartnerSearchStatus.CLOSED,
        PartnerSearchStatus.HIDDEN,
    },
    PartnerSearchStatus.CLOSED: {PartnerSearchStatus.HIDDEN},
    PartnerSearchStatus.HIDDEN: {PartnerSearchStatus.OPEN},  # moderation lifts the mask
}

# What the author may change after publishing (the organisation is fixed).
EDITABLE_FIELDS = (
    "title",
    "description",
    "kinds_wanted",
    "region_wanted",
    "pole",
    "target_call",
    "expires_on",
)


class PartnerSearchError(Exception):
    """An action that cannot be done now; the message says why, translated."""


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + DEFAULT_LIFETIME


def latest_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + MAX_LIFETIME


def check_expiry(expires_on: date | None, today: date | None = None) -> None:
    """A search expires in the future, at most a year from today."""
    today = today or timezone.localdate()
    if expires_on is None:
        raise ValidationError({"expires_on": _("Indiquez une date d'expiration.")})
    if expires_on <= today:
        raise ValidationError(
            {"expires_on": _("La date d'expiration doit être postérieure à aujourd'hui.")}
        )
    if expires_on > latest_expiry(today):
        raise ValidationError(
            {
                "expires_on": _(
                    "Une recherche reste en ligne un an au plus : choisissez une date "
                    "jusqu'au %(date)s."
                )
                % {"date": date_format(latest_expiry(today), "j F Y")}
            }
        )


def _check_competences(competences) -> list:
    competences = list(competences or ())
    if not competences:
        raise ValidationError(
            {"competences_wanted": _("Choisissez au moins une compétence recherchée.")}
        )
    return competences


def _is_affiliated(user, organisation: Organisation) -> bool:
    return Affiliation.objects.filter(user=user, organisation=organisation).exists()


def _change_status(partner_search: PartnerSearch, new_status: str) -> str:
    """Move to `new_status` if the workflow allows it; returns the previous status."""
    old_status = partner_search.status
    if new_status not in STATUS_TRANSITIONS.get(old_status, set()):
        raise PartnerSearchError(
            _("Cette recherche est « %(status)s » : cette action n'est plus possible.")
            % {"status": partner_search.get_status_display()}
        )
    partner_search.status = new_status
    return old_status


def _locked(partner_search: PartnerSearch) -> PartnerSearch:
    return (
        PartnerSearch.objects.select_for_update(of=("self",))
        .select_related("author", "organisation", "pole")
        .get(pk=partner_search.pk)
    )


def _check_author(actor, partner_search: PartnerSearch) -> None:
    if actor is None or actor.pk != partner_search.author_id:
        raise PermissionDenied


@transaction.atomic
def create_partner_search(
    *,
    actor,
    organisation: Organisation,
    title: str,
    description: str,
    competences,
    kinds_wanted=(),
    region_wanted=None,
    pole=None,
    target_call: str = "",
    expires_on: date | None = None,
) -> PartnerSearch:
    """`actor` publishes a partner search on behalf of `organisation`, which he works for.

    `expires_on` defaults to 90 days from today. Side effects: audit entry.
    """
    if not _is_affiliated(actor, organisation):
        raise PartnerSearchError(
            _("Vous n'êtes pas rattaché à %(organisation)s.") % {"organisation": organisation}
        )
    competences = _check_competences(competences)
    expires_on = expires_on or default_expiry()
    check_expiry(expires_on)
    partner_search = PartnerSearch(
        author=actor,
        organisation=organisation,
        title=title,
        description=description,
        kinds_wanted=join_kinds(kinds_wanted),
        region_wanted=region_wanted,
        pole=pole,
        target_call=target_call,
        expires_on=expires_on,
    )
    partner_search.full_clean()
    partner_search.save()
    partner_search.competences_wanted.set(competences)
    record(
        actor=actor,
        action="partner_search.create",
        target=partner_search,
        summary=f"{organisation} publie la recherche « {title} »",
    )
    return partner_search


@transaction.atomic
def update_partner_search(
    *, actor, partner_search: PartnerSearch, competences=None, **changes
) -> PartnerSearch:
    """The author changes his search (names from EDITABLE_FIELDS; `competences` a list).

    A new expiry date is checked like a first one; extending an expired search opens it
    again. A hidden search may be corrected but stays hidden. Side effects: audit entry
    listing the changed fields; e-mail « mise à jour » to the followers when the search is
    live (open, before its expiry date).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    partner_search = _locked(partner_search)
    _check_author(actor, partner_search)
    if partner_search.status == PartnerSearchStatus.CLOSED:
        raise PartnerSearchError(_("Cette recherche est clôturée : elle ne peut plus changer."))
    if "kinds_wanted" in changes:
        changes["kinds_wanted"] = join_kinds(changes["kinds_wanted"])
    original = PartnerSearch.objects.get(pk=partner_search.pk)
    for field, value in changes.items():
        setattr(partner_search, field, value)
    if partner_search.expires_on != original.expires_on:
        check_expiry(partner_search.expires_on)
    changed = [
        PartnerSearch._meta.get_field(field).attname
        for field in EDITABLE_FIELDS
        if getattr(original, PartnerSearch._meta.get_field(field).attname)
        != getattr(partner_search, PartnerSearch._meta.get_field(field).attname)
    ]
    if partner_search.status == PartnerSearchStatus.EXPIRED and not partner_search.is_past_expiry:
        _change_status(partner_search, PartnerSearchStatus.OPEN)
        changed.append("status")
    partner_search.full_clean()
    competences_changed = False
    if competences is not None:
        competences = _check_competences(competences)
        new = {competence.pk for competence in competences}
        old = set(partner_search.competences_wanted.values_list("pk", flat=True))
        competences_changed = new != old
    if changed:
        partner_search.save(update_fields=[*changed, "updated_at"])
    if competences_changed:
        partner_search.competences_wanted.set(competences)
    if not (changed or competences_changed):
        return partner_search
    fields = changed + (["competences_wanted"] if competences_changed else [])
    record(
        actor=actor,
        action="partner_search.update",
        target=partner_search,
        summary=f"Recherche « {partner_search.title} » mise à jour",
        fields=fields,
    )
    if not partner_search.is_live:
        return partner_search  # followers could not open it: nothing to tell them
    followers = partner_search.follows.exclude(user=actor).values_list("user__email", flat=True)
    send_templated_mail(
        template="email/partner_search_updated",
        to=sorted(followers),
        context={"partner_search": partner_search},
    )
    return partner_search


@transaction.atomic
def close_partner_search(*, actor, partner_search: PartnerSearch) -> PartnerSearch:
    """The author closes his search: it leaves the lists and takes no more interests.

    Pending interests stay as they are (the author may still answer them). Side effects:
    audit entry.
    """
    partner_search = _locked(partner_search)
    _check_author(actor, partner_search)
    _change_status(partner_search, PartnerSearchStatus.CLOSED)
    partner_search.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="partner_search.close",
        target=partner_search,
        summary=f"Recherche « {partner_search.title} » clôturée par son auteur",
    )
    return partner_search


@transaction.atomic
def express_interest(
    *,
    actor,
    partner_search: PartnerSearch,
    organisation: Organisation,
    contribution: str,
    motivation: str,
) -> Interest:
    """`actor` tells the author that `organisation` (which he works for) is interested.

    One interest per organisation and search. Side effects: audit entry, e-mail to the author.
    """
    partner_search = _locked(partner_search)
    if not partner_search.is_live:
        raise PartnerSearchError(
            _("Cette recherche n'accepte plus de marques d'intérêt (%(status)s).")
            % {"status": partner_search.get_display_status_display().lower()}
        )
    if actor.pk == partner_search.author_id:
        raise PartnerSearchError(_("Vous êtes l'auteur de cette recherche."))
    if organisation.pk == partner_search.organisation_id:
        raise PartnerSearchError(
            _("%(organisation)s est l'organisation qui publie cette recherche.")
            % {"organisation": organisation}
        )
    if not _is_affiliated(actor, organisation):
        raise PartnerSearchError(
            _("Vous n'êtes pas rattaché à %(organisation)s.") % {"organisation": organisation}
        )
    existing = (
        Interest.objects.filter(posting=partner_search, organisation=organisation)
        .select_related("user")
        .first()
    )
    if existing is not None:
        raise PartnerSearchError(_already_interested(existing))
    interest = Interest(
        posting=partner_search,
        organisation=organisation,
        user=actor,
        contribution=contribution,
        motivation=motivation,
    )
    interest.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            interest.save()
    except IntegrityError:  # the same organisation, at the same moment, from another session
        raise PartnerSearchError(
            _already_interested(
                Interest.objects.select_related("user").get(
                    posting=partner_search, organisation=organisation
                )
            )
        ) from None
    record(
        actor=actor,
        action="partner_search.interest",
        target=partner_search,
        summary=f"{organisation} est intéressée par « {partner_search.title} »",
        interest=interest.pk,
        organisation=organisation.slug,
    )
    send_templated_mail(
        template="email/partner_search_interest",
        to=[partner_search.author.email],
        context={"partner_search": partner_search, "interest": interest},
    )
    return interest


def _already_interested(existing: Interest) -> str:
    return _(
        "%(organisation)s a déjà exprimé son intérêt pour cette recherche, le %(date)s "
        "(%(person)s). Votre texte n'a pas été envoyé ; vous le retrouvez ci-dessous."
    ) % {
        "organisation": existing.organisation,
        "date": date_format(timezone.localtime(existing.created_at), "j F Y"),
        "person": existing.user.get_full_name() or existing.user.email,
    }


@transaction.atomic
def answer_interest(*, actor, interest: Interest, accept: bool, message: str = "") -> Interest:
    """The author accepts or declines an interest, with an optional message.

    Side effects: audit entry, e-mail to the person who expressed the interest.
    """
    interest = (
        Interest.objects.select_for_update(of=("self",))
        .select_related("posting__author", "organisation", "user")
        .get(pk=interest.pk)
    )
    _check_author(actor, interest.posting)
    if interest.status != InterestStatus.PENDING:
        raise PartnerSearchError(
            _("Vous avez déjà répondu à %(organisation)s (%(status)s).")
            % {
                "organisation": interest.organisation,
                "status": interest.get_status_display().lower(),
            }
        )
    interest.status = InterestStatus.ACCEPTED if accept else InterestStatus.DECLINED
    interest.answer = message
    interest.answered_at = timezone.now()
    interest.full_clean(validate_unique=False)
    interest.save(update_fields=["status", "answer", "answered_at", "updated_at"])
    record(
        actor=actor,
        action="partner_search.interest_accept" if accept else "partner_search.interest_decline",
        target=interest.posting,
        summary=(
            f"Intérêt de {interest.organisation} pour « {interest.posting.title} » "
            + ("accepté" if accept else "décliné")
        ),
        interest=interest.pk,
        organisation=interest.organisation.slug,
    )
    send_templated_mail(
        template="email/partner_search_answered",
        to=[interest.user.email],
        context={"interest": interest, "partner_search": interest.posting, "accepted": accept},
    )
    return interest


@transaction.atomic
def follow_partner_search(*, actor, partner_search: PartnerSearch) -> Follow:
    """`actor` will be e-mailed when the search is updated (idempotent)."""
    follow, _created = Follow.objects.get_or_create(user=actor, posting=partner_search)
    return follow


@transaction.atomic
def unfollow_partner_search(*, actor, partner_search: PartnerSearch) -> None:
    """`actor` stops following the search (idempotent)."""
    Follow.objects.filter(user=actor, posting=partner_search).delete()


@transaction.atomic
def moderate_partner_search(
    *, actor, partner_search: PartnerSearch, hide: bool, reason: str = ""
) -> PartnerSearch:
    """Hide a search from everyone but its organisation (or show it again, as open).

    Pôle staff of the search's pôle and superusers only. Side effects: audit entry with the
    reason; when hidden, an e-mail to the author.
    """
    partner_search = _locked(partner_search)
    if not can_moderate(actor, partner_search):
        raise PermissionDenied
    if hide:
        _change_status(partner_search, PartnerSearchStatus.HIDDEN)
        partner_search.moderation_note = reason
    else:
        _change_status(partner_search, PartnerSearchStatus.OPEN)
        partner_search.moderation_note = ""
    partner_search.save(update_fields=["status", "moderation_note", "updated_at"])
    record(
        actor=actor,
        action="partner_search.hide" if hide else "partner_search.unhide",
        target=partner_search,
        summary=(
            f"Recherche « {partner_search.title} » "
            + ("masquée par la modération" if hide else "de nouveau visible")
        ),
        reason=reason,
    )
    if hide:
        send_templated_mail(
            template="email/partner_search_hidden",
            to=[partner_search.author.email],
            context={"partner_search": partner_search, "reason": reason},
        )
    return partner_search


def expire_partner_searches(*, actor=None) -> int:
    """Mark `expired` the open searches past their expiry date; returns how many.

    Safe to run again: a second run the same day finds nothing. Each search is handled in
    its own transaction. Side effects per search: audit entry, e-mail to the author.
    """
    count = 0
    for pk in list(PartnerSearch.objects.due_to_expire().values_list("pk", flat=True)):
        with transaction.atomic():
            partner_search = _locked(PartnerSearch(pk=pk))
            if not (
                partner_search.status == PartnerSearchStatus.OPEN and partner_search.is_past_expiry
            ):
                continue  # changed since the list was read
            _change_status(partner_search, PartnerSearchStatus.EXPIRED)
            partner_search.save(update_fields=["status", "updated_at"])
            record(
                actor=actor,
                action="partner_search.expire",
                target=partner_search,
                summary=f"Recherche « {partner_search.title} » expirée",
                expires_on=partner_search.expires_on.isoformat(),
            )
            send_templated_mail(
                template="email/partner_search_expired",
                to=[partner_search.author.email],
                context={"partner_search": partner_search},
            )
            count += 1
    return count
