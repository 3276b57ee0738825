"""The FUI eligibility engine, alone: no database, no Django (except the last section, which
reads the rules of the calls seeded by the migration)."""

import ast
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from funding import eligibility
from funding.eligibility import (
    CHECK_CODES,
    InvalidConsortium,
    LabellingPole,
    Partner,
    Rules,
    evaluate,
)

COMMON = {
    "rate_research_marginal": Decimal("1"),
    "rate_research_full": Decimal("0.4"),
    "rate_rto": Decimal("0.4"),
    "rate_other": Decimal("0"),
    "min_companies": 2,
    "min_research_training": 1,
    "territory_labelling_min": Decimal("0.5"),
    "territory_lead_min": Decimal("0.25"),
    "partner_share_max": Decimal("0.7"),
    "lab_aid_share_max": Decimal("0.4"),
    "aid_min_eur": Decimal("750000"),
}
FUI_21 = Rules(
    rate_pme_in_territory=Decimal("0.45"),
    rate_pme_elsewhere=Decimal("0.3"),
    rate_eti_in_territory=Decimal("0.3"),
    rate_other_company=Decimal("0.25"),
    **COMMON,
)
FUI_25 = Rules(
    rate_pme_in_territory=Decimal("0.5"),
    rate_pme_elsewhere=Decimal("0.35"),
    rate_eti_in_territory=Decimal("0.35"),
    rate_other_company=Decimal("0.3"),
    **COMMON,
)

LEAD = LabellingPole(slug="systematic", regions=frozenset({"11"}))
SECOND = LabellingPole(slug="minalogic", regions=frozenset({"84"}))
POLES = [LEAD, SECOND]


def pme(name="Alpha", *, region="11", expenses=1_000_000, **kwargs):
    """A PME: 40 people, 6 M€ turnover."""
    defaults = {"employees": 40, "turnover_eur": 6_000_000, "balance_sheet_eur": 4_000_000}
    return Partner(
        name=name,
        kind="company",
        region=region,
        expenses_eur=Decimal(expenses),
        **{**defaults, **kwargs},
    )


def eti(name="Moyenne", **kwargs):
    return pme(name, employees=1_000, turnover_eur=300_000_000, balance_sheet_eur=None, **kwargs)


def ge(name="Grande", **kwargs):
    return pme(name, employees=20_000, turnover_eur=5_000_000_000, balance_sheet_eur=None, **kwargs)


def body(
    name="Labo", *, kind="research", cost_basis="marginal", region="11", expenses=400_000, **kw
):
    return Partner(
        name=name,
        kind=kind,
        region=region,
        expenses_eur=Decimal(expenses),
        cost_basis=cost_basis,
        **kw,
    )


def eligible_consortium():
    """PME coordinator, a large company and a lab, all in Île-de-France."""
    return [pme(coordinator=True), ge(expenses=1_000_000), body(expenses=400_000)]


def status(partners, code, *, rules=FUI_21, poles=POLES):
    return evaluate(rules, poles, partners).check(code).status


# --- The whole verdict ----------------------------------------------------------------------


def test_evaluate_eligible_consortium_passes_every_check():
    verdict = evaluate(FUI_21, POLES, eligible_consortium())

    assert [(check.code, check.status) for check in verdict.checks] == [
        (code, "pass") for code in CHECK_CODES
    ]
    assert verdict.eligible is True
    assert verdict.total_expenses_eur == Decimal("2400000")
    assert verdict.total_aid_eur == 450_000 + 250_000 + 400_000


@pytest.mark.parametrize(
    "partners",
    [
        eligible_consortium(),
        [pme(coordinator=True)],
        [body(coordinator=True, kind="rto")],
        [pme(coordinator=True), pme("Beta", coordinator=True)],
        [pme(expenses=0)],
    ],
    ids=["eligible", "alone", "rto", "two-coordinators", "zero-expenses"],
)
def test_evaluate_reports_every_check_code_exactly_once(partners):
    verdict = evaluate(FUI_21, POLES, partners)

    assert [check.code for check in verdict.checks] == list(CHECK_CODES)
    assert all(check.message for check in verdict.checks)
    assert {check.status for check in verdict.checks} <= {"pass", "fail", "warn"}


