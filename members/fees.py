"""Membership fees: yearly scales, fee calls and payments, renewal reminders and lapses.

Services (writes) take keyword-only arguments and an explicit `actor` (None for the nightly
command), run in a transaction, write an audit entry and tell the organisation's admins by
mail. Selectors (reads) are named by intent. Payment itself happens outside the portal (bank
transfer to the pôle); the pôle's staff record it.

The rules:
- the fee of a membership for a year is the pôle's scale line for its collège and the
  organisation's size, else the collège's line for any size;
- a fee call is issued once per membership and year (a cancelled call may be issued again);
- paying the call of year Y extends the membership to 31 December Y, and brings a lapsed
  membership back to life;
- `remind_memberships` (nightly) reminds the organisation's admins once per end date, and
  lapses active memberships whose end is past by more than the grace period.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record
from members import selectors
from members.models import (
    FeeCall,
    FeeCallStatus,
    FeeScale,
    Membership,
    MembershipStatus,
    Organisation,
)
from members.services import MembershipError, change_membership_status, send_templated_mail
from poles.models import Pole

# Days between a fee call and its due date.
PAYMENT_TERM_DAYS = 30
# Memberships a fee call may be issued for: running ones, and lapsed ones (paying brings them
# back). Pending requests and refused ones owe nothing.
BILLABLE = {MembershipStatus.ACTIVE, MembershipStatus.LAPSED}


class FeeError(MembershipError):
    """A fee operation that cannot be done; the message says why, translated."""


# --- Selectors ----------------------------------------------------------------------------------


def period_end(year: int) -> date:
    """The last day a fee of `year` pays for."""
    return date(year, 12, 31)


def renewal_year(membership: Membership) -> int:
    """The year whose fee renews `membership`: the year of the day after its end."""
    return (membership.end_date + timedelta(days=1)).year


def fee_scale_for(membership: Membership, year: int) -> FeeScale | None:
    """The scale line that applies: collège and size, else the collège for any size."""
    size = membership.organisation.size_category
    lines = {
        line.size_category: line
        for line in FeeScale.objects.filter(
            pole_id=membership.pole_id,
            year=year,
            college=membership.college,
            size_category__in={size, ""},
        )
    }
    return lines.get(size) if size and size in lines else lines.get("")


def fee_for(membership: Membership, year: int) -> int:
    """The fee (€ HT) `membership` owes for `year`; FeeError when the pôle has no scale line."""
    line = fee_scale_for(membership, year)
    if line is None:
        size = membership.organisation.get_size_category_display()
        raise FeeError(
            _(
                "Aucun barème %(year)s de %(pole)s pour le collège « %(college)s »%(size)s : "
                "ajoutez-le dans les barèmes de cotisation."
            )
            % {
                "year": year,
                "pole": membership.pole.name,
                "college": membership.get_college_display(),
                "size": f" ({size})" if size else "",
            }
        )
    return line.amount_eur


def fee_calls_visible_to(user):
    """Fee calls `user` may open: his organisations', his pôles' (staff), all for superusers."""
    calls = FeeCall.objects.select_related("membership__organisation", "membership__pole")
    if not user.is_authenticated:
        return calls.none()
    if user.is_superuser:
        return calls
    return calls.filter(
        Q(membership__organisation__affiliations__user=user) | Q(membership__pole__staff__user=user)
    ).distinct()


def memberships_to_remind(*, today: date, days: int, grace_days: int):
    """Active memberships ending within `days` (or ended, still in the grace period) whose
    reminder for that end date has not gone yet."""
    return (
        Membership.objects.active()
        .filter(
            end_date__isnull=False,
            end_date__lte=today + timedelta(days=days),
            end_date__gte=today - timedelta(days=grace_days),
        )
        .filter(Q(renewal_reminded_for__isnull=True) | ~Q(renewal_reminded_for=F("end_date")))
        .select_related("organisation", "pole")
        .order_by("end_date", "pk")
    )


def memberships_past_grace(*, today: date, grace_days: int):
    """Active memberships whose end is more than `grace_days` days past."""
    return (
        Membership.objects.active()
        .filter(end_date__lt=today - timedelta(days=grace_days))
        .select_related("organisation", "pole")
        .order_by("end_date", "pk")
    )


@dataclass
class MembershipNotice:
    """What the member page says about a membership's renewal."""

    renewal_soon: bool = False  # active, ends within the reminder period
    ended: bool = False  # active, its end is past: within the grace period
    lapsed: bool = False
    grace_until: date | None = None


