"""FUI eligibility engine: evaluates a consortium against a call's rules.

A plain module with no Django imports (architecture.md): dataclasses in (`Rules`,
`LabellingPole`, `Partner`), a `Verdict` out. The project page, the simulator and the
`check_eligibility` command all call `evaluate()`.

Messages are French. They are marked with the local `gettext_noop` (an identity function,
so that `makemessages` extracts them without importing Django); a `Check` keeps its message
id and parameters, so that a page can translate it at display time with
`check.translated(gettext)`.

All arithmetic is `Decimal`; each partner's aid is rounded half-up to the euro and the total
aid is the sum of the rounded aids.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from members.sizes import ETI, GE, MICRO, PME, size_category


def gettext_noop(message: str) -> str:
    """Marks a message for translation; the translation happens at display time."""
    return message


# Partner kinds (input) and categories (output).
COMPANY = "company"
RESEARCH = "research"
TRAINING = "training"
RTO = "rto"
OTHER = "other"
KINDS = (COMPANY, RESEARCH, TRAINING, RTO, OTHER)
CATEGORIES = (PME, ETI, GE, RESEARCH, TRAINING, RTO, OTHER)
LABS = (RESEARCH, TRAINING)

MARGINAL = "marginal"
FULL = "full"
COST_BASES = (MARGINAL, FULL)

PASS = "pass"  # noqa: S105 (a check status, not a password)
FAIL = "fail"
WARN = "warn"

CHECK_CODES = (
    "min_companies",
    "min_research_training",
    "coordinator_company",
    "labelled",
    "territory_labelling_poles",
    "territory_lead_pole",
    "partner_share_max",
    "lab_aid_share",
    "sme_involvement",
    "aid_size",
)

_EURO = Decimal("1")


class InvalidConsortium(ValueError):
    """The input cannot be evaluated; the message (French) names the partner and the field."""


@dataclass(frozen=True)
class Rules:
    """A call's rates (shares of eligible expenses) and thresholds."""

    rate_pme_in_territory: Decimal
    rate_pme_elsewhere: Decimal
    rate_eti_in_territory: Decimal
    rate_other_company: Decimal
    rate_research_marginal: Decimal
    rate_research_full: Decimal
    rate_rto: Decimal
    rate_other: Decimal
    min_companies: int
    min_research_training: int
    territory_labelling_min: Decimal
    territory_lead_min: Decimal
    partner_share_max: Decimal
    lab_aid_share_max: Decimal
    aid_min_eur: Decimal


@dataclass(frozen=True)
class LabellingPole:
    """A pôle labelling the project; its territory is a set of INSEE region codes."""

    slug: str
    regions: frozenset[str]
    name: str = ""  # shown in messages when given (the slug otherwise)
    label_granted: bool = True
    label_pending: bool = False  # asked, committee not yet held (the project page only)


@dataclass(frozen=True)
class Partner:
    """A consortium partner. Company figures are at group level; region = where it does R&D."""

    name: str
    kind: str
    region: str
    expenses_eur: Decimal
    employees: int | None = None
    turnover_eur: int | None = None
    balance_sheet_eur: int | None = None
    group: str | None = None
    coordinator: bool = False
    cost_basis: str | None = None


@dataclass(frozen=True)
class Check:
    code: str
    status: str
    message_id: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.message_id % self.params

    def translated(self, gettext) -> str:
        return gettext(self.message_id) % self.params

    def to_dict(self) -> dict:
        return {"code": self.code, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class PartnerResult:
    name: str
    category: str
    in_territory: bool
    in_lead_territory: bool
    expenses_eur: Decimal
    rate: Decimal
    aid_eur: int

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "category": self.category,
            "in_territory": self.in_territory,
            "rate": float(self.rate),
            "aid_eur": self.aid_eur,
        }


