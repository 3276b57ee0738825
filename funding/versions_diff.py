"""What changed between two frozen dossier versions: a pure function over two `content` dicts.

A plain module with no Django imports, like the eligibility engine: `diff_contents(old, new)`
returns `Change`s, each a French sentence marked with the local `gettext_noop` and kept as a
message id and parameters, so that a page translates it at display time with
`change.translated(gettext)`. Parameters that are words rather than data (a status, a
category) are `Term`s, translated too.

What is compared (the shape `funding.dossiers._snapshot` freezes):
- the project's fields (acronym, title, summary, start, duration, coordinator, competences);
- the partners, matched by organisation (slug): added, removed, and for each one kept its
  role, work, region of R&D, cost basis, category and group;
- the budget: each partner's expenses by category, rate and aid, and the project's totals;
- the labels, matched by pôle: added, removed, status, lead pôle, committee date;
- the eligibility verdict: eligible or not, and the checks whose status changed;
- the attachments, matched by SHA-256 checksum: added, removed, renamed.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation


def gettext_noop(message: str) -> str:
    """Marks a message for translation; the translation happens at display time."""
    return message


class Term(str):
    """A word shown inside a change (a status, a category): translated with the sentence."""

    __slots__ = ()


PROJECT = "project"
PARTNERS = "partners"
BUDGET = "budget"
LABELS = "labels"
ELIGIBILITY = "eligibility"
ATTACHMENTS = "attachments"

# Sections in display order, with their titles.
SECTIONS = (
    (PROJECT, gettext_noop("Le projet")),
    (PARTNERS, gettext_noop("Les partenaires")),
    (BUDGET, gettext_noop("Budget et aide")),
    (LABELS, gettext_noop("Labels")),
    (ELIGIBILITY, gettext_noop("Verdict d'éligibilité")),
    (ATTACHMENTS, gettext_noop("Pièces jointes")),
)

EXPENSE_LABELS = {
    "expenses_personnel_eur": gettext_noop("dépenses de personnel"),
    "expenses_overhead_eur": gettext_noop("frais généraux"),
    "expenses_equipment_eur": gettext_noop("équipements"),
    "expenses_subcontracting_eur": gettext_noop("sous-traitance"),
    "expenses_other_eur": gettext_noop("autres dépenses"),
}

CATEGORY_LABELS = {
    "pme": gettext_noop("PME"),
    "eti": gettext_noop("ETI"),
    "ge": gettext_noop("Grande entreprise"),
    "research": gettext_noop("Recherche publique"),
    "training": gettext_noop("Formation"),
    "rto": gettext_noop("IRT / ITE"),
    "other": gettext_noop("Autre"),
}

COST_BASIS_LABELS = {
    "marginal": gettext_noop("coûts marginaux"),
    "full": gettext_noop("coûts complets"),
}

LABEL_STATUS_LABELS = {
    "requested": gettext_noop("demandé"),
    "labelled": gettext_noop("labellisé"),
    "refused": gettext_noop("non labellisé"),
}

CHECK_STATUS_LABELS = {
    "pass": gettext_noop("respectée"),
    "warn": gettext_noop("attention"),
    "fail": gettext_noop("non respectée"),
}

# "Not given", as an adjective agreeing with what it qualifies (French has two genders).
NOT_GIVEN = gettext_noop("non précisé")
NOT_GIVEN_F = gettext_noop("non précisée")
NONE = gettext_noop("aucun")

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


@dataclass(frozen=True)
class Change:
    section: str
    message_id: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The French sentence (no translation)."""
        return self.message_id % self.params

    def translated(self, gettext) -> str:
        params = {
            key: gettext(value) if isinstance(value, Term) else value
            for key, value in self.params.items()
        }
        return gettext(self.message_id) % params


# --- Formatting (French, as the `euros` and `percent` template filters do) -------------------


def euros(amount) -> str:
    number = int(amount or 0)
    sign = "-" if number < 0 else ""
    return f"{sign}{abs(number):,}".replace(",", NARROW_NBSP) + f"{NBSP}€"


def signed_euros(amount) -> str:
    return ("+" if int(amount) > 0 else "") + euros(amount)


def percent(value) -> str:
    try:
        number = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number.normalize():f}".replace(".", ",")
    return f"{text}{NARROW_NBSP}%"


def _day(value) -> str | Term:
    if not value:
        return Term(NOT_GIVEN_F)
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


def _text(value, missing: str = NOT_GIVEN) -> str | Term:
    return value if value not in (None, "") else Term(missing)


def _term(labels: dict, value, missing: str = NOT_GIVEN) -> str | Term:
    if value in (None, ""):
        return Term(missing)
    return Term(labels[value]) if value in labels else str(value)