def membership_notice(membership: Membership, *, today: date) -> MembershipNotice:
    if membership.status == MembershipStatus.LAPSED:
        return MembershipNotice(lapsed=True)
    if membership.status != MembershipStatus.ACTIVE or membership.end_date is None:
        return MembershipNotice()
    if membership.end_date < today:
        return MembershipNotice(
            ended=True,
            grace_until=membership.end_date + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS),
        )
    if membership.end_date <= today + timedelta(days=settings.MEMBERSHIP_REMINDER_DAYS):
        return MembershipNotice(renewal_soon=True)
    return MembershipNotice()


def organisations_with_fees_for(user, *, today: date) -> list[Organisation]:
    """The organisations `user` works for, each with `memberships` (refused ones left out,
    each with its `fee_calls`, newest first, and its `notice`), in three queries."""
    organisations = list(
        Organisation.objects.filter(affiliations__user=user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.exclude(status=MembershipStatus.REFUSED)
                .select_related("pole")
                .prefetch_related(
                    Prefetch("fee_calls", queryset=FeeCall.objects.order_by("-year", "-pk"))
                )
                .order_by("pole__name"),
            )
        )
        .order_by("name")
    )
    for organisation in organisations:
        for membership in organisation.memberships.all():
            membership.notice = membership_notice(membership, today=today)
    return organisations


def _admin_emails(organisation: Organisation) -> list[str]:
    """Who hears about the organisation's fees: its admins, else its contact address."""
    emails = selectors.admin_emails(organisation)
    return emails or ([organisation.contact_email] if organisation.contact_email else [])


# --- Fee scales ---------------------------------------------------------------------------------


@transaction.atomic
def copy_fee_scales(*, actor, scales, to_year: int | None = None) -> tuple[int, int]:
    """Copy scale lines to the following year (or `to_year`); lines already there are kept.

    Returns (copied, skipped). Side effects: one audit entry per pôle.
    """
    copied, skipped = 0, 0
    by_pole: dict[Pole, int] = {}
    for line in scales.select_related("pole"):
        year = to_year or line.year + 1
        _copy, created = FeeScale.objects.get_or_create(
            pole=line.pole,
            year=year,
            college=line.college,
            size_category=line.size_category,
            defaults={"amount_eur": line.amount_eur},
        )
        if created:
            copied += 1
            by_pole[line.pole] = by_pole.get(line.pole, 0) + 1
        else:
            skipped += 1
    for pole, count in by_pole.items():
        record(
            actor=actor,
            action="fee_scale.copy",
            target=pole,
            summary=f"{pole} : {count} ligne(s) de barème copiée(s)",
            pole=pole.slug,
        )
    return copied, skipped


# --- Fee calls ----------------------------------------------------------------------------------


def reference_prefix(pole: Pole) -> str:
    """Four letters from the pôle's short name: "Systematic" → "SYST"."""
    letters = re.sub(r"[^A-Z0-9]", "", slugify(pole.short_name or pole.name).upper())
    return letters[:4] or "POLE"


