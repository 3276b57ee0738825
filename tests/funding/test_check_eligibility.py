"""`python manage.py check_eligibility FILE.json`: its output and its errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from funding.management.commands.check_eligibility import Command
from tests.factories import PoleFactory, RegionFactory

ROOT = Path(__file__).resolve().parents[2]

EXAMPLE = {
    "call": "fui-21",
    "labelling_poles": ["systematic", "cap-digital"],
    "partners": [
        {
            "name": "Alpha",
            "kind": "company",
            "employees": 40,
            "turnover_eur": 6000000,
            "balance_sheet_eur": 4000000,
            "group": None,
            "coordinator": True,
            "region": "11",
            "expenses_eur": 900000,
            "cost_basis": None,
        }
    ],
}

EXPECTED = {
    "eligible": False,
    "checks": [
        {
            "code": "min_companies",
            "status": "fail",
            "message": "1 entreprise(s) indépendante(s) entre elles, il en faut au moins 2 : "
            "ajoutez une entreprise d'un autre groupe.",
        },
        {
            "code": "min_research_training",
            "status": "fail",
            "message": "0 organisme(s) de recherche ou de formation, il en faut au moins 1 : "
            "ajoutez un laboratoire public ou un établissement de formation (un IRT ou un ITE "
            "ne compte pas).",
        },
        {
            "code": "coordinator_company",
            "status": "pass",
            "message": "Le chef de file Alpha est une entreprise.",
        },
        {
            "code": "labelled",
            "status": "pass",
            "message": "Labellisé par 2 pôle(s) : systematic, cap-digital.",
        },
        {
            "code": "territory_labelling_poles",
            "status": "pass",
            "message": "100 % des dépenses sont faites sur le territoire des pôles "
            "labellisateurs (minimum 50 %).",
        },
        {
            "code": "territory_lead_pole",
            "status": "pass",
            "message": "100 % des dépenses sont faites sur le territoire du pôle chef de file "
            "systematic (minimum 25 %).",
        },
        {
            "code": "partner_share_max",
            "status": "fail",
            "message": "Alpha porte 100 % des dépenses, au-delà du maximum de 70 % : "
            "répartissez davantage les travaux entre les partenaires.",
        },
        {
            "code": "lab_aid_share",
            "status": "pass",
            "message": "Les organismes de recherche et de formation demandent 0 % de l'aide "
            "(au-delà de 40 %, il faudrait le justifier).",
        },
        {
            "code": "sme_involvement",
            "status": "pass",
            "message": "PME ou ETI impliquées : Alpha.",
        },
        {
            "code": "aid_size",
            "status": "warn",
            "message": "Aide totale de 405 000 €, sous 750 000 € : un tel projet relève "
            "plutôt des aides à l'innovation de Bpifrance ; élargissez le programme ou "
            "orientez-le vers elles.",
        },
    ],
    "partners": [
        {"name": "Alpha", "category": "pme", "in_territory": True, "rate": 0.45, "aid_eur": 405000}
    ],
    "total_expenses_eur": 900000,
    "total_aid_eur": 405000,
}


@pytest.fixture
def paris_poles(db):
    return [
        PoleFactory(slug="systematic", main_region=RegionFactory(code="11")),
        PoleFactory(slug="cap-digital", main_region=RegionFactory(code="11")),
    ]


def write(tmp_path, data) -> Path:
    path = tmp_path / "consortium.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(path: Path, capsys) -> tuple[int, str, str]:
    """Run the command as `manage.py` does (exit code, stdout, stderr), on the test database."""
    code = 0
    try:
        Command().run_from_argv(["manage.py", "check_eligibility", str(path)])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_check_eligibility_prints_the_verdict_of_the_example(paris_poles, tmp_path, capsys):
    path = write(tmp_path, EXAMPLE)

    call_command("check_eligibility", str(path))
    out, err = capsys.readouterr()

    assert json.loads(out) == EXPECTED
    assert out.count("\n") == 1
    assert err == ""


def test_check_eligibility_with_the_real_poles(db, tmp_path, capsys):
    from poles.services import load_poles

    load_poles()
    path = write(tmp_path, EXAMPLE)

    call_command("check_eligibility", str(path))

    assert json.loads(capsys.readouterr().out) == EXPECTED


def test_check_eligibility_accepts_decimal_expenses(paris_poles, tmp_path, capsys):
    data = json.loads(json.dumps(EXAMPLE))
    data["partners"][0]["expenses_eur"] = 1010.5

    call_command("check_eligibility", str(write(tmp_path, data)))
    result = json.loads(capsys.readouterr().out)

    assert result["total_expenses_eur"] == 1010.5
    assert result["partners"][0]["aid_eur"] == 455  # 454.725 rounded to the euro


def with_partner(**changes):
    data = json.loads(json.dumps(EXAMPLE))
    data["partners"][0].update(changes)
    for key, value in changes.items():
        if value is KeyError:
            del data["partners"][0][key]
    return data


def with_request(**changes):
    data = json.loads(json.dumps(EXAMPLE))
    data.update(changes)
    return data


LAB = {
    "name": "Labo",
    "kind": "research",
    "region": "11",
    "expenses_eur": 100,
    "cost_basis": "marginal",
    "coordinator": False,
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "JSON invalide"),
        ("[]", "un objet JSON est attendu"),
        (with_request(call="fui-99"), "appel inconnu : fui-99"),
        (with_request(call=KeyError), "call manquant"),
        (with_request(labelling_poles=["systematic", "nowhere"]), "pôle inconnu : nowhere"),
        (with_request(labelling_poles="systematic"), "labelling_poles doit être une liste"),
        (with_request(partners=[]), "partners doit être une liste non vide"),
        (with_partner(employees=KeyError), "partenaire Alpha : employees manquant"),
        (with_partner(employees=None), "partenaire Alpha : employees manquant"),
        (
            with_partner(turnover_eur=None, balance_sheet_eur=None),
            "partenaire Alpha : turnover_eur ou balance_sheet_eur manquant",
        ),
        (with_partner(expenses_eur=-1), "partenaire Alpha : expenses_eur négatif"),
        (
            with_partner(expenses_eur="900000"),
            "partenaire Alpha : expenses_eur doit être un nombre",
        ),
        (with_partner(region=KeyError), "partenaire Alpha : region manquant"),
        (with_partner(name=KeyError), "partenaire n°1 : name manquant"),
        (with_partner(kind="startup"), "partenaire Alpha : kind « startup » inconnu"),
        (with_partner(coordinator=False), "aucun coordinateur"),
        (
            with_request(partners=[*EXAMPLE["partners"], {**LAB, "coordinator": True}]),
            "plusieurs coordinateurs (Alpha, Labo)",
        ),
        (
            with_request(partners=[*EXAMPLE["partners"], {**LAB, "cost_basis": None}]),
            "partenaire Labo : cost_basis manquant ou invalide",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_check_eligibility_rejects_invalid_input(paris_poles, tmp_path, capsys, data, message):
    if isinstance(data, dict) and data.get("call") is KeyError:
        del data["call"]

    code, out, err = run(write(tmp_path, data), capsys)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_check_eligibility_rejects_a_missing_file(paris_poles, tmp_path, capsys):
    code, out, err = run(tmp_path / "absent.json", capsys)

    assert code == 2
    assert err.count("\n") == 1
    assert "lecture impossible" in err


def test_check_eligibility_in_a_real_process_exits_2_without_traceback(tmp_path):
    path = write(tmp_path, "{not json")

    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "check_eligibility", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "JSON invalide" in result.stderr
    assert "Traceback" not in result.stderr