@dataclass(frozen=True)
class Verdict:
    checks: tuple[Check, ...]
    partners: tuple[PartnerResult, ...]
    total_expenses_eur: Decimal
    total_aid_eur: int

    @property
    def eligible(self) -> bool:
        return all(check.status != FAIL for check in self.checks)

    def check(self, code: str) -> Check:
        return next(check for check in self.checks if check.code == code)

    def to_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "checks": [check.to_dict() for check in self.checks],
            "partners": [partner.to_dict() for partner in self.partners],
            "total_expenses_eur": _number(self.total_expenses_eur),
            "total_aid_eur": self.total_aid_eur,
        }


def _number(value: Decimal) -> int | float:
    integral = value.to_integral_value()
    return int(integral) if integral == value else float(value)


def _pct(share: Decimal, rounding: str = ROUND_HALF_UP) -> str:
    """A share as a French percentage: Decimal("0.485") → "48,5 %".

    A share that breaks a minimum is rounded down, one that breaks a maximum up, so that the
    message never shows "50 %" against a minimum of 50 %.
    """
    text = f"{(share * 100).quantize(Decimal('0.1'), rounding=rounding):f}"
    text = text.removesuffix(".0").replace(".", ",")
    return f"{text} %"


def _eur(amount) -> str:
    """An amount in euros, French style: 750000 → "750 000 €"."""
    return f"{int(Decimal(amount).to_integral_value(ROUND_HALF_UP)):,} €".replace(",", " ")


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else Decimal(0)


# --- Per partner --------------------------------------------------------------------------


def validate_partner(partner: Partner) -> None:
    """Raise `InvalidConsortium` when the partner cannot be evaluated."""
    name = partner.name
    if partner.kind not in KINDS:
        raise InvalidConsortium(
            f"partenaire {name} : kind « {partner.kind} » inconnu (attendu : {', '.join(KINDS)})"
        )
    if partner.expenses_eur is None:
        raise InvalidConsortium(f"partenaire {name} : expenses_eur manquant")
    if partner.expenses_eur < 0:
        raise InvalidConsortium(f"partenaire {name} : expenses_eur négatif")
    if partner.kind == COMPANY:
        if partner.employees is None:
            raise InvalidConsortium(f"partenaire {name} : employees manquant")
        if partner.turnover_eur is None and partner.balance_sheet_eur is None:
            raise InvalidConsortium(
                f"partenaire {name} : turnover_eur ou balance_sheet_eur manquant"
            )
        for label, value in (
            ("employees", partner.employees),
            ("turnover_eur", partner.turnover_eur),
            ("balance_sheet_eur", partner.balance_sheet_eur),
        ):
            if value is not None and value < 0:
                raise InvalidConsortium(f"partenaire {name} : {label} négatif")
    if partner.kind in LABS and partner.cost_basis not in COST_BASES:
        raise InvalidConsortium(
            f"partenaire {name} : cost_basis manquant ou invalide (attendu : marginal ou full)"
        )


def partner_category(partner: Partner) -> str:
    """pme (micro included) / eti / ge for companies; otherwise the kind itself."""
    if partner.kind != COMPANY:
        return partner.kind
    category = size_category(partner.employees, partner.turnover_eur, partner.balance_sheet_eur)
    if category is None:
        raise InvalidConsortium(f"partenaire {partner.name} : taille de l'entreprise inconnue")
    return PME if category in {MICRO, PME} else category


def aid_rate(rules: Rules, category: str, in_territory: bool, cost_basis: str | None) -> Decimal:
    if category == PME:
        return rules.rate_pme_in_territory if in_territory else rules.rate_pme_elsewhere
    if category == ETI:
        return rules.rate_eti_in_territory if in_territory else rules.rate_other_company
    if category == GE:
        return rules.rate_other_company
    if category in LABS:
        return rules.rate_research_marginal if cost_basis == MARGINAL else rules.rate_research_full
    if category == RTO:
        return rules.rate_rto
    return rules.rate_other


