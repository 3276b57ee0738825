"""The eligibility simulator page agrees with `check_eligibility` (both go through
funding.services.evaluate_request) and answers bad input with a message, keeping the input."""

import pytest
from django.urls import reverse

from funding import services
from poles.templatetags.portal import euros
from tests.factories import PoleFactory, RegionFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def poles():
    PoleFactory(
        slug="pole-francilien", name="Pôle Francilien", main_region=RegionFactory(code="11")
    )
    PoleFactory(slug="pole-breton", name="Pôle Breton", main_region=RegionFactory(code="53"))
    RegionFactory(code="84")


def _company(name, region, expenses, *, employees=40, turnover=6_000_000, coordinator=False):
    return {
        "name": name,
        "kind": "company",
        "employees": employees,
        "turnover_eur": turnover,
        "balance_sheet_eur": None,
        "group": None,
        "coordinator": coordinator,
        "region": region,
        "expenses_eur": expenses,
        "cost_basis": None,
    }


def _lab(name, region, expenses, basis="marginal"):
    return {
        "name": name,
        "kind": "research",
        "employees": None,
        "turnover_eur": None,
        "balance_sheet_eur": None,
        "group": None,
        "coordinator": False,
        "region": region,
        "expenses_eur": expenses,
        "cost_basis": basis,
    }


CASES = {
    "lone company": {
        "call": "fui-21",
        "labelling_poles": ["pole-francilien"],
        "partners": [_company("Alpha", "11", 900_000, coordinator=True)],
    },
    "eligible trio, FUI 25": {
        "call": "fui-25",
        "labelling_poles": ["pole-francilien", "pole-breton"],
        "partners": [
            _company("Alpha", "11", 900_000, coordinator=True),
            _company("Beta", "53", 700_000, employees=900, turnover=200_000_000),
            _lab("Labo Gamma", "11", 500_000),
        ],
    },
    "outside the territory, full costs": {
        "call": "fui-21",
        "labelling_poles": ["pole-breton"],
        "partners": [
            _company("Alpha", "84", 1_000_000, coordinator=True),
            _company("Beta", "53", 300_000, employees=3_000, turnover=900_000_000),
            _lab("Labo Gamma", "53", 400_000, basis="full"),
        ],
    },
}


def _form_data(case: dict) -> dict:
    lead, *others = case["labelling_poles"]
    data = {
        "call": case["call"],
        "lead_pole": lead,
        "other_poles": others,
        "partenaire-TOTAL_FORMS": str(len(case["partners"]) + 1),
        "partenaire-INITIAL_FORMS": "0",
        "partenaire-MIN_NUM_FORMS": "1",
        "partenaire-MAX_NUM_FORMS": "30",
    }
    for index, partner in enumerate(case["partners"]):
        for key, value in partner.items():
            if value is None or value is False:
                continue
            data[f"partenaire-{index}-{key}"] = "on" if value is True else str(value)
    return data  # the last line is left blank, as a visitor would


def test_simulator_offers_four_partner_lines_and_more_on_request(client):
    page = client.get(reverse("funding:simulator")).content.decode()
    assert page.count('<input type="text" name="partenaire-') == 8  # name and group, 4 lines
    assert 'name="partenaire-3-name"' in page

    response = client.get(reverse("funding:simulator"), {"partenaires": "7"})

    assert response.content.decode().count('name="partenaire-6-name"') == 1


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_simulator_and_command_agree(client, poles, case):
    expected = services.evaluate_request(case)

    response = client.post(reverse("funding:simulator"), _form_data(case))

    text = page_text(response)
    verdict = "Le consortium est éligible." if expected.eligible else "n'est pas éligible"
    assert verdict in text
    assert (
        f"Total {euros(int(expected.total_expenses_eur))} {euros(expected.total_aid_eur)}".replace(
            "\u202f", " "
        ).replace("\xa0", " ")
        in text
    )
    for partner in expected.partners:
        assert euros(partner.aid_eur).replace("\u202f", " ").replace("\xa0", " ") in text
    for check in expected.checks:
        assert check.message in text
    statuses = response.context["checks"]
    assert [(c["code"], c["status"]) for c in statuses] == [
        (c.code, c.status) for c in expected.checks
    ]


def test_simulator_two_coordinators_named_and_input_kept(client, poles):
    case = CASES["eligible trio, FUI 25"]
    data = _form_data(case)
    data["partenaire-1-coordinator"] = "on"

    response = client.post(reverse("funding:simulator"), data)

    assert "plusieurs coordinateurs (Alpha, Beta)" in page_text(response)
    assert 'value="Labo Gamma"' in response.content.decode()
    assert response.context["verdict"] is None


def test_simulator_company_without_headcount_gets_a_reason(client, poles):
    case = CASES["lone company"]
    data = _form_data(case)
    del data["partenaire-0-employees"]

    response = client.post(reverse("funding:simulator"), data)

    assert "partenaire Alpha : employees manquant" in page_text(response)


def test_simulator_all_lines_blank_asks_for_a_partner(client, poles):
    data = _form_data({**CASES["lone company"], "partners": []})

    response = client.post(reverse("funding:simulator"), data)

    assert "Le formulaire contient des erreurs" in page_text(response)
    assert response.context["verdict"] is None
