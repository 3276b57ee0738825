"""Dashboards: each chart's figures equal the database's, its table's and its CSV's; a pôle's
dashboard counts that pôle only; a fixed number of queries whatever the amount of data."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Decision, DecisionAid, DossierVersion, Funder
from members.models import Membership, MembershipStatus
from projects.models import LabelRequest, OutcomeReport
from reporting.stats import CHARTS, Dashboard
from tests.factories import (
    CallFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text


def _at(year, month=6):
    return timezone.make_aware(datetime(year, month, 15, 12))


def funded_project(pole, *, year=2024, aid=(300_000, 200_000), funder=None, event=None):
    """A project labelled by `pole` in `year`, submitted, funded with `aid` euros (released)."""
    project = ProjectFactory()
    if event is not None:
        project.origin_event = event
        project.save(update_fields=["origin_event"])
    LabelRequest.objects.create(
        project=project, pole=pole, status="labelled", committee_date=date(year, 3, 1)
    )
    DossierVersion.objects.create(
        project=project,
        call=project.call,
        number=1,
        reference=f"REF-{project.pk}",
        submitted_at=_at(year, 4),
        submitted_by=UserFactory(),
        eligible=True,
        total_expenses_eur=1_000_000,
        total_aid_eur=sum(aid),
        content={},
    )
    funder = funder or Funder.objects.get_or_create(slug="etat", name="État", kind="state")[0]
    decision = Decision.objects.create(
        project=project,
        call=project.call,
        funder=funder,
        outcome="funded",
        released_at=_at(year, 9),
    )
    for amount in aid:
        DecisionAid.objects.create(
            decision=decision, organisation=OrganisationFactory(), amount_eur=amount
        )
    return project


def outcome(project, *, as_of, jobs_created=2, follow_on=100_000):
    return OutcomeReport.objects.create(
        project=project,
        stage="final",
        as_of=as_of,
        products_on_market=1,
        jobs_created=jobs_created,
        jobs_kept=3,
        patents_filed=1,
        follow_on_funding_eur=follow_on,
    )


@pytest.fixture
def alpha_data(pole, other_pole, company, lab):
    """Alpha: company + lab members, one funded project with an outcome, one event.

    Bêta (which must not count in Alpha): a member, a funded project, an event.
    """
    Membership.objects.filter(pole=pole).update(start_date=date(2022, 1, 1))
    event = EventFactory(pole=pole, starts_at=_at(2024, 5), ends_at=_at(2024, 5))
    for checked in (True, True, False):
        RegistrationFactory(event=event, checked_in_at=_at(2024, 5) if checked else None)
    RegistrationFactory(event=event, status="waiting")
    project = funded_project(pole, year=2024, event=event)
    outcome(project, as_of=date(2025, 1, 10), jobs_created=1, follow_on=50_000)
    outcome(project, as_of=date(2026, 1, 10), jobs_created=4, follow_on=120_000)  # latest
    # Bêta
    MembershipFactory(pole=other_pole, organisation=OrganisationFactory(name="Beta Industrie"))
    other_event = EventFactory(pole=other_pole, starts_at=_at(2023, 5), ends_at=_at(2023, 5))
    RegistrationFactory(event=other_event)
    funded_project(other_pole, year=2023, aid=(999_000,))
    return project


def _csv(client, url):
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _table_values(body: str, slug: str) -> list[int]:
    section = body.split(f'id="graphique-{slug}-tableau"')[1].split("</tbody>")[0]
    return [int(v) for v in re.findall(r'data-value="(\d+)"', section)]


def _svg_values(body: str, slug: str) -> list[int]:
    section = body.split(f'id="graphique-{slug}"')[1].split("</svg>")[0]
    return [int(v) for v in re.findall(r'data-value="(\d+)"', section)]


def test_pole_dashboard_counts_only_the_pole(alpha_data, pole, animator, client_for):
    dashboard = Dashboard(pole=pole)
    assert dashboard.chart("membres-par-type").value("company", "organisations") == 1
    assert dashboard.chart("membres-par-type").value("research", "organisations") == 1
    assert dashboard.chart("membres-par-region").value("76", "organisations") == 1  # lab
    assert dashboard.chart("membres-par-region").value("84", "organisations") == 1  # company
    per_year = dashboard.chart("projets-par-an")
    assert [row.key for row in per_year.rows] == ["2024"]
    assert per_year.rows[0].values == (1, 1, 1)
    assert dashboard.chart("aides-par-an").value("2024", "aide") == 500_000
    assert dashboard.chart("aides-par-an").value("2026", "financements_ensuite") == 120_000
    assert dashboard.chart("evenements-par-an").rows[0].values == (1, 3, 2)
    outcomes = dashboard.chart("retombees")
    assert outcomes.value("emplois_crees", "nombre") == 4  # the latest report only
    assert outcomes.value("projets", "nombre") == 1
    funnel = dashboard.chart("parcours")
    assert [row.values[0] for row in funnel.rows] == [3, 1, 1, 1, 1]


def test_network_dashboard_counts_every_pole(alpha_data):
    dashboard = Dashboard()
    assert dashboard.chart("membres-par-type").value("company", "organisations") == 2
    assert dashboard.chart("aides-par-an").value("2023", "aide") == 999_000
    assert dashboard.chart("aides-par-an").value("2025", "aide") == 0  # gap filled
    assert dashboard.chart("evenements-par-an").totals == (2, 4, 2)


def test_year_range_limits_the_charts_by_year(alpha_data):
    dashboard = Dashboard(start=2024, end=2024)
    assert [row.key for row in dashboard.chart("projets-par-an").rows] == ["2024"]
    assert dashboard.chart("parcours").rows[0].values == (3,)


@pytest.mark.parametrize("slug", CHARTS)
def test_chart_svg_table_and_csv_agree(alpha_data, pole, animator, client_for, slug):
    client = client_for(animator)
    body = client.get(reverse("dashboards:pole", kwargs={"slug": pole.slug})).content.decode()
    chart = Dashboard(pole=pole).chart(slug)
    expected = [value for row in chart.rows for value in row.values]
    assert not chart.is_empty
    assert _table_values(body, slug) == expected
    if chart.kind == "bars":
        assert _svg_values(body, slug) == expected
    else:
        regions = re.findall(r'data-region="(\d+)" data-value="(\d+)"', body)
        assert len(regions) == 18
        assert {code: int(v) for code, v in regions} == {
            row.key: row.values[0] for row in chart.rows
        }
    rows = _csv(client, reverse("dashboards:pole_csv", kwargs={"slug": pole.slug, "chart": slug}))
    width = len(chart.series)
    assert [int(v) for line in rows[1:] for v in line[-width:]] == expected
    assert [line[-width - 1] for line in rows[1:]] == [row.label for row in chart.rows]


def test_network_csv_of_aid_is_plain_integers(alpha_data, client):
    rows = _csv(client, reverse("dashboards:network_csv", kwargs={"chart": "aides-par-an"}))
    assert rows[0] == ["Année", "Aide accordée", "Financements obtenus ensuite"]
    assert ["2023", "999000", "0"] in rows
    assert ["2024", "500000", "0"] in rows


def test_network_table_writes_euros_the_french_way(alpha_data, client):
    text = page_text(client.get(reverse("dashboards:network")))
    assert "999 000 €" in text
    assert "PRJ" not in text  # aggregates only: no project named


def test_unknown_chart_is_404(client, pole, animator, client_for):
    assert client.get("/tableaux-de-bord/donnees/inconnu.csv").status_code == 404
    url = reverse("dashboards:pole_csv", kwargs={"slug": pole.slug, "chart": "inconnu"})
    assert client_for(animator).get(url).status_code == 404


def test_other_animator_gets_404_on_the_pole(pole, other_animator, client_for):
    response = client_for(other_animator).get(
        reverse("dashboards:pole", kwargs={"slug": pole.slug})
    )
    assert response.status_code == 404
    assert "Pôle Alpha" not in response.content.decode()


def test_empty_dashboard_says_no_data(client, db):
    text = page_text(client.get(reverse("dashboards:network")))
    assert text.count("Aucune donnée pour l'instant.") == len(CHARTS)
    assert "<svg" not in client.get(reverse("dashboards:network")).content.decode()


def test_bad_year_range_is_a_form_error(client, db):
    text = page_text(client.get(reverse("dashboards:network") + "?debut=2026&fin=2020"))
    assert "L'année de début doit précéder l'année de fin." in text


def _add_everything(pole):
    year = 2020 + OrganisationFactory._meta.model.objects.count() % 5

    def add():
        member = MembershipFactory(pole=pole, organisation=ResearchOrganisationFactory())
        event = EventFactory(pole=pole, starts_at=_at(year), ends_at=_at(year))
        RegistrationFactory(event=event, checked_in_at=_at(year))
        project = funded_project(pole, year=year, event=event)
        outcome(project, as_of=date(year + 1, 1, 1))
        return member

    return add


def test_network_dashboard_query_count_is_constant(client, pole):
    assert_same_query_count(
        client, reverse("dashboards:network"), _add_everything(pole), shows=None
    )


def test_pole_dashboard_query_count_is_constant(pole, animator, client_for):
    assert_same_query_count(
        client_for(animator),
        reverse("dashboards:pole", kwargs={"slug": pole.slug}),
        _add_everything(pole),
        shows=None,
    )


def test_lapsed_membership_counts_as_new_but_not_as_member(pole):
    MembershipFactory(pole=pole, status=MembershipStatus.LAPSED, start_date=date(2019, 1, 1))
    dashboard = Dashboard(pole=pole)
    assert dashboard.chart("nouvelles-adhesions").value("2019", "adhesions") == 1
    assert dashboard.chart("membres-par-type").totals == (0,)


def test_calls_are_not_needed_twice(db):
    CallFactory()  # a call without projects changes nothing
    assert Dashboard().chart("projets-par-an").rows == ()


def test_network_dashboard_links_an_animator_to_his_pole(pole, other_pole, animator, client_for):
    body = client_for(animator).get(reverse("dashboards:network")).content.decode()
    assert reverse("dashboards:pole", kwargs={"slug": pole.slug}) in body
    assert reverse("dashboards:pole", kwargs={"slug": other_pole.slug}) not in body


def test_pages_have_no_inline_style_or_script(alpha_data, pole, animator, client_for):
    body = client_for(animator).get(reverse("dashboards:pole", kwargs={"slug": pole.slug}))
    html = body.content.decode()
    assert " style=" not in html
    assert "<script>" not in html