def _partner_result(
    rules: Rules, partner: Partner, territory: set[str], lead_territory: set[str]
) -> PartnerResult:
    validate_partner(partner)
    category = partner_category(partner)
    in_territory = partner.region in territory
    rate = aid_rate(rules, category, in_territory, partner.cost_basis)
    expenses = Decimal(partner.expenses_eur)
    aid = int((expenses * rate).quantize(_EURO, rounding=ROUND_HALF_UP))
    return PartnerResult(
        name=partner.name,
        category=category,
        in_territory=in_territory,
        in_lead_territory=partner.region in lead_territory,
        expenses_eur=expenses,
        rate=rate,
        aid_eur=aid,
    )


# --- Checks -------------------------------------------------------------------------------


def _independent_companies(partners: list[Partner]) -> int:
    groups = set()
    count = 0
    for partner in partners:
        if partner.kind != COMPANY:
            continue
        group = (partner.group or "").strip().casefold()
        if group:
            if group in groups:
                continue
            groups.add(group)
        count += 1
    return count


def _check_min_companies(rules, partners, results, poles) -> Check:
    count = _independent_companies(partners)
    params = {"count": count, "min": rules.min_companies}
    if count >= rules.min_companies:
        return Check(
            "min_companies",
            PASS,
            gettext_noop(
                "%(count)d entreprises indépendantes entre elles (minimum %(min)d : atteint)."
            ),
            params,
        )
    return Check(
        "min_companies",
        FAIL,
        gettext_noop(
            "%(count)d entreprise(s) indépendante(s) entre elles, il en faut au moins %(min)d : "
            "ajoutez une entreprise d'un autre groupe."
        ),
        params,
    )


def _check_min_research_training(rules, partners, results, poles) -> Check:
    count = sum(1 for result in results if result.category in LABS)
    params = {"count": count, "min": rules.min_research_training}
    if count >= rules.min_research_training:
        return Check(
            "min_research_training",
            PASS,
            gettext_noop(
                "%(count)d organisme(s) de recherche ou de formation (minimum %(min)d : atteint)."
            ),
            params,
        )
    return Check(
        "min_research_training",
        FAIL,
        gettext_noop(
            "%(count)d organisme(s) de recherche ou de formation, il en faut au moins %(min)d : "
            "ajoutez un laboratoire public ou un établissement de formation (un IRT ou un ITE "
            "ne compte pas)."
        ),
        params,
    )


def _check_coordinator_company(rules, partners, results, poles) -> Check:
    coordinators = [partner for partner in partners if partner.coordinator]
    if not coordinators:
        return Check(
            "coordinator_company",
            FAIL,
            gettext_noop("Aucun chef de file : désignez une entreprise du consortium."),
        )
    if len(coordinators) > 1:
        return Check(
            "coordinator_company",
            FAIL,
            gettext_noop(
                "%(count)d chefs de file (%(names)s) : n'en gardez qu'un, qui soit une entreprise."
            ),
            {"count": len(coordinators), "names": ", ".join(c.name for c in coordinators)},
        )
    coordinator = coordinators[0]
    if coordinator.kind != COMPANY:
        return Check(
            "coordinator_company",
            FAIL,
            gettext_noop(
                "Le chef de file %(name)s n'est pas une entreprise : confiez la coordination "
                "à une entreprise (ni laboratoire, ni IRT ou ITE)."
            ),
            {"name": coordinator.name},
        )
    return Check(
        "coordinator_company",
        PASS,
        gettext_noop("Le chef de file %(name)s est une entreprise."),
        {"name": coordinator.name},
    )


def _check_labelled(rules, partners, results, poles) -> Check:
    granted = [pole.name or pole.slug for pole in poles if pole.label_granted]
    if granted:
        return Check(
            "labelled",
            PASS,
            gettext_noop("Labellisé par %(count)d pôle(s) : %(poles)s."),
            {"count": len(granted), "poles": ", ".join(granted)},
        )
    pending = [pole.name or pole.slug for pole in poles if pole.label_pending]
    if pending:
        return Check(
            "labelled",
            WARN,
            gettext_noop(
                "Label demandé à %(poles)s : en attente de la décision du comité, qui doit "
                "se tenir avant la date limite de l'appel."
            ),
            {"poles": ", ".join(pending)},
        )
    return Check(
        "labelled",
        FAIL,
        gettext_noop(
            "Aucun pôle n'a labellisé le projet : obtenez le label d'au moins un pôle avant "
            "la date limite de l'appel."
        ),
    )