def test_evaluate_is_not_eligible_when_a_check_fails_but_is_with_warnings():
    alone = evaluate(FUI_21, POLES, [pme(coordinator=True)])
    warned = evaluate(FUI_21, POLES, [*eligible_consortium(), body("Labo 2", expenses=600_000)])

    assert alone.eligible is False
    assert warned.check("lab_aid_share").status == "warn"
    assert warned.eligible is True


def test_to_dict_gives_the_json_shape():
    verdict = evaluate(FUI_21, [LEAD], [pme(expenses=900_000, coordinator=True)])

    result = verdict.to_dict()

    assert list(result) == ["eligible", "checks", "partners", "total_expenses_eur", "total_aid_eur"]
    assert result["partners"] == [
        {"name": "Alpha", "category": "pme", "in_territory": True, "rate": 0.45, "aid_eur": 405000}
    ]
    assert result["total_expenses_eur"] == 900000
    assert isinstance(result["total_expenses_eur"], int)
    assert result["total_aid_eur"] == 405000
    assert result["checks"][0] == {
        "code": "min_companies",
        "status": "fail",
        "message": "1 entreprise(s) indépendante(s) entre elles, il en faut au moins 2 : "
        "ajoutez une entreprise d'un autre groupe.",
    }


def test_messages_can_be_translated_at_display_time():
    check = evaluate(FUI_21, POLES, [pme(coordinator=True)]).check("min_companies")

    catalogue = {check.message_id: "%(count)d independent companies, at least %(min)d needed."}

    assert check.translated(catalogue.get) == "1 independent companies, at least 2 needed."


def test_engine_imports_nothing_from_django():
    source = Path(eligibility.__file__).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module)

    assert not [module for module in modules if module.split(".")[0] == "django"]


# --- Rates and categories ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partner", "category", "in_territory", "rate_21", "rate_25"),
    [
        (pme(region="11"), "pme", True, "0.45", "0.5"),
        (pme(region="84"), "pme", True, "0.45", "0.5"),
        (pme(region="53"), "pme", False, "0.3", "0.35"),
        (pme(employees=5, turnover_eur=1_000_000), "pme", True, "0.45", "0.5"),
        (eti(region="11"), "eti", True, "0.3", "0.35"),
        (eti(region="53"), "eti", False, "0.25", "0.3"),
        (ge(region="11"), "ge", True, "0.25", "0.3"),
        (ge(region="53"), "ge", False, "0.25", "0.3"),
        (body(cost_basis="marginal"), "research", True, "1", "1"),
        (body(cost_basis="full"), "research", True, "0.4", "0.4"),
        (body(kind="training", cost_basis="marginal"), "training", True, "1", "1"),
        (body(kind="training", cost_basis="full"), "training", True, "0.4", "0.4"),
        (body(kind="rto", cost_basis=None), "rto", True, "0.4", "0.4"),
        (body(kind="other", cost_basis=None, region="53"), "other", False, "0", "0"),
    ],
    ids=[
        "pme-lead-territory",
        "pme-second-territory",
        "pme-elsewhere",
        "micro",
        "eti-territory",
        "eti-elsewhere",
        "ge-territory",
        "ge-elsewhere",
        "research-marginal",
        "research-full",
        "training-marginal",
        "training-full",
        "rto",
        "other",
    ],
)
@pytest.mark.parametrize("call", ["21", "25"])
def test_partner_rate_follows_the_call(partner, category, in_territory, rate_21, rate_25, call):
    rules, rate = (FUI_21, rate_21) if call == "21" else (FUI_25, rate_25)
    partner = Partner(**{**partner.__dict__, "expenses_eur": Decimal(1_000_000)})

    (result,) = evaluate(rules, POLES, [partner]).partners

    assert result.category == category
    assert result.in_territory is in_territory
    assert result.rate == Decimal(rate)
    assert result.aid_eur == int(Decimal(1_000_000) * Decimal(rate))