def _number(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


# --- Sections --------------------------------------------------------------------------------


def _project(old: dict, new: dict) -> list[Change]:
    changes = []
    for key, message in (
        ("acronym", gettext_noop("L'acronyme passe de « %(old)s » à « %(new)s ».")),
        ("title", gettext_noop("Le titre passe de « %(old)s » à « %(new)s ».")),
        ("coordinator", gettext_noop("Le coordinateur passe de %(old)s à %(new)s.")),
    ):
        if old.get(key) != new.get(key):
            changes.append(
                Change(PROJECT, message, {"old": _text(old.get(key)), "new": _text(new.get(key))})
            )
    if (old.get("summary") or "").strip() != (new.get("summary") or "").strip():
        changes.append(Change(PROJECT, gettext_noop("Le résumé du projet a été réécrit.")))
    if old.get("start_date") != new.get("start_date"):
        changes.append(
            Change(
                PROJECT,
                gettext_noop("Date de début : %(old)s → %(new)s."),
                {"old": _day(old.get("start_date")), "new": _day(new.get("start_date"))},
            )
        )
    if old.get("duration_months") != new.get("duration_months"):
        changes.append(
            Change(
                PROJECT,
                gettext_noop("Durée en mois : %(old)s → %(new)s."),
                {
                    "old": _text(old.get("duration_months"), NOT_GIVEN_F),
                    "new": _text(new.get("duration_months"), NOT_GIVEN_F),
                },
            )
        )
    old_competences = set(old.get("competences") or ())
    new_competences = set(new.get("competences") or ())
    for name in sorted(new_competences - old_competences):
        changes.append(
            Change(PROJECT, gettext_noop("Compétence ajoutée : %(name)s."), {"name": name})
        )
    for name in sorted(old_competences - new_competences):
        changes.append(
            Change(PROJECT, gettext_noop("Compétence retirée : %(name)s."), {"name": name})
        )
    return changes


def _partner_key(part: dict) -> str:
    organisation = part.get("organisation") or {}
    return organisation.get("slug") or organisation.get("name") or ""


def _partner_name(part: dict) -> str:
    return (part.get("organisation") or {}).get("name") or _partner_key(part)


def _partners(old: list, new: list) -> tuple[list[Change], list[Change]]:
    """(changes to the consortium, changes to the budget)."""
    consortium, budget = [], []
    old_by_key = {_partner_key(part): part for part in old}
    new_by_key = {_partner_key(part): part for part in new}
    for key, part in new_by_key.items():
        if key not in old_by_key:
            consortium.append(
                Change(
                    PARTNERS,
                    gettext_noop(
                        "%(name)s rejoint le consortium (%(category)s, %(expenses)s de "
                        "dépenses, %(aid)s d'aide)."
                    ),
                    {
                        "name": _partner_name(part),
                        "category": _term(CATEGORY_LABELS, part.get("category")),
                        "expenses": euros(part.get("total_expenses_eur")),
                        "aid": euros(part.get("aid_eur")),
                    },
                )
            )
    for key, part in old_by_key.items():
        if key not in new_by_key:
            consortium.append(
                Change(
                    PARTNERS,
                    gettext_noop("%(name)s quitte le consortium (%(expenses)s de dépenses)."),
                    {
                        "name": _partner_name(part),
                        "expenses": euros(part.get("total_expenses_eur")),
                    },
                )
            )
    for key, after in new_by_key.items():
        before = old_by_key.get(key)
        if before is None:
            continue
        name = _partner_name(after)
        consortium += _partner_changes(name, before, after)
        budget += _budget_changes(name, before, after)
    return consortium, budget


def _partner_changes(name: str, before: dict, after: dict) -> list[Change]:
    changes = []
    if (before.get("role") or "") != (after.get("role") or ""):
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : rôle « %(old)s » → « %(new)s »."),
                {"name": name, "old": _text(before.get("role")), "new": _text(after.get("role"))},
            )
        )
    if (before.get("work_summary") or "").strip() != (after.get("work_summary") or "").strip():
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : la description des travaux a changé."),
                {"name": name},
            )
        )
    if before.get("rd_region") != after.get("rd_region"):
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : région de R&D %(old)s → %(new)s."),
                {
                    "name": name,
                    "old": _text(
                        before.get("rd_region_name") or before.get("rd_region"), NOT_GIVEN_F
                    ),
                    "new": _text(
                        after.get("rd_region_name") or after.get("rd_region"), NOT_GIVEN_F
                    ),
                },
            )
        )
    if (before.get("cost_basis") or "") != (after.get("cost_basis") or ""):
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : assiette des coûts %(old)s → %(new)s."),
                {
                    "name": name,
                    "old": _term(COST_BASIS_LABELS, before.get("cost_basis"), NOT_GIVEN_F),
                    "new": _term(COST_BASIS_LABELS, after.get("cost_basis"), NOT_GIVEN_F),
                },
            )
        )
    if before.get("category") != after.get("category"):
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : catégorie %(old)s → %(new)s."),
                {
                    "name": name,
                    "old": _term(CATEGORY_LABELS, before.get("category"), NOT_GIVEN_F),
                    "new": _term(CATEGORY_LABELS, after.get("category"), NOT_GIVEN_F),
                },
            )
        )
    old_group = (before.get("organisation") or {}).get("group") or ""
    new_group = (after.get("organisation") or {}).get("group") or ""
    if old_group != new_group:
        changes.append(
            Change(
                PARTNERS,
                gettext_noop("%(name)s : groupe %(old)s → %(new)s."),
                {
                    "name": name,
                    "old": old_group or Term(NONE),
                    "new": new_group or Term(NONE),
                },
            )
        )
    if bool(before.get("coordinator")) != bool(after.get("coordinator")):
        message = (
            gettext_noop("%(name)s devient le coordinateur.")
            if after.get("coordinator")
            else gettext_noop("%(name)s n'est plus le coordinateur.")
        )
        changes.append(Change(PARTNERS, message, {"name": name}))
    return changes