def _territory_share(results, total, attribute) -> Decimal:
    inside = sum((r.expenses_eur for r in results if getattr(r, attribute)), Decimal(0))
    return _share(inside, total)


def _check_territory_labelling(rules, partners, results, poles) -> Check:
    if not poles:
        return Check(
            "territory_labelling_poles",
            FAIL,
            gettext_noop(
                "Aucun pôle labellisateur pour l'instant : au moins %(min)s des dépenses "
                "doivent être faites sur le territoire des pôles labellisateurs ; demandez le "
                "label des pôles des régions où se font les travaux."
            ),
            {"min": _pct(rules.territory_labelling_min)},
        )
    total = sum((r.expenses_eur for r in results), Decimal(0))
    share = _territory_share(results, total, "in_territory")
    ok = bool(poles) and share >= rules.territory_labelling_min
    params = {
        "share": _pct(share, ROUND_HALF_UP if ok else ROUND_FLOOR),
        "min": _pct(rules.territory_labelling_min),
    }
    if ok:
        return Check(
            "territory_labelling_poles",
            PASS,
            gettext_noop(
                "%(share)s des dépenses sont faites sur le territoire des pôles labellisateurs "
                "(minimum %(min)s)."
            ),
            params,
        )
    return Check(
        "territory_labelling_poles",
        FAIL,
        gettext_noop(
            "%(share)s des dépenses seulement sont faites sur le territoire des pôles "
            "labellisateurs, il en faut au moins %(min)s : faites labelliser le projet par le "
            "pôle de la région où se font les dépenses, ou déplacez des travaux."
        ),
        params,
    )


def _check_territory_lead(rules, partners, results, poles) -> Check:
    if not poles:
        return Check(
            "territory_lead_pole",
            FAIL,
            gettext_noop(
                "Aucun pôle chef de file pour l'instant : au moins %(min)s des dépenses doivent "
                "être faites sur le territoire du pôle chef de file ; choisissez celui de la "
                "région où se fait la plus grande part des travaux."
            ),
            {"min": _pct(rules.territory_lead_min)},
        )
    total = sum((r.expenses_eur for r in results), Decimal(0))
    share = _territory_share(results, total, "in_lead_territory")
    lead = (poles[0].name or poles[0].slug) if poles else "—"
    ok = bool(poles) and share >= rules.territory_lead_min
    params = {
        "share": _pct(share, ROUND_HALF_UP if ok else ROUND_FLOOR),
        "min": _pct(rules.territory_lead_min),
        "pole": lead,
    }
    if ok:
        return Check(
            "territory_lead_pole",
            PASS,
            gettext_noop(
                "%(share)s des dépenses sont faites sur le territoire du pôle chef de file "
                "%(pole)s (minimum %(min)s)."
            ),
            params,
        )
    return Check(
        "territory_lead_pole",
        FAIL,
        gettext_noop(
            "%(share)s des dépenses seulement sont faites sur le territoire du pôle chef de "
            "file %(pole)s, il en faut au moins %(min)s : choisissez comme chef de file le pôle "
            "où se font le plus de dépenses, ou déplacez des travaux sur son territoire."
        ),
        params,
    )


def _check_partner_share(rules, partners, results, poles) -> Check:
    total = sum((r.expenses_eur for r in results), Decimal(0))
    if not results or not total:
        return Check(
            "partner_share_max",
            PASS,
            gettext_noop("Aucune dépense déclarée (maximum par partenaire %(max)s)."),
            {"max": _pct(rules.partner_share_max)},
        )
    biggest = max(results, key=lambda r: r.expenses_eur)
    share = _share(biggest.expenses_eur, total)
    ok = share <= rules.partner_share_max
    params = {
        "name": biggest.name,
        "share": _pct(share, ROUND_HALF_UP if ok else ROUND_CEILING),
        "max": _pct(rules.partner_share_max),
    }
    if ok:
        return Check(
            "partner_share_max",
            PASS,
            gettext_noop(
                "Le plus gros partenaire, %(name)s, porte %(share)s des dépenses (maximum %(max)s)."
            ),
            params,
        )
    return Check(
        "partner_share_max",
        FAIL,
        gettext_noop(
            "%(name)s porte %(share)s des dépenses, au-delà du maximum de %(max)s : "
            "répartissez davantage les travaux entre les partenaires."
        ),
        params,
    )