@pytest.mark.parametrize(
    ("expenses", "aid"),
    [(1001, 450), (1003, 451), (1010, 455), ("1009.99", 454)],
    ids=["450.45", "451.35", "half-up", "cents"],
)
def test_aid_is_rounded_half_up_to_the_euro(expenses, aid):
    (result,) = evaluate(FUI_21, POLES, [pme(expenses=Decimal(expenses))]).partners

    assert result.aid_eur == aid


def test_total_aid_is_the_sum_of_rounded_aids():
    verdict = evaluate(FUI_21, POLES, [pme(expenses=1010), pme("Beta", expenses=1010)])

    assert [p.aid_eur for p in verdict.partners] == [455, 455]
    assert verdict.total_aid_eur == 910


@pytest.mark.parametrize(
    ("partner", "message"),
    [
        (pme(employees=None), "partenaire Alpha : employees manquant"),
        (
            pme(turnover_eur=None, balance_sheet_eur=None),
            "partenaire Alpha : turnover_eur ou balance_sheet_eur manquant",
        ),
        (pme(expenses=-1), "partenaire Alpha : expenses_eur négatif"),
        (body(cost_basis=None), "partenaire Labo : cost_basis manquant ou invalide"),
        (body(kind="association"), "partenaire Labo : kind « association » inconnu"),
    ],
    ids=["no-employees", "no-finances", "negative", "no-cost-basis", "unknown-kind"],
)
def test_evaluate_rejects_a_partner_it_cannot_rate(partner, message):
    with pytest.raises(InvalidConsortium, match=message):
        evaluate(FUI_21, POLES, [partner])


# --- Hard rules at their thresholds ----------------------------------------------------------


def test_min_companies_passes_at_two_and_fails_at_one():
    assert status([pme(coordinator=True), ge(), body()], "min_companies") == "pass"
    assert status([pme(coordinator=True), body()], "min_companies") == "fail"


def test_min_companies_counts_a_group_once():
    same_group = [pme(coordinator=True, group="Groupe X"), ge(group=" groupe x "), body()]
    other_groups = [pme(coordinator=True, group="Groupe X"), ge(group="Groupe Y"), body()]
    empty_group = [pme(coordinator=True, group=""), ge(group=""), body()]

    assert status(same_group, "min_companies") == "fail"
    assert status(other_groups, "min_companies") == "pass"
    assert status(empty_group, "min_companies") == "pass"


def test_min_research_training_counts_labs_and_schools_but_not_rtos():
    companies = [pme(coordinator=True), ge()]

    assert status([*companies, body()], "min_research_training") == "pass"
    assert status([*companies, body(kind="training")], "min_research_training") == "pass"
    assert status([*companies, body(kind="rto")], "min_research_training") == "fail"
    assert status(companies, "min_research_training") == "fail"


@pytest.mark.parametrize(
    ("partners", "expected"),
    [
        ([pme(coordinator=True), ge(), body()], "pass"),
        ([pme(), ge(), body()], "fail"),
        ([pme(coordinator=True), ge(coordinator=True), body()], "fail"),
        ([pme(), ge(), body(coordinator=True)], "fail"),
        ([pme(), ge(), body(kind="rto", cost_basis=None, coordinator=True)], "fail"),
    ],
    ids=["company", "none", "two", "lab", "rto"],
)
def test_coordinator_must_be_exactly_one_company(partners, expected):
    assert status(partners, "coordinator_company") == expected


def test_coordinator_message_says_what_to_change():
    check = evaluate(FUI_21, POLES, [pme(), ge(), body(coordinator=True)]).check(
        "coordinator_company"
    )

    assert check.message == (
        "Le chef de file Labo n'est pas une entreprise : confiez la coordination à une "
        "entreprise (ni laboratoire, ni IRT ou ITE)."
    )


def test_labelled_needs_a_pole_with_its_label():
    partners = eligible_consortium()

    assert status(partners, "labelled") == "pass"
    assert status(partners, "labelled", poles=[]) == "fail"
    refused = LabellingPole(slug="systematic", regions=frozenset({"11"}), label_granted=False)
    assert status(partners, "labelled", poles=[refused]) == "fail"


