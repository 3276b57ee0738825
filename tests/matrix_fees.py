"""Permission-matrix rows for the fees pages (see tests/matrix.py for the vocabulary).

The matrix's objects are made on first use, once per world: a fee call of the company's
membership of Pôle Alpha (COMPANY_CALL, due) and one of the lab's (LAB_CALL, paid).

Who: `memberships:list` shows each signed-in person his own organisations' memberships and
calls (the staff and the superuser, who work for no organisation, get the explanation); a fee
call's page opens to its organisation's people, its pôle's staff and superusers, 404 for
everyone else.
"""

from datetime import date

from members.models import FeeCallStatus
from tests.factories import FeeCallFactory
from tests.matrix import Case, LoginRedirect, NotFound, Shows, everyone, signed_in

COMPANY_CALL = "ALPH-2026-0001"
LAB_CALL = "ALPH-2026-0002"
NO_ORGANISATION = "Vous n'êtes rattaché à aucune organisation."


def _calls(w):
    if not hasattr(w, "fee_calls"):
        w.fee_calls = {
            "company": FeeCallFactory(
                membership=w.company.memberships.get(pole=w.pole),
                year=2026,
                reference=COMPANY_CALL,
                amount_eur=600,
            ),
            "lab": FeeCallFactory(
                membership=w.lab.memberships.get(pole=w.pole),
                year=2026,
                reference=LAB_CALL,
                amount_eur=800,
                status=FeeCallStatus.PAID,
                paid_on=date(2026, 2, 1),
            ),
        }
    return w.fee_calls


def _made(w):
    _calls(w)
    return {}


def _call_kwargs(which):
    return lambda w: {"reference": _calls(w)[which].reference}


def _no_organisation():
    return Shows(NO_ORGANISATION, hides=(COMPANY_CALL, LAB_CALL))


CASES = [
    Case(
        "memberships:list",
        {
            "anonymous": LoginRedirect(),
            "outsider": _no_organisation(),
            "member": Shows(
                "Ateliers Durand", "Startup Discrète", COMPANY_CALL, "600", hides=(LAB_CALL,)
            ),
            "lab_member": Shows("Laboratoire des Matériaux", LAB_CALL, hides=(COMPANY_CALL,)),
            "animator": _no_organisation(),
            "other_animator": _no_organisation(),
            "funder": Shows(
                "Banque Régionale d’Investissement",
                "Membre d'aucun pôle",
                hides=(COMPANY_CALL, LAB_CALL),
            ),
            "other_funder": Shows("Conseil régional Bêta", hides=(COMPANY_CALL, LAB_CALL)),
            "funder_manager": Shows(
                "Banque Régionale d’Investissement", hides=(COMPANY_CALL, LAB_CALL)
            ),
            "admin": _no_organisation(),
        },
        kwargs=_made,
    ),
    Case(
        "memberships:fee_call",
        {
            **everyone(NotFound("Ateliers Durand")),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(
                ("member", "animator", "admin"),
                Shows(COMPANY_CALL, "Ateliers Durand", "Total HT", "Pôle Alpha"),
            ),
        },
        kwargs=_call_kwargs("company"),
    ),
    Case(
        "memberships:fee_call",
        {
            **everyone(NotFound("Laboratoire des Matériaux")),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(
                ("lab_member", "animator", "admin"),
                Shows(LAB_CALL, "Laboratoire des Matériaux", "Payée"),
            ),
        },
        variant="lab's call",
        kwargs=_call_kwargs("lab"),
    ),
    Case(
        "memberships:fee_call",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown reference",
        kwargs=lambda w: {"reference": "ALPH-2026-9999"},
    ),
]
