"""Demo data: fee scales, membership periods, fee calls and payments.

The amounts are illustrative, not any real pôle's: each pôle sets its own in its general
assembly. Company sizes in the portal are micro, PME, ETI and GE; the "any size" line of a
collège applies to its members whose size is unknown or not listed.
"""

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from members import fees
from members.models import (
    College,
    FeeScale,
    Membership,
    MembershipStatus,
    SizeCategory,
)
from members.services import mail_suppressed
from poles.models import Pole

DEMO_POLE = "systematic"
DEMO_COMPANY = "Cobotix (démo)"

# Illustrative yearly fees (€ HT) of the current year, by collège and size ("" = any size).
FEES = {
    College.SME: {SizeCategory.MICRO: 300, SizeCategory.PME: 600, "": 1_200},
    College.LARGE_COMPANIES: {SizeCategory.ETI: 3_000, SizeCategory.GE: 8_000, "": 3_000},
    College.RESEARCH_TRAINING: {"": 800},
    College.AUTHORITIES: {"": 1_500},
    College.OTHER: {"": 400},
}
# Last year's fees were about 5 % lower.
LAST_YEAR_RATE = 0.95
# Share of the demo pôle's fee calls already paid.
PAID_SHARE = 0.8
MAX_FEE_CALLS = 300  # fee calls issued for this many members of the demo pôle, at most
# Active memberships whose end comes within the reminder period, and ones already ended but
# still in the grace period (so that remind_memberships has something to do on the demo).
ENDING_SOON = 8
ENDED_IN_GRACE = 3


def _scale_lines(poles, year: int, *, rate: float = 1) -> list[FeeScale]:
    return [
        FeeScale(
            pole=pole,
            year=year,
            college=college,
            size_category=size,
            amount_eur=int(round(amount * rate, -1)),
        )
        for pole in poles
        for college, amounts in FEES.items()
        for size, amount in amounts.items()
    ]


def _set_periods(rng: random.Random, today: date) -> tuple[int, int]:
    """Active memberships run to 31 December; a few end within 30 days, a few ended lately."""
    active = list(Membership.objects.active().select_related("organisation").order_by("pk"))
    year_end = fees.period_end(today.year)
    # The demo company keeps the common period: its page shows a call of the year to pay.
    others = [m for m in active if m.organisation.name != DEMO_COMPANY]
    picked = rng.sample(others, min(len(others), ENDING_SOON + ENDED_IN_GRACE))
    soon, ended = picked[:ENDING_SOON], picked[ENDING_SOON:]
    # Every active membership to 31 December in one statement, then the few picked ones.
    Membership.objects.active().update(end_date=year_end)
    for membership in soon:
        membership.end_date = today + timedelta(days=rng.randint(3, 28))
    for membership in ended:
        membership.end_date = today - timedelta(days=rng.randint(5, 45))
    for membership in picked:
        if membership.start_date and membership.end_date < membership.start_date:
            membership.end_date = year_end
    Membership.objects.bulk_update(picked, ["end_date"], batch_size=1000)
    return len(soon), len(ended)


def seed_fees(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo fee scales, membership periods, fee calls and payments.

    Returns what was made, as label → count (printed by seed_demo).
    """
    today = timezone.localdate(now)
    year = today.year
    poles = list(Pole.objects.filter(memberships__isnull=False).distinct().order_by("pk"))
    lines = _scale_lines(poles, year - 1, rate=LAST_YEAR_RATE) + _scale_lines(poles, year)
    FeeScale.objects.bulk_create(lines, batch_size=1000)
    soon, ended = _set_periods(rng, today)

    calls = paid = 0
    demo_pole = Pole.objects.filter(slug=DEMO_POLE).first()
    if demo_pole is not None:
        with mail_suppressed():
            memberships = (
                Membership.objects.filter(pole=demo_pole, status=MembershipStatus.ACTIVE)
                .select_related("organisation", "pole")
                .order_by("organisation__name")
            )
            # Each call goes through the service (a few queries): on a database generated at
            # the network's size, only the first MAX_FEE_CALLS members get one (and Cobotix).
            chosen = []
            others = 0
            for membership in list(memberships):
                if membership.organisation.name != DEMO_COMPANY:
                    others += 1
                    if others > MAX_FEE_CALLS:
                        continue
                chosen.append(membership)
            issued_on = date(year, 1, 15)
            for membership in chosen:
                is_demo_company = membership.organisation.name == DEMO_COMPANY
                if is_demo_company:
                    # Last year's call, paid, for the history; this year's, still to pay.
                    last = fees.issue_fee_call(
                        actor=None,
                        membership=membership,
                        year=year - 1,
                        today=date(year - 1, 1, 15),
                    )
                    fees.record_payment(
                        actor=None, fee_call=last, paid_on=date(year - 1, 2, 10), today=today
                    )
                    fees.issue_fee_call(
                        actor=None,
                        membership=membership,
                        year=year,
                        today=today - timedelta(days=10),
                    )
                    calls, paid = calls + 2, paid + 1
                    continue
                fee_call = fees.issue_fee_call(
                    actor=None, membership=membership, year=year, today=issued_on
                )
                calls += 1
                # Memberships that end early or have ended have not paid yet.
                if membership.end_date == fees.period_end(year) and rng.random() < PAID_SHARE:
                    paid_on = issued_on + timedelta(days=rng.randint(5, 75))
                    fees.record_payment(
                        actor=None, fee_call=fee_call, paid_on=min(paid_on, today), today=today
                    )
                    paid += 1
    return {
        "fee scale lines": len(lines),
        "fee calls": calls,
        "fee calls paid": paid,
        "memberships ending soon": soon,
        "memberships in grace period": ended,
    }
