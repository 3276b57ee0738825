"""Issue 7: every page costs at most `BUDGET` SQL queries, whatever the size of its data.

Each page is requested as served (session, user, the portal's roles, two-factor checks and
the page's own queries all count), for each persona that sees it, once with one item of
each list and once with more: the count stays under the budget and does not grow, and the
page still shows what it lists.
"""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.dossiers import submit_project
from funding.models import Criterion
from funding.review import assign_reviewer, record_decision, release_decisions
from members.models import AffiliationRole
from projects import consortium
from tests.factories import (
    AffiliationFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    ProjectFactory,
    ResearchOrganisationFactory,
    UserFactory,
    add_partner,
)
from tests.funding.dossier_setup import attach_pdf, make_consortium, set_expenses
from tests.helpers import page_text
from tests.matrix_committee import funder_person, open_call, submit_review, submitted_dossier

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture
def client_for():
    """Signed in as allauth leaves a session after a sign-in with the authenticator code (what
    staff, superusers and funders do), so that the middleware needs not ask for their app."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
            session = client.session
            session["account_authentication_methods"] = [
                {"method": "password", "at": time.time(), "email": user.email},
                {"method": "mfa", "at": time.time(), "type": "totp"},
            ]
            session.save()
        return client

    return make


def _measure(client, url: str, status: int = 200) -> tuple[int, str, list[str]]:
    """The queries of one request as served (after a first request: per-process caches such
    as the content types or the translations' catalogues do not count)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, f"GET {url} answered {response.status_code}"
    return len(captured), page_text(response), [query["sql"] for query in captured]


def _within_budget(count: int, queries: list[str], url: str) -> None:
    assert count <= BUDGET, f"{url}: {count} queries (budget {BUDGET}):\n" + "\n".join(queries)


def _same_count(before: int, after: int, queries: list[str], url: str) -> None:
    assert after == before, f"{url}: {before} queries, then {after} with more data:\n" + "\n".join(
        queries
    )


# --- the project page -------------------------------------------------------------------------


class ProjectWorld:
    """An open project of `company` (coordinator, `member`) with `lab` as partner, asked for
    a label from `pole` (its `animator` sees it), a competence, a pending invitation and an
    attachment; `grow()` adds partners, label requests, invitations and attachments."""

    def __init__(self, member, company, lab, pole):
        self.member = member
        self.project = ProjectFactory(
            actor=member, coordinator=company, acronym="BUDGETPRJ", title="Projet mesuré"
        )
        self.project.competences.set([CompetenceFactory(name="Robotique collaborative")])
        self.coordinator_part = self.project.partners.get(organisation=company)
        set_expenses(self.coordinator_part, 200_000)
        lab_part = add_partner(self.project, lab, role="Essais", cost_basis="marginal")
        set_expenses(lab_part, 100_000)
        self.partner_names = [company.name, lab.name]
        consortium.request_labels(actor=member, project=self.project, poles=[pole])
        self.pole_names = [pole.name]
        self.invited_names = []
        self.invite()
        attach_pdf(member, self.coordinator_part, title="Lettre de soutien n°1")
        self.attachment_titles = ["Lettre de soutien n°1"]

    def invite(self):
        organisation = OrganisationFactory()
        consortium.invite_organisation(
            actor=self.member, project=self.project, organisation=organisation
        )
        self.invited_names.append(organisation.name)

    def grow(self):
        for index in range(3):
            organisation = OrganisationFactory(name=f"Partenaire supplémentaire {index}")
            set_expenses(add_partner(self.project, organisation, role="Intégrateur"), 50_000)
            self.partner_names.append(organisation.name)
        poles = [PoleFactory(name=f"Pôle supplémentaire {index}") for index in range(2)]
        consortium.request_labels(actor=self.member, project=self.project, poles=poles)
        self.pole_names += [pole.name for pole in poles]
        for _index in range(2):
            self.invite()
        for index in (2, 3):
            title = f"Lettre de soutien n°{index}"
            attach_pdf(self.member, self.coordinator_part, title=title, name=f"s{index}.pdf")
            self.attachment_titles.append(title)

    def shows_everything(self, text: str) -> None:
        assert "BUDGETPRJ" in text
        assert "Robotique collaborative" in text
        for name in [*self.partner_names, *self.pole_names, *self.invited_names]:
            assert name in text, f"{name!r} is not on the project page"
        for title in self.attachment_titles:
            assert title in text


@pytest.fixture
def project_world(member, company, lab, pole):
    return ProjectWorld(member, company, lab, pole)


@pytest.mark.parametrize("persona", ["member", "lab_member", "animator", "admin"], indirect=True)
def test_project_page_stays_within_budget_as_the_project_grows(client_for, persona, project_world):
    # Arrange
    client = client_for(persona)
    url = reverse("consortium:detail", args=[project_world.project.pk])
    before, text, _queries = _measure(client, url)
    project_world.shows_everything(text)
    project_world.grow()

    # Act
    after, text, queries = _measure(client, url)

    # Assert
    project_world.shows_everything(text)
    _within_budget(before, queries, url)
    _within_budget(after, queries, url)
    _same_count(before, after, queries, url)


def test_project_page_of_the_coordinator_shows_the_fixes_within_budget(
    client_for, member, project_world
):
    # Arrange: a research lab of the directory sharing the project's competence.
    lab = ResearchOrganisationFactory(name="Institut des Cobots")
    lab.competences.set(project_world.project.competences.all())
    url = reverse("consortium:detail", args=[project_world.project.pk])

    # Act
    count, text, queries = _measure(client_for(member), url)

    # Assert
    assert "Partenaires qui lèveraient un blocage" in text
    assert "Inviter des partenaires" in text  # the coordinator's own actions
    _within_budget(count, queries, url)


@pytest.mark.parametrize("persona", ["funder", "outsider"], indirect=True)
def test_project_page_outside_the_project_is_not_found_within_budget(
    client_for, persona, project_world
):
    # Funders read submitted dossiers through the committee and review pages, not this one.
    url = reverse("consortium:detail", args=[project_world.project.pk])

    count, text, queries = _measure(client_for(persona), url, status=404)

    assert "BUDGETPRJ" not in text
    _within_budget(count, queries, url)


class SubmittedWorld:
    """An eligible, labelled project of `company` (coordinator, `member`) with `lab`,
    submitted to a call of `world_funder`, also asked for a label from `pole`."""

    def __init__(self, member, company, lab, pole, funder):
        self.call = open_call(funder, title="Appel mesuré")
        self.team = make_consortium(
            call=self.call, actor=member, coordinator=company, lab=lab, acronym="DEPOSE"
        )
        self.project = self.team.project
        self.versions = [submit_project(actor=member, project=self.project)]
        consortium.request_labels(actor=member, project=self.project, poles=[pole])

    def grow(self):
        for _index in range(2):
            self.versions.append(submit_project(actor=self.team.actor, project=self.project))


@pytest.fixture
def submitted_world(member, company, lab, pole, world_funder):
    return SubmittedWorld(member, company, lab, pole, world_funder)


@pytest.mark.parametrize("persona", ["member", "lab_member", "animator", "admin"], indirect=True)
def test_project_page_of_a_submitted_project_stays_within_budget_as_versions_add_up(
    client_for, persona, submitted_world
):
    # Arrange
    client = client_for(persona)
    url = reverse("consortium:detail", args=[submitted_world.project.pk])
    before, text, _queries = _measure(client, url)
    assert submitted_world.versions[0].reference in text
    submitted_world.grow()

    # Act
    after, text, queries = _measure(client, url)

    # Assert
    for version in submitted_world.versions:
        assert version.reference in text
    assert "Version 3" in text
    _within_budget(after, queries, url)
    _same_count(before, after, queries, url)


@pytest.mark.parametrize("persona", ["member", "animator", "admin"], indirect=True)
def test_project_page_with_released_decisions_stays_within_budget(
    client_for, persona, submitted_world, world_funder, funder_manager, member
):
    # Arrange: the funder funds the project, its reviewer's comment for the applicants, and
    # the decision is released; the coordinator reports outcomes.
    team = submitted_world.team
    # Every list of the page at once: an attachment, a pending invitation, a competence.
    attach_pdf(member, team.coordinator_part, title="Lettre de soutien finale")
    consortium.invite_organisation(
        actor=member, project=submitted_world.project, organisation=OrganisationFactory()
    )
    submitted_world.project.competences.set([CompetenceFactory(name="Cryogénie")])
    reviewer = funder_person(world_funder, "relecteur@example.org")
    assignment = assign_reviewer(
        actor=funder_manager,
        project=submitted_world.project,
        call=submitted_world.call,
        reviewer=reviewer,
        funder=world_funder,
    )
    submit_review(assignment, (4, 4, 4, 4, 4), applicants="Un marché bien étudié.")
    record_decision(
        actor=funder_manager,
        project=submitted_world.project,
        call=submitted_world.call,
        funder=world_funder,
        outcome="funded",
        aids={
            team.coordinator_part.organisation_id: 120_000,
            team.company_part.organisation_id: 80_000,
            team.lab_part.organisation_id: 60_000,
        },
    )
    release_decisions(actor=funder_manager, call=submitted_world.call)
    url = reverse("consortium:detail", args=[submitted_world.project.pk])

    # Act
    count, text, queries = _measure(client_for(persona), url)

    # Assert
    if persona.email != "animator@example.org":  # the decision: applicants and admins
        assert "Décision des financeurs" in text
        assert "Un marché bien étudié." in text
    assert "Retombées" in text
    assert "Lettre de soutien finale" in text and "Cryogénie" in text
    _within_budget(count, queries, url)


# --- the call's ranking -----------------------------------------------------------------------


class RankingWorld:
    """A call of `world_funder` with dossiers, each reviewed twice and decided."""

    def __init__(self, funder, manager):
        self.funder, self.manager = funder, manager
        self.call = open_call(funder, title="Appel classé")
        self.reviewers = [funder_person(funder, f"eval{i}@example.org") for i in range(2)]
        self.acronyms = []
        self.add_dossier("UN")

    def add_dossier(self, acronym):
        version = submitted_dossier(self.call, acronym=acronym)
        for reviewer in self.reviewers:
            assignment = assign_reviewer(
                actor=self.manager,
                project=version.project,
                call=self.call,
                reviewer=reviewer,
                funder=self.funder,
            )
            submit_review(assignment, (3, 4, 3, 4, 3))
        record_decision(
            actor=self.manager,
            project=version.project,
            call=self.call,
            funder=self.funder,
            outcome="funded",
            aids={version.project.coordinator_id: 10_000},
        )
        self.acronyms.append(acronym)

    def grow(self):
        self.add_dossier("DEUX")
        self.add_dossier("TROIS")
        Criterion.objects.create(
            call=self.call, code="ancrage", name="Impact régional", weight=1, position=99
        )


@pytest.mark.parametrize("persona", ["funder_manager", "admin"], indirect=True)
def test_ranking_page_stays_within_budget_as_dossiers_reviews_and_criteria_add_up(
    client_for, persona, world_funder, funder_manager
):
    # Arrange
    world = RankingWorld(world_funder, funder_manager)
    client = client_for(persona)
    url = reverse("committee:ranking", args=[world.call.slug])
    before, text, _queries = _measure(client, url)
    assert "UN" in text.split()
    world.grow()

    # Act
    after, text, queries = _measure(client, url)

    # Assert
    for acronym in world.acronyms:
        assert acronym in text.split(), f"{acronym} is not ranked"
    assert "Impact régional" in text
    _within_budget(before, queries, url)
    _within_budget(after, queries, url)
    _same_count(before, after, queries, url)


# --- the organisation page --------------------------------------------------------------------


class OrganisationWorld:
    """`company` with a membership, a competence, a contact and a published project;
    `grow()` adds two of each."""

    def __init__(self, company, member):
        self.company, self.member = company, member
        self.names = []
        self.add(0)

    def add(self, index):
        pole = PoleFactory(name=f"Pôle adhérent {index}")
        MembershipFactory(organisation=self.company, pole=pole)
        competence = CompetenceFactory(name=f"Compétence mesurée {index}")
        self.company.competences.add(competence)
        contact = UserFactory(first_name="Contact", last_name=f"Numéro{index}")
        AffiliationFactory(
            user=contact, organisation=self.company, is_contact=True, role=AffiliationRole.MEMBER
        )
        project = ProjectFactory(
            actor=self.member,
            coordinator=self.company,
            acronym=f"PUBLIE{index}",
            is_published=True,
        )
        add_partner(project, OrganisationFactory(name=f"Partenaire publié {index}"))
        self.names += [pole.name, competence.name, f"Numéro{index}", f"PUBLIE{index}"]

    def grow(self):
        self.add(1)
        self.add(2)


@pytest.mark.parametrize(
    "persona", ["anonymous", "outsider", "member", "lab_member", "animator", "admin"], indirect=True
)
def test_organisation_page_stays_within_budget_as_the_organisation_grows(
    client_for, persona, company, member
):
    # Arrange
    world = OrganisationWorld(company, member)
    client = client_for(persona)
    url = reverse("members:organisation", args=[company.slug])
    before, text, _queries = _measure(client, url)
    assert company.name in text
    world.grow()

    # Act
    after, text, queries = _measure(client, url)

    # Assert
    shown = [name for name in world.names if "Numéro" not in name]
    for name in shown:
        assert name in text, f"{name!r} is not on the organisation page"
    if persona is not None and persona.email != "outsider@example.org":
        assert "Numéro2" in text  # contacts, for members of the network
    _within_budget(after, queries, url)
    _same_count(before, after, queries, url)


# --- the admin's organisation search ----------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    # The animator's admin used to cost 70 queries: every ModelAdmin's permission hooks
    # asked is_pole_staff, now answered from the roles read once per request.
    ["admin", "animator"],
    indirect=True,
)
def test_admin_organisation_search_stays_within_budget_as_matches_add_up(client_for, persona, pole):
    # Arrange
    def add(index):
        organisation = OrganisationFactory(name=f"Cobotique Mesurée {index}")
        MembershipFactory(organisation=organisation, pole=pole)
        return organisation

    names = [add(0).name]
    client = client_for(persona)
    url = reverse("admin:members_organisation_changelist") + "?q=cobotique"
    before, text, _queries = _measure(client, url)
    names += [add(1).name, add(2).name]

    # Act
    after, text, queries = _measure(client, url)

    # Assert
    for name in names:
        assert name in text
    _within_budget(after, queries, url)
    _same_count(before, after, queries, url)