@pytest.mark.parametrize(
    ("outside", "expected"), [(499_999, "pass"), (500_000, "pass"), (500_001, "fail")]
)
def test_territory_labelling_poles_at_fifty_percent(outside, expected):
    partners = [pme(expenses=300_000, coordinator=True), body(region="84", expenses=200_000)]
    partners.append(ge(region="53", expenses=outside))

    assert status(partners, "territory_labelling_poles") == expected


def test_territory_labelling_poles_fails_without_poles():
    verdict = evaluate(FUI_21, [], eligible_consortium())

    labelling, lead = (
        verdict.check("territory_labelling_poles"),
        verdict.check("territory_lead_pole"),
    )
    assert (labelling.status, lead.status) == ("fail", "fail")
    assert labelling.message.startswith("Aucun pôle labellisateur pour l'instant : au moins 50 %")
    assert lead.message.startswith("Aucun pôle chef de file pour l'instant : au moins 25 %")


@pytest.mark.parametrize(
    ("in_second", "expected"), [(749_999, "pass"), (750_000, "pass"), (750_001, "fail")]
)
def test_territory_lead_pole_at_twenty_five_percent(in_second, expected):
    partners = [pme(region="11", expenses=250_000, coordinator=True)]
    partners.append(ge(region="84", expenses=in_second))

    assert status(partners, "territory_lead_pole") == expected
    assert status(partners, "territory_labelling_poles") == "pass"


def test_territory_lead_pole_is_the_first_listed():
    partners = [pme(region="84", expenses=1_000_000, coordinator=True), ge(expenses=100_000)]

    assert status(partners, "territory_lead_pole", poles=[LEAD, SECOND]) == "fail"
    assert status(partners, "territory_lead_pole", poles=[SECOND, LEAD]) == "pass"


@pytest.mark.parametrize(
    ("others", "expected"), [(300_001, "pass"), (300_000, "pass"), (299_999, "fail")]
)
def test_partner_share_max_at_seventy_percent(others, expected):
    partners = [pme(expenses=700_000, coordinator=True), ge(expenses=others)]

    check = evaluate(FUI_21, POLES, partners).check("partner_share_max")

    assert check.status == expected
    assert "Alpha" in check.message


# --- Warnings at their thresholds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lab_aid", "expected"), [(399_999, "pass"), (400_000, "pass"), (400_001, "warn")]
)
def test_lab_aid_share_warns_past_forty_percent(lab_aid, expected):
    # Two large companies at 25 % get 600 000 € of aid; the lab is funded at 100 %.
    partners = [ge("G1", expenses=1_200_000, coordinator=True), ge("G2", expenses=1_200_000)]
    partners.append(body(expenses=lab_aid))

    assert status(partners, "lab_aid_share") == expected


def test_lab_aid_share_ignores_rtos():
    partners = [ge("G1", expenses=400_000, coordinator=True)]
    partners.append(body(kind="rto", cost_basis=None, expenses=2_000_000))

    assert status(partners, "lab_aid_share") == "pass"


@pytest.mark.parametrize(
    ("companies", "expected"),
    [([ge("G1"), ge("G2")], "warn"), ([ge("G1"), eti()], "pass"), ([ge("G1"), pme()], "pass")],
    ids=["ge-only", "eti", "pme"],
)
def test_sme_involvement_warns_without_pme_or_eti(companies, expected):
    assert status([*companies, body()], "sme_involvement") == expected


@pytest.mark.parametrize(
    ("lab_expenses", "expected"), [(750_001, "pass"), (750_000, "pass"), (749_999, "warn")]
)
def test_aid_size_warns_under_the_minimum(lab_expenses, expected):
    partners = [pme(expenses=0, coordinator=True), body(expenses=lab_expenses)]

    check = evaluate(FUI_21, POLES, partners).check("aid_size")

    assert check.status == expected
    assert "750 000 €" in check.message


def test_a_share_just_past_a_threshold_never_reads_as_the_threshold():
    below = [pme(expenses=499_999, coordinator=True), ge(region="53", expenses=500_001)]
    above = [pme(expenses=700_001, coordinator=True), ge(expenses=299_999)]

    territory = evaluate(FUI_21, POLES, below).check("territory_labelling_poles")
    share = evaluate(FUI_21, POLES, above).check("partner_share_max")

    assert territory.message.startswith("49,9 % des dépenses seulement")
    assert share.message.startswith("Alpha porte 70,1 % des dépenses")