def _next_reference(pole: Pole, year: int) -> str:
    """The pôle's next reference for `year`, e.g. "SYST-2026-0042" (callers lock the pôle)."""
    stem = f"{reference_prefix(pole)}-{year}-"
    taken = FeeCall.objects.filter(reference__startswith=stem).values_list("reference", flat=True)
    numbers = [int(ref[len(stem) :]) for ref in taken if ref[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def issue_fee_call(*, actor, membership: Membership, year: int, today: date | None = None):
    """Call the fee of `year` for `membership` (active or lapsed), due in PAYMENT_TERM_DAYS.

    A cancelled call of the same year is issued again under its reference; any other call of
    the same year is refused. Side effects: audit entry, mail to the organisation's admins.
    """
    today = today or timezone.localdate()
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "pole")
        .get(pk=membership.pk)
    )
    names = {"organisation": membership.organisation.name, "pole": membership.pole.name}
    if membership.status not in BILLABLE:
        raise FeeError(
            _(
                "L'adhésion de %(organisation)s à %(pole)s est « %(status)s » : pas d'appel de "
                "cotisation."
            )
            % {**names, "status": membership.get_status_display()}
        )
    existing = FeeCall.objects.select_for_update().filter(membership=membership, year=year).first()
    if existing is not None and existing.status != FeeCallStatus.CANCELLED:
        raise FeeError(
            _(
                "%(organisation)s a déjà un appel de cotisation %(year)s pour %(pole)s "
                "(%(reference)s, %(status)s)."
            )
            % {
                **names,
                "year": year,
                "reference": existing.reference,
                "status": existing.get_status_display().lower(),
            }
        )
    amount = fee_for(membership, year)
    if existing is not None:
        fee_call = existing
    else:
        pole = Pole.objects.select_for_update().get(pk=membership.pole_id)
        fee_call = FeeCall(membership=membership, year=year, reference=_next_reference(pole, year))
    fee_call.amount_eur = amount
    fee_call.issued_on = today
    fee_call.due_on = today + timedelta(days=PAYMENT_TERM_DAYS)
    fee_call.status = FeeCallStatus.DUE
    fee_call.paid_on = None
    fee_call.full_clean(exclude=["membership"])
    fee_call.save()
    record(
        actor=actor,
        action="fee_call.issue",
        target=fee_call,
        summary=f"{fee_call.reference} : cotisation {year} de {membership.organisation} "
        f"à {membership.pole}, {amount} €",
        pole=membership.pole.slug,
        amount_eur=amount,
    )
    send_templated_mail(
        template="email/fee_call_issued",
        to=_admin_emails(membership.organisation),
        context={"fee_call": fee_call, "membership": membership},
    )
    return fee_call


def _locked_call(fee_call: FeeCall) -> FeeCall:
    return (
        FeeCall.objects.select_for_update(of=("self",))
        .select_related("membership__organisation", "membership__pole")
        .get(pk=fee_call.pk)
    )


@transaction.atomic
def record_payment(*, actor, fee_call: FeeCall, paid_on: date, today: date | None = None):
    """The pôle received the fee: the call is paid and the membership runs to 31 December of
    the call's year (if that is later); a lapsed membership becomes active again.

    Side effects: audit entry (and the status change's), mail to the organisation's admins.
    """
    today = today or timezone.localdate()
    fee_call = _locked_call(fee_call)
    if fee_call.status != FeeCallStatus.DUE:
        raise FeeError(
            _("L'appel %(reference)s est « %(status)s » : aucun paiement à enregistrer.")
            % {"reference": fee_call.reference, "status": fee_call.get_status_display()}
        )
    if paid_on > today:
        raise FeeError(_("La date de paiement ne peut pas être dans le futur."))
    fee_call.status = FeeCallStatus.PAID
    fee_call.paid_on = paid_on
    fee_call.recorded_by = actor if actor is not None and actor.is_authenticated else None
    fee_call.save(update_fields=["status", "paid_on", "recorded_by"])
    membership = fee_call.membership
    end = period_end(fee_call.year)
    if membership.end_date is None or end > membership.end_date:
        membership.end_date = end
        membership.save(update_fields=["end_date"])
    record(
        actor=actor,
        action="fee_call.paid",
        target=fee_call,
        summary=f"{fee_call.reference} payée le {paid_on:%d/%m/%Y}",
        pole=membership.pole.slug,
        end_date=membership.end_date.isoformat(),
    )
    if membership.status == MembershipStatus.LAPSED and membership.end_date >= today:
        membership = change_membership_status(
            actor=actor,
            membership=membership,
            status=MembershipStatus.ACTIVE,
            reason=f"cotisation {fee_call.reference} payée",
        )
        fee_call.membership = membership
    send_templated_mail(
        template="email/fee_call_paid",
        to=_admin_emails(membership.organisation),
        context={"fee_call": fee_call, "membership": membership},
    )
    return fee_call


