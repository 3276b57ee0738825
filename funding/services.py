"""Evaluating a consortium against a call: pôle territories come from the database.

The rules themselves live in `funding.eligibility` (pure). This module resolves calls and
pôles, and turns the JSON input of the simulator and of `check_eligibility` into the
engine's dataclasses.
"""

from collections.abc import Sequence
from decimal import Decimal

from funding import eligibility
from funding.eligibility import InvalidConsortium, LabellingPole, Partner, Verdict
from funding.models import Call
from poles.models import Pole


class EligibilityInputError(ValueError):
    """The request cannot be evaluated; the message (French, one line) names the problem."""


def labelling_poles(slugs: Sequence[str]) -> list[LabellingPole]:
    """The pôles of `slugs`, in that order (lead first), with their territories."""
    poles = {
        pole.slug: pole for pole in Pole.objects.filter(slug__in=slugs).prefetch_related("regions")
    }
    unknown = [slug for slug in slugs if slug not in poles]
    if unknown:
        raise EligibilityInputError(f"pôle inconnu : {', '.join(unknown)}")
    return [
        LabellingPole(
            slug=slug, regions=frozenset(region.code for region in poles[slug].regions.all())
        )
        for slug in slugs
    ]


def evaluate_consortium(
    call: Call, lead_and_labelling_poles: Sequence[str], partners: Sequence[Partner]
) -> Verdict:
    """Evaluate `partners` for `call`; pôles by slug, lead first; labels taken as granted."""
    poles = labelling_poles(list(lead_and_labelling_poles))
    try:
        return eligibility.evaluate(call.rules(), poles, list(partners))
    except InvalidConsortium as exc:
        raise EligibilityInputError(str(exc)) from None


# --- JSON input ---------------------------------------------------------------------------

_MISSING = object()


def _field(data: dict, key: str, where: str, *, required: bool = True):
    value = data.get(key, _MISSING)
    if value is _MISSING or (required and value is None):
        if required:
            raise EligibilityInputError(f"{where} : {key} manquant")
        return None
    return value


def _number(data, key, where, *, required=True, integer=False):
    value = _field(data, key, where, required=required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise EligibilityInputError(f"{where} : {key} doit être un nombre")
    if integer and value != int(value):
        raise EligibilityInputError(f"{where} : {key} doit être un nombre entier")
    if value < 0:
        raise EligibilityInputError(f"{where} : {key} négatif")
    return int(value) if integer else Decimal(value)


def _string(data, key, where, *, required=True):
    value = _field(data, key, where, required=required)
    if value is None:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise EligibilityInputError(f"{where} : {key} doit être un texte non vide")
    return value.strip()


def _partner(data, index: int) -> Partner:
    if not isinstance(data, dict):
        raise EligibilityInputError(f"partenaire n°{index} : un objet est attendu")
    name = _string(data, "name", f"partenaire n°{index}")
    where = f"partenaire {name}"
    kind = _string(data, "kind", where)
    if kind not in eligibility.KINDS:
        raise EligibilityInputError(
            f"{where} : kind « {kind} » inconnu (attendu : {', '.join(eligibility.KINDS)})"
        )
    coordinator = data.get("coordinator", False)
    if not isinstance(coordinator, bool):
        raise EligibilityInputError(f"{where} : coordinator doit valoir true ou false")
    is_company = kind == eligibility.COMPANY
    partner = Partner(
        name=name,
        kind=kind,
        region=_string(data, "region", where),
        expenses_eur=_number(data, "expenses_eur", where),
        employees=_number(data, "employees", where, required=is_company, integer=True),
        turnover_eur=_number(data, "turnover_eur", where, required=False, integer=True),
        balance_sheet_eur=_number(data, "balance_sheet_eur", where, required=False, integer=True),
        group=_string(data, "group", where, required=False) or None,
        coordinator=coordinator,
        cost_basis=_string(data, "cost_basis", where, required=False),
    )
    try:
        eligibility.validate_partner(partner)
    except InvalidConsortium as exc:
        raise EligibilityInputError(str(exc)) from None
    return partner


def evaluate_request(data) -> Verdict:
    """Evaluate the JSON request of `check_eligibility` (see the command's help).

    Raises `EligibilityInputError` for an unknown call or pôle, a missing or negative field,
    no coordinator or several.
    """
    if not isinstance(data, dict):
        raise EligibilityInputError("un objet JSON est attendu")
    slug = _string(data, "call", "requête")
    call = Call.objects.filter(slug=slug).first()
    if call is None:
        raise EligibilityInputError(f"appel inconnu : {slug}")
    slugs = _field(data, "labelling_poles", "requête")
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise EligibilityInputError("requête : labelling_poles doit être une liste d'identifiants")
    if len(set(slugs)) != len(slugs):
        raise EligibilityInputError("requête : un pôle figure deux fois dans labelling_poles")
    raw_partners = _field(data, "partners", "requête")
    if not isinstance(raw_partners, list) or not raw_partners:
        raise EligibilityInputError("requête : partners doit être une liste non vide")
    partners = [_partner(item, index) for index, item in enumerate(raw_partners, start=1)]
    names = [partner.name for partner in partners]
    if len(set(names)) != len(names):
        raise EligibilityInputError("requête : deux partenaires portent le même nom")
    coordinators = [partner.name for partner in partners if partner.coordinator]
    if not coordinators:
        raise EligibilityInputError("requête : aucun coordinateur (coordinator: true)")
    if len(coordinators) > 1:
        raise EligibilityInputError(
            f"requête : plusieurs coordinateurs ({', '.join(coordinators)})"
        )
    return evaluate_consortium(call, slugs, partners)
