"""Open data (`opendata:*`): the documentation page, the organisations and funded projects
files in CSV and JSON, parsed back; privacy; a fixed number of queries per file."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Organisation
from reporting import opendata
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    make_funded_project,
)
from tests.helpers import page_text

SECRET_EMAIL = "direction.secrete@ateliers-durand.example"
SECRET_PHONE = "01 23 45 67 89"


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert not body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def json_document(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content.decode("utf-8"))


@pytest.fixture
def directory(company, lab, unpublished, member, pole):
    Organisation.objects.filter(pk=company.pk).update(
        contact_email=SECRET_EMAIL,
        phone=SECRET_PHONE,
        website="https://ateliers-durand.example",
        postcode="31000",
    )
    company.competences.add(CompetenceFactory(name="Usinage de précision"))
    return company


def test_opendata_index_documents_the_files_and_licence(client):
    text = page_text(client.get(reverse("opendata:index")))

    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in text
    assert "UTF-8" in text and "virgule" in text and "En direct" in text
    for dataset in opendata.DATASETS:
        assert str(dataset.title) in text
        for name in dataset.field_names:
            assert name in text
    assert "organisations.csv" in text and "projets-finances.json" in text


def test_organisations_csv_lists_published_organisations_with_public_fields(
    directory, lab, unpublished, pole, client
):
    rows = csv_rows(client.get(reverse("opendata:organisations_csv")))

    assert list(rows[0]) == opendata.ORGANISATIONS.field_names
    by_name = {row["nom"]: row for row in rows}
    assert set(by_name) == {directory.name, lab.name}
    row = by_name[directory.name]
    assert row["type"] == "company"
    assert row["siren"] == directory.siren
    assert row["code_postal"] == "31000"
    assert row["site_web"] == "https://ateliers-durand.example"
    assert row["competences"] == "Usinage de précision"
    assert row["poles"] == "Alpha"
    assert row["url_annuaire"] == f"http://testserver{directory.get_absolute_url()}"


def test_organisations_files_never_show_contacts_or_unpublished_organisations(
    directory, unpublished, member, client
):
    csv_body = b"".join(
        client.get(reverse("opendata:organisations_csv")).streaming_content
    ).decode()
    json_body = client.get(reverse("opendata:organisations_json")).content.decode()

    for body in (csv_body, json_body):
        assert SECRET_EMAIL not in body
        assert SECRET_PHONE not in body
        assert member.email not in body
        assert "Marc Durand" not in body  # the people working for it
        assert unpublished.name not in body


def test_organisations_csv_lists_only_active_memberships(directory, other_pole, client):
    MembershipFactory(organisation=directory, pole=other_pole, status="pending")

    rows = csv_rows(client.get(reverse("opendata:organisations_csv")))

    assert {row["nom"]: row["poles"] for row in rows}[directory.name] == "Alpha"


def test_organisations_json_has_its_envelope(directory, lab, client):
    document = json_document(client.get(reverse("opendata:organisations_json")))

    assert set(document) == {"generated_at", "licence", "source", "results"}
    assert document["licence"] == "Licence Ouverte / Open Licence 2.0 (Etalab)"
    assert document["source"] == "http://testserver/donnees/organisations.json"
    first = next(item for item in document["results"] if item["nom"] == directory.name)
    assert first["competences"] == ["Usinage de précision"]
    assert first["poles"] == ["Alpha"]


def test_organisations_csv_keeps_a_formula_like_name_as_text_and_json_unchanged(pole, client):
    organisation = OrganisationFactory(name="=HYPERLINK(1) Outils")
    MembershipFactory(organisation=organisation, pole=pole)

    rows = csv_rows(client.get(reverse("opendata:organisations_csv")))
    document = json_document(client.get(reverse("opendata:organisations_json")))

    assert "'=HYPERLINK(1) Outils" in [row["nom"] for row in rows]
    assert "=HYPERLINK(1) Outils" in [item["nom"] for item in document["results"]]


@pytest.fixture
def funded(member, company, lab, pole):
    return make_funded_project(
        actor=member,
        coordinator=company,
        partners=[lab],
        poles=[pole],
        aids={company: 300_000, lab: 150_000},
        acronym="OUVERT",
        title="Projet des données ouvertes",
        summary="Résumé confidentiel à ne pas publier.",
    )


def test_funded_projects_csv_lists_aid_per_partner_and_funder(funded, company, lab, client):
    rows = csv_rows(client.get(reverse("opendata:funded_projects_csv")))

    assert list(rows[0]) == opendata.FUNDED_PROJECTS.field_names
    [row] = rows
    assert row["acronyme"] == "OUVERT"
    assert row["appel"] == funded.call.title
    assert row["poles"] == "Alpha"
    assert row["partenaires"] == f"{company.name} ; {lab.name}"
    assert row["aide_totale_eur"] == "450000"
    assert row["aides"] == (
        f"{company.name} | État (test) | 300000 ; {lab.name} | État (test) | 150000"
    )
    assert row["url"] == f"http://testserver{reverse('funded:detail', args=[funded.pk])}"


def test_funded_projects_json_parses_back(funded, company, client):
    document = json_document(client.get(reverse("opendata:funded_projects_json")))

    [project] = document["results"]
    assert project["aide_totale_eur"] == 450_000
    assert project["aides"][0] == {
        "partenaire": company.name,
        "siren": company.siren,
        "financeur": "État (test)",
        "montant_eur": 300_000,
    }
    assert "Résumé confidentiel" not in json.dumps(document, ensure_ascii=False)


def test_funded_projects_files_leave_out_projects_not_funded(funded, member, company, client):
    from tests.factories import ProjectFactory

    ProjectFactory(actor=member, coordinator=company, acronym="ENCOURS")

    rows = csv_rows(client.get(reverse("opendata:funded_projects_csv")))

    assert [row["acronyme"] for row in rows] == ["OUVERT"]


def _queries(client, url) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(captured), body


@pytest.mark.parametrize(
    "name",
    [
        "opendata:organisations_csv",
        "opendata:organisations_json",
        "opendata:funded_projects_csv",
        "opendata:funded_projects_json",
    ],
)
def test_opendata_file_query_count_does_not_grow_with_rows(name, pole, lab, client):
    competence = CompetenceFactory()

    def add():
        organisation = OrganisationFactory()
        organisation.competences.add(competence)
        MembershipFactory(organisation=organisation, pole=pole)
        make_funded_project(coordinator=organisation, partners=[lab], poles=[pole])
        return organisation

    url = reverse(name)
    add()
    client.get(url)
    with_one, body_one = _queries(client, url)
    added = [add(), add()]
    with_three, body_three = _queries(client, url)

    assert added[-1].name.encode() in body_three
    assert with_three == with_one