def _budget_changes(name: str, before: dict, after: dict) -> list[Change]:
    changes = []
    old_expenses = before.get("expenses_eur") or {}
    new_expenses = after.get("expenses_eur") or {}
    keys = list(EXPENSE_LABELS) + sorted(
        (set(old_expenses) | set(new_expenses)) - set(EXPENSE_LABELS)
    )
    for key in keys:
        old_amount, new_amount = _number(old_expenses.get(key)), _number(new_expenses.get(key))
        if old_amount != new_amount:
            changes.append(
                Change(
                    BUDGET,
                    gettext_noop("%(name)s, %(label)s : %(old)s → %(new)s (%(delta)s)."),
                    {
                        "name": name,
                        "label": Term(EXPENSE_LABELS[key]) if key in EXPENSE_LABELS else key,
                        "old": euros(old_amount),
                        "new": euros(new_amount),
                        "delta": signed_euros(new_amount - old_amount),
                    },
                )
            )
    if _decimal(before.get("rate")) != _decimal(after.get("rate")):
        changes.append(
            Change(
                BUDGET,
                gettext_noop("%(name)s, taux d'aide : %(old)s → %(new)s."),
                {
                    "name": name,
                    "old": percent(before.get("rate")),
                    "new": percent(after.get("rate")),
                },
            )
        )
    old_aid, new_aid = _number(before.get("aid_eur")), _number(after.get("aid_eur"))
    if old_aid != new_aid:
        changes.append(
            Change(
                BUDGET,
                gettext_noop("%(name)s, aide : %(old)s → %(new)s (%(delta)s)."),
                {
                    "name": name,
                    "old": euros(old_aid),
                    "new": euros(new_aid),
                    "delta": signed_euros(new_aid - old_aid),
                },
            )
        )
    return changes


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _totals(old: dict, new: dict) -> list[Change]:
    changes = []
    for key, message in (
        (
            "total_expenses_eur",
            gettext_noop("Dépenses totales du projet : %(old)s → %(new)s (%(delta)s)."),
        ),
        ("total_aid_eur", gettext_noop("Aide totale du projet : %(old)s → %(new)s (%(delta)s).")),
    ):
        before, after = _number(old.get(key)), _number(new.get(key))
        if before != after:
            changes.append(
                Change(
                    BUDGET,
                    message,
                    {
                        "old": euros(before),
                        "new": euros(after),
                        "delta": signed_euros(after - before),
                    },
                )
            )
    return changes


def _labels(old: list, new: list) -> list[Change]:
    changes = []
    old_by_pole = {label.get("pole") or label.get("pole_name"): label for label in old}
    new_by_pole = {label.get("pole") or label.get("pole_name"): label for label in new}
    for key, label in new_by_pole.items():
        before = old_by_pole.get(key)
        pole = label.get("pole_name") or key
        if before is None:
            changes.append(
                Change(
                    LABELS,
                    gettext_noop("Label demandé à %(pole)s : %(status)s."),
                    {"pole": pole, "status": _term(LABEL_STATUS_LABELS, label.get("status"))},
                )
            )
            continue
        if before.get("status") != label.get("status"):
            changes.append(
                Change(
                    LABELS,
                    gettext_noop("%(pole)s : label %(old)s → %(new)s."),
                    {
                        "pole": pole,
                        "old": _term(LABEL_STATUS_LABELS, before.get("status")),
                        "new": _term(LABEL_STATUS_LABELS, label.get("status")),
                    },
                )
            )
        if bool(before.get("lead")) != bool(label.get("lead")):
            message = (
                gettext_noop("%(pole)s devient le pôle chef de file.")
                if label.get("lead")
                else gettext_noop("%(pole)s n'est plus le pôle chef de file.")
            )
            changes.append(Change(LABELS, message, {"pole": pole}))
        if before.get("committee_date") != label.get("committee_date"):
            changes.append(
                Change(
                    LABELS,
                    gettext_noop("%(pole)s : date du comité %(old)s → %(new)s."),
                    {
                        "pole": pole,
                        "old": _day(before.get("committee_date")),
                        "new": _day(label.get("committee_date")),
                    },
                )
            )
    for key, label in old_by_pole.items():
        if key not in new_by_pole:
            changes.append(
                Change(
                    LABELS,
                    gettext_noop("%(pole)s ne figure plus parmi les pôles sollicités."),
                    {"pole": label.get("pole_name") or key},
                )
            )
    return changes