# --- Thresholds are the call's: just below, at and just above ------------------------------------


@pytest.mark.parametrize("minimum", [2, 3])
@pytest.mark.parametrize(("offset", "expected"), [(-1, "fail"), (0, "pass"), (1, "pass")])
def test_min_companies_around_the_calls_minimum(minimum, offset, expected):
    rules = replace(FUI_21, min_companies=minimum)
    companies = [pme(f"Entreprise {index}") for index in range(minimum + offset)]

    check = evaluate(rules, POLES, [*companies, body()]).check("min_companies")

    assert check.status == expected
    assert check.params == {"count": minimum + offset, "min": minimum}


@pytest.mark.parametrize("minimum", [1, 2])
@pytest.mark.parametrize(("offset", "expected"), [(-1, "fail"), (0, "pass"), (1, "pass")])
def test_min_research_training_around_the_calls_minimum(minimum, offset, expected):
    rules = replace(FUI_21, min_research_training=minimum)
    labs = [body(f"Labo {index}") for index in range(minimum + offset)]

    assert status([pme(coordinator=True), ge(), *labs], "min_research_training", rules=rules) == (
        expected
    )


@pytest.mark.parametrize(
    ("outside", "expected"), [(399_999, "pass"), (400_000, "pass"), (400_001, "fail")]
)
def test_territory_labelling_poles_follows_the_calls_threshold(outside, expected):
    # A call asking 60 % on the labelling pôles' territory: 600 000 € in, `outside` out.
    rules = replace(FUI_21, territory_labelling_min=Decimal("0.6"))
    partners = [pme(expenses=600_000, coordinator=True), ge(region="53", expenses=outside)]

    assert status(partners, "territory_labelling_poles", rules=rules) == expected


@pytest.mark.parametrize(
    ("third", "expected"), [(200_001, "pass"), (200_000, "pass"), (199_999, "fail")]
)
def test_partner_share_max_follows_the_calls_threshold(third, expected):
    # A call allowing 50 % per partner: 500 000 € of 800 000 € + `third`.
    rules = replace(FUI_21, partner_share_max=Decimal("0.5"))
    partners = [pme(expenses=500_000, coordinator=True), ge(expenses=300_000), eti(expenses=third)]

    assert status(partners, "partner_share_max", rules=rules) == expected


def test_an_empty_consortium_is_evaluated_without_error():
    verdict = evaluate(FUI_21, POLES, [])

    assert [c.code for c in verdict.checks if c.status == "fail"] == [
        "min_companies",
        "min_research_training",
        "coordinator_company",
        "territory_labelling_poles",
        "territory_lead_pole",
    ]
    assert (verdict.total_expenses_eur, verdict.total_aid_eur) == (Decimal(0), 0)


# --- A label asked for and not yet decided --------------------------------------------------------


def test_labelled_warns_while_the_committee_is_pending():
    pending = LabellingPole(
        slug="systematic", regions=frozenset({"11"}), label_granted=False, label_pending=True
    )

    verdict = evaluate(FUI_21, [pending], eligible_consortium())

    check = verdict.check("labelled")
    assert check.status == "warn"
    assert check.message == (
        "Label demandé à systematic : en attente de la décision du comité, qui doit se tenir "
        "avant la date limite de l'appel."
    )
    # A warning does not fail the verdict; the pending pôle's territory already counts.
    assert verdict.eligible is True
    assert verdict.check("territory_labelling_poles").status == "pass"


def test_labelled_passes_when_one_pole_labelled_and_another_is_pending():
    pending = LabellingPole(
        slug="minalogic", regions=frozenset({"84"}), label_granted=False, label_pending=True
    )

    check = evaluate(FUI_21, [LEAD, pending], eligible_consortium()).check("labelled")

    assert (check.status, check.message) == ("pass", "Labellisé par 1 pôle(s) : systematic.")


def test_labelled_lists_every_pending_pole():
    poles = [
        LabellingPole(slug=slug, regions=frozenset({"11"}), label_granted=False, label_pending=True)
        for slug in ("systematic", "cap-digital")
    ]

    check = evaluate(FUI_21, poles, eligible_consortium()).check("labelled")

    assert check.params == {"poles": "systematic, cap-digital"}


