"""A member's memberships and fee calls (Mon espace › Mes adhésions)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from members import fees
from members.models import FeeCallStatus


@login_required
def membership_list(request):
    """The memberships of the user's organisations, their renewal and their fee calls."""
    today = timezone.localdate()
    return render(
        request,
        "members/memberships/list.html",
        {
            "organisations": fees.organisations_with_fees_for(request.user, today=today),
            "grace_days": settings.MEMBERSHIP_GRACE_DAYS,
        },
    )


@login_required
def fee_call_detail(request, reference):
    """A fee call, printable: for its organisation's people and its pôle's staff (404 else)."""
    fee_call = get_object_or_404(fees.fee_calls_visible_to(request.user), reference=reference)
    return render(
        request,
        "members/memberships/fee_call.html",
        {
            "fee_call": fee_call,
            "membership": fee_call.membership,
            "organisation": fee_call.membership.organisation,
            "pole": fee_call.membership.pole,
            "is_due": fee_call.status == FeeCallStatus.DUE,
        },
    )