def _check_lab_aid_share(rules, partners, results, poles) -> Check:
    total = sum(r.aid_eur for r in results)
    labs = sum(r.aid_eur for r in results if r.category in LABS)
    share = _share(Decimal(labs), Decimal(total))
    ok = share <= rules.lab_aid_share_max
    params = {
        "share": _pct(share, ROUND_HALF_UP if ok else ROUND_CEILING),
        "max": _pct(rules.lab_aid_share_max),
    }
    if ok:
        return Check(
            "lab_aid_share",
            PASS,
            gettext_noop(
                "Les organismes de recherche et de formation demandent %(share)s de l'aide "
                "(au-delà de %(max)s, il faudrait le justifier)."
            ),
            params,
        )
    return Check(
        "lab_aid_share",
        WARN,
        gettext_noop(
            "Les organismes de recherche et de formation demandent %(share)s de l'aide, "
            "plus de %(max)s : justifiez-le dans le dossier ou rééquilibrez les travaux au "
            "profit des entreprises."
        ),
        params,
    )


def _check_sme_involvement(rules, partners, results, poles) -> Check:
    names = [r.name for r in results if r.category in {PME, ETI}]
    if names:
        return Check(
            "sme_involvement",
            PASS,
            gettext_noop("PME ou ETI impliquées : %(names)s."),
            {"names": ", ".join(names)},
        )
    return Check(
        "sme_involvement",
        WARN,
        gettext_noop(
            "Aucune PME ni ETI dans le consortium : le projet doit les impliquer de façon "
            "significative, associez-en au moins une."
        ),
    )


def _check_aid_size(rules, partners, results, poles) -> Check:
    total = sum(r.aid_eur for r in results)
    params = {"total": _eur(total), "min": _eur(rules.aid_min_eur)}
    if total >= rules.aid_min_eur:
        return Check(
            "aid_size",
            PASS,
            gettext_noop("Aide totale de %(total)s (seuil indicatif %(min)s)."),
            params,
        )
    return Check(
        "aid_size",
        WARN,
        gettext_noop(
            "Aide totale de %(total)s, sous %(min)s : un tel projet relève plutôt des aides "
            "à l'innovation de Bpifrance ; élargissez le programme ou orientez-le vers elles."
        ),
        params,
    )


_CHECKS = (
    _check_min_companies,
    _check_min_research_training,
    _check_coordinator_company,
    _check_labelled,
    _check_territory_labelling,
    _check_territory_lead,
    _check_partner_share,
    _check_lab_aid_share,
    _check_sme_involvement,
    _check_aid_size,
)


def evaluate(rules: Rules, poles: list[LabellingPole], partners: list[Partner]) -> Verdict:
    """Evaluate `partners` against `rules`; `poles` are the labelling pôles, lead first.

    Raises `InvalidConsortium` when a partner lacks what its category or rate needs.
    """
    poles = list(poles)
    partners = list(partners)
    territory = set().union(*(pole.regions for pole in poles)) if poles else set()
    lead_territory = set(poles[0].regions) if poles else set()
    results = [_partner_result(rules, p, territory, lead_territory) for p in partners]
    checks = tuple(check(rules, partners, results, poles) for check in _CHECKS)
    return Verdict(
        checks=checks,
        partners=tuple(results),
        total_expenses_eur=sum((r.expenses_eur for r in results), Decimal(0)),
        total_aid_eur=sum(r.aid_eur for r in results),
    )