def test_labelled_fails_when_the_label_neither_counts_nor_is_pending():
    late = LabellingPole(slug="systematic", regions=frozenset({"11"}), label_granted=False)

    check = evaluate(FUI_21, [late], eligible_consortium()).check("labelled")

    assert check.status == "fail"
    assert check.message.startswith("Aucun pôle n'a labellisé le projet")


# --- The calls seeded by the migration (database) ---------------------------------------------


def _seeded(slug):
    from funding.models import Call  # noqa: PLC0415 (the rest of the module needs no Django)

    return Call.objects.get(slug=slug).rules()


SEEDED_RATES = [
    # partner, category, in territory, FUI 21, FUI 25 (domain.md)
    (pme(region="11"), "pme", True, "0.45", "0.50"),
    (pme(region="53"), "pme", False, "0.30", "0.35"),
    (eti(region="11"), "eti", True, "0.30", "0.35"),
    (eti(region="53"), "eti", False, "0.25", "0.30"),
    (ge(region="11"), "ge", True, "0.25", "0.30"),
    (body(cost_basis="marginal"), "research", True, "1", "1"),
    (body(cost_basis="full"), "research", True, "0.40", "0.40"),
    (body(kind="training", cost_basis="full", region="53"), "training", False, "0.40", "0.40"),
    (body(kind="rto", cost_basis=None), "rto", True, "0.40", "0.40"),
    (body(kind="other", cost_basis=None), "other", True, "0", "0"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["fui-21", "fui-25"])
@pytest.mark.parametrize(
    ("partner", "category", "in_territory", "rate_21", "rate_25"),
    SEEDED_RATES,
    ids=[
        "pme-territory",
        "pme-elsewhere",
        "eti-territory",
        "eti-elsewhere",
        "ge",
        "research-marginal",
        "research-full",
        "training-full",
        "rto",
        "other",
    ],
)
def test_seeded_call_rates(slug, partner, category, in_territory, rate_21, rate_25):
    rate = Decimal(rate_21 if slug == "fui-21" else rate_25)
    partner = replace(partner, expenses_eur=Decimal(1_000_001))

    (result,) = evaluate(_seeded(slug), POLES, [partner]).partners

    assert (result.category, result.in_territory, result.rate) == (category, in_territory, rate)
    assert result.aid_eur == int((Decimal(1_000_001) * rate).quantize(Decimal(1), "ROUND_HALF_UP"))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["fui-21", "fui-25"])
def test_seeded_call_thresholds_at_their_limits(slug):
    rules = _seeded(slug)

    def check(partners, code):
        return evaluate(rules, POLES, partners).check(code).status

    # 70 % for one partner; 50 % on the labelling pôles' territory; 25 % on the lead's.
    assert check([pme(expenses=700_000, coordinator=True), ge(expenses=300_000)],
                 "partner_share_max") == "pass"  # fmt: skip
    assert check([pme(expenses=700_001, coordinator=True), ge(expenses=299_999)],
                 "partner_share_max") == "fail"  # fmt: skip
    assert check([pme(expenses=500_000, coordinator=True), ge(region="53", expenses=500_000)],
                 "territory_labelling_poles") == "pass"  # fmt: skip
    assert check([pme(expenses=499_999, coordinator=True), ge(region="53", expenses=500_001)],
                 "territory_labelling_poles") == "fail"  # fmt: skip
    assert check([pme(expenses=250_000, coordinator=True), ge(region="84", expenses=750_000)],
                 "territory_lead_pole") == "pass"  # fmt: skip
    assert check([pme(expenses=249_999, coordinator=True), ge(region="84", expenses=750_001)],
                 "territory_lead_pole") == "fail"  # fmt: skip
    assert check([pme(coordinator=True), body()], "min_companies") == "fail"
    assert check([pme(coordinator=True), ge()], "min_research_training") == "fail"
    assert (rules.aid_min_eur, rules.lab_aid_share_max) == (Decimal(750_000), Decimal("0.4"))