def _eligibility(old: dict, new: dict) -> list[Change]:
    changes = []
    if bool(old.get("eligible")) != bool(new.get("eligible")):
        message = (
            gettext_noop("Le dossier devient éligible.")
            if new.get("eligible")
            else gettext_noop("Le dossier n'est plus éligible.")
        )
        changes.append(Change(ELIGIBILITY, message))
    old_checks = {check.get("code"): check for check in old.get("checks") or ()}
    for check in new.get("checks") or ():
        before = old_checks.get(check.get("code"))
        message = check.get("message") or check.get("code") or ""
        if before is None:
            changes.append(
                Change(
                    ELIGIBILITY,
                    gettext_noop("Nouvelle règle, %(new)s : %(message)s"),
                    {"new": _term(CHECK_STATUS_LABELS, check.get("status")), "message": message},
                )
            )
        elif before.get("status") != check.get("status"):
            changes.append(
                Change(
                    ELIGIBILITY,
                    gettext_noop("Règle %(old)s → %(new)s : %(message)s"),
                    {
                        "old": _term(CHECK_STATUS_LABELS, before.get("status")),
                        "new": _term(CHECK_STATUS_LABELS, check.get("status")),
                        "message": message,
                    },
                )
            )
    return changes


def _attachments(old: list, new: list) -> list[Change]:
    def by_checksum(parts) -> dict:
        found = {}
        for part in parts:
            for attachment in part.get("attachments") or ():
                found.setdefault(attachment.get("sha256"), (attachment, _partner_name(part)))
        return found

    changes = []
    before, after = by_checksum(old), by_checksum(new)
    for checksum, (attachment, partner) in after.items():
        if checksum not in before:
            changes.append(
                Change(
                    ATTACHMENTS,
                    gettext_noop("Pièce ajoutée : « %(title)s » (%(partner)s)."),
                    {"title": attachment.get("title") or "", "partner": partner},
                )
            )
        elif before[checksum][0].get("title") != attachment.get("title"):
            changes.append(
                Change(
                    ATTACHMENTS,
                    gettext_noop("Pièce renommée, même fichier : « %(old)s » → « %(new)s »."),
                    {"old": before[checksum][0].get("title") or "", "new": attachment.get("title")},
                )
            )
    for checksum, (attachment, partner) in before.items():
        if checksum not in after:
            changes.append(
                Change(
                    ATTACHMENTS,
                    gettext_noop("Pièce retirée : « %(title)s » (%(partner)s)."),
                    {"title": attachment.get("title") or "", "partner": partner},
                )
            )
    return changes


# --- Entry point ------------------------------------------------------------------------------


def diff_contents(old: dict, new: dict) -> list[Change]:
    """The changes from version `old` to version `new` (their `content`), section by section.

    An empty list means the two versions say the same thing (the submission date aside).
    """
    old_partners, new_partners = old.get("partners") or [], new.get("partners") or []
    consortium, budget = _partners(old_partners, new_partners)
    changes = [
        *_project(old.get("project") or {}, new.get("project") or {}),
        *consortium,
        *budget,
        *_totals(old.get("eligibility") or {}, new.get("eligibility") or {}),
        *_labels(old.get("labels") or [], new.get("labels") or []),
        *_eligibility(old.get("eligibility") or {}, new.get("eligibility") or {}),
        *_attachments(old_partners, new_partners),
    ]
    order = {code: index for index, (code, _title) in enumerate(SECTIONS)}
    return sorted(changes, key=lambda change: order[change.section])


def grouped(changes: list[Change], gettext=lambda message: message) -> list[tuple[str, list[str]]]:
    """[(section title, [sentence, …]), …] in display order, translated with `gettext`."""
    result = []
    for code, title in SECTIONS:
        sentences = [change.translated(gettext) for change in changes if change.section == code]
        if sentences:
            result.append((gettext(title), sentences))
    return result
