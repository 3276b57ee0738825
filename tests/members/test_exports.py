"""Exporting organisations from the admin, to CSV (re-importable) and XLSX."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members import exports, imports
from members.identifiers import make_siren, make_siret
from members.models import Membership, MembershipStatus, Organisation
from poles.services import load_regions
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    ResearchOrganisationFactory,
    TrainingOrganisationFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:members_organisation_changelist"
SIREN = make_siren("55210055")
SIRET = make_siret(SIREN, "0001")


@pytest.fixture(autouse=True)
def regions(db):
    load_regions()


@pytest.fixture
def competences(db):
    """Two entries of the vocabulary (made here: a test that flushes the database, such as a
    browser test, removes the ones the migration seeded)."""
    return [
        CompetenceFactory(slug="robotique", name="Robotique et cobotique"),
        CompetenceFactory(slug="cybersecurite", name="Cybersécurité"),
    ]


@pytest.fixture
def network(pole, other_pole, competences):
    """Alpha: Ateliers Durand (also in Bêta), Laboratoire Matériaux (pending); Bêta: an École."""
    durand = OrganisationFactory(
        name="Ateliers Durand",
        siren=SIREN,
        siret=SIRET,
        city="Toulouse",
        postcode="31000",
        region=None,
        website="https://durand.example",
        headcount=42,
        turnover_eur=6_000_000,
        balance_sheet_eur=4_000_000,
        description="Usinage de précision,\nsur deux lignes.",
    )
    durand.competences.set(competences)
    MembershipFactory(organisation=durand, pole=pole)
    MembershipFactory(organisation=durand, pole=other_pole)
    lab = ResearchOrganisationFactory(name="Laboratoire Matériaux")
    MembershipFactory(organisation=lab, pole=pole, status=MembershipStatus.PENDING)
    school = TrainingOrganisationFactory(name="École Bretonne")
    MembershipFactory(organisation=school, pole=other_pole)
    return durand, lab, school


def _export(client, action, organisations=None):
    data = {"action": action, "index": 0}
    if organisations is None:
        # "Select all N organisations": the browser also sends the rows of the page.
        data["select_across"] = "1"
        data["_selected_action"] = list(Organisation.objects.values_list("pk", flat=True)[:1])
    else:
        data["_selected_action"] = [o.pk for o in organisations]
    return client.post(reverse(CHANGELIST), data)


def _csv_rows(response) -> list[dict]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_export_csv_has_the_import_columns_and_values(client_for, admin, network):
    durand = network[0]

    response = _export(client_for(admin), "export_csv", [durand])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(imports.COLUMNS)
    assert _csv_rows(response) == [
        {
            "name": "Ateliers Durand",
            "kind": "company",
            "siren": SIREN,
            "siret": SIRET,
            "rnsr": "",
            "uai": "",
            "region": "",
            "city": "Toulouse",
            "postcode": "31000",
            "website": "https://durand.example",
            "employees": "42",
            "turnover_eur": "6000000",
            "balance_sheet_eur": "4000000",
            "competences": "cybersecurite;robotique",
            "description": "Usinage de précision,\nsur deux lignes.",
            "poles": "pole-alpha;pole-beta",
        }
    ]


def test_export_csv_lists_only_active_memberships(client_for, admin, network):
    response = _export(client_for(admin), "export_csv")

    poles = {row["name"]: row["poles"] for row in _csv_rows(response)}
    assert poles == {
        "Ateliers Durand": "pole-alpha;pole-beta",
        "École Bretonne": "pole-beta",
        "Laboratoire Matériaux": "",
    }


def test_export_csv_for_animator_lists_only_his_scope_and_poles(client_for, animator, network):
    response = _export(client_for(animator), "export_csv")

    rows = {row["name"]: row["poles"] for row in _csv_rows(response)}
    assert rows == {"Ateliers Durand": "pole-alpha", "Laboratoire Matériaux": ""}


def test_export_is_closed_to_non_staff(client_for, member, network):
    response = _export(client_for(member), "export_csv")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_export_csv_neutralises_formulas_and_reimports_them(client_for, admin, tmp_path):
    organisation = OrganisationFactory(name="=HYPERLINK(1)", description="- une liste")

    response = _export(client_for(admin), "export_csv", [organisation])

    row = _csv_rows(response)[0]
    assert (row["name"], row["description"]) == ("'=HYPERLINK(1)", "'- une liste")
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "imported 0, updated 0, rejected 0"


def test_export_xlsx_reads_back_with_openpyxl(client_for, admin, network):
    formula = OrganisationFactory(name="=1+1")

    response = _export(client_for(admin), "export_xlsx")

    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == imports.COLUMNS
    by_name = {row[0]: dict(zip(imports.COLUMNS, row, strict=True)) for row in rows[1:]}
    assert sorted(by_name) == ["=1+1", "Ateliers Durand", "Laboratoire Matériaux", "École Bretonne"]
    durand = by_name["Ateliers Durand"]
    assert (durand["siret"], durand["employees"], durand["turnover_eur"]) == (
        SIRET,
        42,
        6_000_000,
    )
    assert durand["poles"] == "pole-alpha;pole-beta"
    assert durand["description"] == "Usinage de précision,\nsur deux lignes."
    formula_cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == "=1+1")
    assert formula_cell.data_type == "s"
    assert formula.name == "=1+1"


def test_export_csv_round_trip_changes_nothing(client_for, admin, network, tmp_path):
    response = _export(client_for(admin), "export_csv")
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)

    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out)

    assert out.getvalue().splitlines() == ["imported 0, updated 0, rejected 0"]


def test_export_csv_round_trip_into_an_empty_base_rebuilds_the_organisations(
    client_for, admin, network, tmp_path
):
    fields = ["name", "kind", "siren", "siret", "rnsr", "uai", "city", "postcode", "website"]
    fields += ["headcount", "turnover_eur", "balance_sheet_eur", "description", "region_id"]
    fields += ["size_category"]
    before = sorted(Organisation.objects.values_list(*fields))
    competences = sorted(Organisation.competences.through.objects.values_list("competence__slug"))
    response = _export(client_for(admin), "export_csv")
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    Organisation.objects.all().delete()

    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out)

    assert out.getvalue().splitlines() == ["imported 3, updated 0, rejected 0"]
    assert sorted(Organisation.objects.values_list(*fields)) == before
    assert (
        sorted(Organisation.competences.through.objects.values_list("competence__slug"))
        == competences
    )
    assert set(Membership.objects.values_list("organisation__name", "pole__slug", "status")) == {
        ("Ateliers Durand", "pole-alpha", MembershipStatus.ACTIVE),
        ("Ateliers Durand", "pole-beta", MembershipStatus.ACTIVE),
        ("École Bretonne", "pole-beta", MembershipStatus.ACTIVE),
    }


def test_export_round_trip_as_animator_through_the_admin_import(
    client_for, animator, network, pole
):
    client = client_for(animator)
    exported = _export(client, "export_csv")
    upload = io.BytesIO(exported.content)
    upload.name = "export.csv"

    response = client.post(
        reverse("admin:members_organisation_import"), {"file": upload, "pole": pole.pk}
    )

    report = response.context["report"]
    assert (report.imported, report.updated, report.rejected) == (0, 0, 0)
    assert report.unchanged == 2


@pytest.mark.parametrize("action", ["export_csv", "export_xlsx"])
def test_export_query_count_same_with_one_or_three_organisations(
    client_for, admin, pole, action, competences
):
    client = client_for(admin)

    def add():
        organisation = OrganisationFactory()
        organisation.competences.set(competences)
        MembershipFactory(organisation=organisation, pole=pole)
        MembershipFactory(organisation=organisation, pole=PoleFactory())
        return organisation

    organisations = [add()]
    with CaptureQueriesContext(connection) as one:
        _export(client, action, organisations)
    organisations += [add(), add()]
    with CaptureQueriesContext(connection) as three:
        response = _export(client, action, organisations)

    assert response.status_code == 200
    assert len(three) == len(one)


def test_admin_changelist_offers_the_export_actions(client_for, animator, network):
    response = client_for(animator).get(reverse(CHANGELIST))

    choices = dict(response.context["action_form"].fields["action"].choices)
    assert (choices["export_csv"], choices["export_xlsx"]) == (
        "Exporter en CSV",
        "Exporter en XLSX",
    )


def test_export_as_animator_leaves_out_selected_organisations_outside_his_scope(
    client_for, animator, network
):
    durand, _lab, school = network

    response = _export(client_for(animator), "export_csv", [durand, school])

    assert [row["name"] for row in _csv_rows(response)] == ["Ateliers Durand"]
