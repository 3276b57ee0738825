"""The public record of funded projects (`funded:*`): what it shows, what it hides, filters,
query counts, and what counts as funded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding import review
from funding.dossiers import submit_project
from funding.models import Decision, DecisionOutcome, Funder, FunderMember, FunderRole
from projects import outcomes
from projects.models import ProjectPartner
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    EventFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    PoleFactory,
    ProjectFactory,
    RegionFactory,
    UserFactory,
    make_funded_project,
)
from tests.funding.dossier_setup import make_consortium
from tests.helpers import assert_same_query_count, page_text

SECRET_SUMMARY = "Résumé confidentiel du procédé breveté XQZ-42."


@pytest.fixture
def funded(member, company, lab, pole, other_pole):
    project = make_funded_project(
        actor=member,
        coordinator=company,
        partners=[lab],
        poles=[pole, other_pole],
        aids={company: 450_000, lab: 275_500},
        acronym="PUBLIC",
        title="Cellule robotisée publique",
        summary=SECRET_SUMMARY,
    )
    ProjectPartner.objects.filter(project=project, organisation=company).update(
        expenses_personnel_eur=987_654
    )
    return project


def test_funded_detail_shows_the_public_record(funded, company, lab, pole, other_pole, client):
    text = page_text(client.get(reverse("funded:detail", args=[funded.pk])))

    assert "PUBLIC — Cellule robotisée publique" in text
    assert funded.call.title in text
    assert pole.name in text and other_pole.name in text
    assert company.name in text and lab.name in text
    assert "État (test) : 450 000 €" in text
    assert "725 500 €" in text  # total aid


def test_funded_detail_links_published_partners_to_the_directory(funded, company, client):
    body = client.get(reverse("funded:detail", args=[funded.pk])).content.decode()

    assert f'href="{company.get_absolute_url()}"' in body


def test_funded_detail_hides_the_confidential_dossier(funded, client):
    body = client.get(reverse("funded:detail", args=[funded.pk])).content.decode()

    assert SECRET_SUMMARY not in body
    assert "987 654" not in body  # the budget
    assert "Projet solide" not in body


def test_funded_detail_shows_the_latest_outcomes_and_public_summary(funded, member, client):
    outcomes.report_outcome(
        actor=member,
        project=funded,
        stage="final",
        as_of=timezone.localdate() - timedelta(days=30),
        products_on_market=3,
        products_description="Description réservée au consortium.",
        jobs_created=11,
        jobs_kept=4,
        patents_filed=2,
        follow_on_funding_eur=2_000_000,
        follow_on_funding_sources="Source réservée",
        public_summary="Trois produits sur le marché européen.",
    )

    text = page_text(client.get(reverse("funded:detail", args=[funded.pk])))

    assert "Trois produits sur le marché européen." in text
    assert "11 emplois créés" in text
    assert "2 000 000 €" in text
    assert "Description réservée au consortium." not in text
    assert "Source réservée" not in text


def test_funded_detail_shows_the_event_it_was_born_at(funded, pole, client):
    event = EventFactory(
        pole=pole,
        title="Rendez-vous d'affaires robotique",
        starts_at=timezone.now() - timedelta(days=300),
        ends_at=timezone.now() - timedelta(days=300) + timedelta(hours=4),
    )
    type(funded).objects.filter(pk=funded.pk).update(origin_event=event)

    text = page_text(client.get(reverse("funded:detail", args=[funded.pk])))

    assert "Né lors de l'événement Rendez-vous d'affaires robotique" in text


def test_funded_detail_of_a_project_not_funded_answers_404(member, company, client):
    project = ProjectFactory(actor=member, coordinator=company, acronym="ENCOURS")

    response = client.get(reverse("funded:detail", args=[project.pk]))

    assert response.status_code == 404
    assert "ENCOURS" not in response.content.decode()


def test_funded_detail_of_a_decision_not_released_answers_404(funded, client):
    Decision.objects.filter(project=funded).update(released_at=None)

    response = client.get(reverse("funded:detail", args=[funded.pk]))

    assert response.status_code == 404


def test_funded_detail_ignores_released_refusals_of_other_funders(funded, client):
    region = Funder.objects.create(name="Région qui refuse", slug="region-refus", kind="region")
    Decision.objects.create(
        project=funded,
        call=funded.call,
        funder=region,
        outcome=DecisionOutcome.NOT_FUNDED,
        released_at=timezone.now(),
    )

    text = page_text(client.get(reverse("funded:detail", args=[funded.pk])))

    assert "Région qui refuse" not in text


def test_funded_list_shows_funded_projects_only(funded, member, company, client):
    ProjectFactory(actor=member, coordinator=company, acronym="ENCOURS")

    text = page_text(client.get(reverse("funded:list")))

    assert "PUBLIC" in text
    assert "ENCOURS" not in text
    assert "1 projet financé" in text


def test_funded_list_filters_by_pole_region_call_year_and_text(funded, member, company, client):
    elsewhere = OrganisationFactory(name="Bretagne Usinage", region=RegionFactory(code="53"))
    last_year = timezone.now() - timedelta(days=400)
    other = make_funded_project(
        coordinator=elsewhere,
        poles=[PoleFactory(name="Pôle Gamma")],
        acronym="AUTREFIN",
        released_at=last_year,
    )
    url = reverse("funded:list")

    def listed(**params):
        text = page_text(client.get(url, params))
        return [acronym for acronym in ("PUBLIC", "AUTREFIN") if acronym in text]

    assert listed() == ["PUBLIC", "AUTREFIN"]
    assert listed(pole="pole-alpha") == ["PUBLIC"]
    assert listed(region="53") == ["AUTREFIN"]
    assert listed(call=other.call.slug) == ["AUTREFIN"]
    assert listed(year=str(timezone.localtime(last_year).year)) == ["AUTREFIN"]
    assert listed(q="bretagne") == ["AUTREFIN"]
    assert listed(q="robotisée") == ["PUBLIC"]


def test_funded_list_query_count_does_not_grow_with_projects(client, pole, lab):
    def add_project():
        return make_funded_project(coordinator=OrganisationFactory(), partners=[lab], poles=[pole])

    assert_same_query_count(client, reverse("funded:list"), add_project, shows=lambda p: p.acronym)


def test_released_funding_through_the_review_makes_a_public_record(db, client):
    # Arrange: the real workflow (dossier, a manager's decision, the release)
    state = Funder.objects.create(name="État (DGE)", slug="etat-dge", kind="state")
    call = CallFactory(title="AAP FUI n°40")
    call.funders.add(state)
    manager = UserFactory(email="gestion@etat.example", totp=True)
    AffiliationFactory(user=manager, organisation=OtherOrganisationFactory(name="DGE"))
    FunderMember.objects.create(funder=state, user=manager, role=FunderRole.MANAGER)
    team = make_consortium(call=call, acronym="WORKFLOW")
    version = submit_project(actor=team.actor, project=team.project)
    lab = team.lab_part.organisation
    aid = review.requested_aid_by_organisation(version)[lab.slug]
    review.record_decision(
        actor=manager,
        project=team.project,
        call=call,
        funder=state,
        outcome=DecisionOutcome.FUNDED,
        aids={lab.pk: aid},
    )
    assert not outcomes.funded_projects().exists()  # held until the release

    # Act
    review.release_decisions(actor=manager, call=call)

    # Assert
    assert list(outcomes.funded_projects()) == [team.project]
    text = page_text(client.get(reverse("funded:detail", args=[team.project.pk])))
    assert f"État (DGE) : {aid:,} €".replace(",", " ") in text