@transaction.atomic
def cancel_fee_call(*, actor, fee_call: FeeCall, reason: str = "") -> FeeCall:
    """Withdraw a call not yet paid (wrong amount, organisation leaving…).

    Side effects: audit entry. The organisation is not told (the pôle's staff explain).
    """
    fee_call = _locked_call(fee_call)
    if fee_call.status != FeeCallStatus.DUE:
        raise FeeError(
            _("L'appel %(reference)s est « %(status)s » : il ne peut plus être annulé.")
            % {"reference": fee_call.reference, "status": fee_call.get_status_display()}
        )
    fee_call.status = FeeCallStatus.CANCELLED
    fee_call.save(update_fields=["status"])
    record(
        actor=actor,
        action="fee_call.cancel",
        target=fee_call,
        summary=f"{fee_call.reference} annulée",
        pole=fee_call.membership.pole.slug,
        reason=reason,
    )
    return fee_call


# --- Renewal reminders and lapses (remind_memberships) -----------------------------------------


@transaction.atomic
def send_renewal_reminder(*, actor, membership: Membership, today: date) -> bool:
    """Remind the organisation's admins that `membership` ends (once per end date).

    Returns False when the reminder for this end date already went. Side effects:
    `renewal_reminded_for`, audit entry, mail (with next year's fee when the scale exists).
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation", "pole")
        .get(pk=membership.pk)
    )
    if (
        membership.status != MembershipStatus.ACTIVE
        or membership.end_date is None
        or membership.renewal_reminded_for == membership.end_date
    ):
        return False
    membership.renewal_reminded_for = membership.end_date
    membership.save(update_fields=["renewal_reminded_for"])
    year = renewal_year(membership)
    line = fee_scale_for(membership, year)
    open_call = membership.fee_calls.filter(year=year, status=FeeCallStatus.DUE).first()
    record(
        actor=actor,
        action="membership.renewal_reminder",
        target=membership,
        summary=f"Relance de renouvellement : {membership.organisation} à {membership.pole}, "
        f"fin le {membership.end_date:%d/%m/%Y}",
        pole=membership.pole.slug,
    )
    send_templated_mail(
        template="email/membership_renewal",
        to=_admin_emails(membership.organisation),
        context={
            "membership": membership,
            "ended": membership.end_date < today,
            "year": year,
            "amount": line.amount_eur if line else None,
            "open_call": open_call,
        },
    )
    return True


@transaction.atomic
def lapse_membership(*, actor, membership: Membership, today: date, grace_days: int) -> bool:
    """An active membership whose end is more than `grace_days` past becomes lapsed.

    Returns False when it no longer qualifies. Side effects: the status change's audit entry,
    mail to the organisation's admins.
    """
    membership = Membership.objects.select_for_update(of=("self",)).get(pk=membership.pk)
    if (
        membership.status != MembershipStatus.ACTIVE
        or membership.end_date is None
        or membership.end_date >= today - timedelta(days=grace_days)
    ):
        return False
    membership = change_membership_status(
        actor=actor,
        membership=membership,
        status=MembershipStatus.LAPSED,
        reason=f"fin le {membership.end_date:%d/%m/%Y}, délai de grâce de {grace_days} jours",
    )
    send_templated_mail(
        template="email/membership_lapsed",
        to=_admin_emails(membership.organisation),
        context={"membership": membership},
    )
    return True
