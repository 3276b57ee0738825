"""Demo partner searches, on top of the demo network."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from funding import dossiers, review
from funding.dossiers import call_is_open
from funding.models import (
    Assignment,
    AssignmentStatus,
    Call,
    DossierVersion,
    FunderMember,
    Review,
    ReviewStatus,
)
from funding.permissions import can_manage_call
from members import demo as member_demo
from poles.models import Pole
from projects import consortium
from projects.demo import DEMO_LAB, ProjectSeedResult, seed_partner_searches, seed_projects
from projects.fixes import suggest_partners
from projects.models import (
    InterestStatus,
    InvitationStatus,
    LabelStatus,
    PartnerSearch,
    Project,
    ProjectStatus,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_network():
    """The demo network without its partner searches (seed_demo adds them: removed here)."""
    member_demo.seed_demo(organisations=40, seed=3)
    PartnerSearch.objects.all().delete()


def _snapshot():
    return sorted(
        PartnerSearch.objects.values_list("organisation__name", "title", "kinds_wanted", "status")
    )


def test_seed_partner_searches_gives_demo_company_a_search_with_pending_interest(demo_network):
    result = seed_partner_searches(random.Random(1))

    search = PartnerSearch.objects.get(author__email="entreprise@poles.example")
    assert search.is_live
    assert search.organisation.name == "Cobotix (démo)"
    pending = search.interests.filter(status=InterestStatus.PENDING)
    assert "labo@poles.example" in set(pending.values_list("user__email", flat=True))
    assert result.partner_searches == PartnerSearch.objects.count() > 5
    assert result.interests >= 2


def test_seed_demo_includes_partner_searches_and_counts_them():
    result = member_demo.seed_demo(organisations=40, seed=3)

    assert result.partner_searches == PartnerSearch.objects.count() > 5
    assert result.interests >= 2
    assert PartnerSearch.objects.filter(author__email="entreprise@poles.example").exists()


def test_seed_partner_searches_same_seed_same_searches_and_second_run_adds_nothing(
    demo_network,
):
    seed_partner_searches(random.Random(7))
    first = _snapshot()
    PartnerSearch.objects.all().delete()
    seed_partner_searches(random.Random(7))

    again = seed_partner_searches(random.Random(8))

    assert _snapshot() == first
    assert (again.partner_searches, again.interests) == (0, 0)


# --- The open demo call and the demo projects ----------------------------------------------------


@pytest.fixture
def demo_database(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return member_demo.seed_demo(organisations=40, seed=3)


def _user(email):
    return get_user_model().objects.get(email=email)


def test_seed_demo_opens_a_demo_call_with_the_fui_25_rates(demo_database):

    call = Call.objects.get(slug="fui-26-demo")
    fui_25 = Call.objects.get(slug="fui-25")

    assert (call.title, call.scheme, call.number) == ("AAP FUI n°26 (démonstration)", "FUI", 26)
    assert call_is_open(call)
    now = timezone.now()
    assert timedelta(days=29) < now - call.opens_at < timedelta(days=31)
    assert timedelta(days=89) < call.closes_at - now < timedelta(days=91)
    assert call.rules() == fui_25.rules()


def test_seed_demo_flagship_project_waits_for_the_demo_lab(demo_database):

    project = Project.objects.get(acronym="VISIOCOB")
    parts = list(project.partners.select_related("organisation"))

    assert project.coordinator.name == "Cobotix (démo)"
    assert project.call.slug == "fui-26-demo"
    assert project.status == ProjectStatus.CONSORTIUM
    assert project.competences.count() >= 3
    assert [part.organisation.name for part in parts][0] == "Cobotix (démo)"
    (other,) = parts[1:]
    assert other.organisation.kind == "company"
    assert other.organisation.group_name == ""
    assert all(part.total_expenses_eur > 0 and part.rd_region_id == "11" for part in parts)
    assert all(part.role for part in parts)
    (invitation,) = project.invitations.filter(status=InvitationStatus.PENDING)
    assert invitation.organisation.name == "Laboratoire d'informatique de Palaiseau (démo)"
    assert list(consortium.invitations_for(_user("labo@poles.example"))) == [invitation]
    assert not project.label_requests.exists()
    assert consortium.evaluate_project(project).complete


def test_demo_journey_from_the_flagship_project_to_a_submitted_dossier(demo_database):

    project = Project.objects.get(acronym="VISIOCOB")
    coordinator = _user("entreprise@poles.example")
    lab_user = _user("labo@poles.example")
    (invitation,) = consortium.invitations_for(lab_user)

    consortium.answer_invitation(actor=lab_user, invitation=invitation, accept=True)
    part = project.partners.get(organisation__name=DEMO_LAB)
    consortium.update_part(
        actor=lab_user,
        partner=part,
        version=part.version,
        expenses_personnel_eur=420_000,
        cost_basis="marginal",
    )
    hard = consortium.evaluate_project(project).verdict
    assert [c.code for c in hard.checks if c.status == "fail"] == [
        "labelled",
        "territory_labelling_poles",
        "territory_lead_pole",
    ]
    (request,) = consortium.request_labels(
        actor=coordinator, project=project, poles=[Pole.objects.get(slug="systematic")]
    )
    consortium.decide_label(
        actor=_user("animateur@poles.example"),
        label_request=request,
        labelled=True,
        committee_date=timezone.localdate(),
    )
    evaluation = consortium.evaluate_project(project)
    assert {c.status for c in evaluation.verdict.checks} == {"pass"}

    version = dossiers.submit_project(actor=coordinator, project=project)

    assert version.reference == f"FUI-26-DEMO-{project.pk:05d}-v1"
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED


def test_seed_demo_flagship_fixes_suggest_labs_but_not_the_invited_one(demo_database):

    project = Project.objects.get(acronym="VISIOCOB")

    fixes = suggest_partners(
        project, consortium.evaluate_project(project), user=_user("entreprise@poles.example")
    )

    (fix,) = [fix for fix in fixes if fix.code == "min_research_training"]
    names = [organisation.name for organisation, _reasons in fix.organisations]
    assert names
    assert DEMO_LAB not in names
    assert all(
        organisation.kind in ("research", "training") for organisation, _ in fix.organisations
    )


def test_seed_demo_other_projects_are_labelled_and_published(demo_database):

    labelled = Project.objects.get(acronym="INSPECTAL")
    published = Project.objects.get(acronym="HYDROLOG")

    assert labelled.status == ProjectStatus.LABELLED
    (label,) = labelled.label_requests.all()
    assert (label.pole.slug, label.status, label.is_lead) == (
        "systematic",
        LabelStatus.LABELLED,
        True,
    )
    assert label.decided_by.email == "animateur@poles.example"
    assert labelled.partners.filter(organisation__name="Cobotix (démo)").exists()
    assert (published.status, published.is_published) == (ProjectStatus.SUBMITTED, True)
    # (The funded projects of the past demo call, seed_outcomes, are published too.)
    assert list(Project.objects.published().filter(call__slug="fui-26-demo")) == [published]
    assert published.partners.filter(organisation__name=DEMO_LAB).exists()
    (version,) = DossierVersion.objects.filter(project=published)
    assert (version.project, version.number, version.eligible) == (published, 1, True)
    open_call = Project.objects.filter(call__slug="fui-26-demo")
    assert demo_database.projects == open_call.count() == 5
    assert demo_database.dossiers == DossierVersion.objects.filter(call__slug="fui-26-demo").count()
    assert demo_database.dossiers == 3


def test_seed_projects_second_run_adds_nothing(demo_database):

    again = seed_projects(random.Random(5))

    assert (again.projects, again.calls, again.dossiers, again.assignments) == (0, 0, 0, 0)
    assert Project.objects.filter(call__slug="fui-26-demo").count() == 5
    assert Assignment.objects.count() == 3
    assert Call.objects.filter(slug="fui-26-demo").count() == 1


def test_add_missing_projects_tops_up_a_demo_database_without_projects(monkeypatch):
    # A demo database seeded before the projects existed.
    monkeypatch.setattr("projects.demo.seed_projects", lambda rng, **kwargs: ProjectSeedResult())
    monkeypatch.setattr("members.demo.seed_network_life", lambda **kwargs: {})
    member_demo.seed_demo(organisations=30, seed=3)
    monkeypatch.undo()
    assert not Project.objects.exists()

    added = member_demo.add_missing_projects(seed=3)

    assert added == Project.objects.count() == 5
    assert Call.objects.filter(slug="fui-26-demo").exists()
    assert member_demo.add_missing_projects(seed=3) == 0


def test_add_missing_projects_leaves_a_database_without_the_demo_company_alone():
    OrganisationFactory(name="Vraie Entreprise")

    assert member_demo.add_missing_projects(seed=3) == 0
    assert not Project.objects.exists()
    assert not Call.objects.filter(slug="fui-26-demo").exists()


# --- The review of the demo call by its funders -------------------------------------------------

REVIEW_DOSSIERS = ["CYBERGRID", "HYDROLOG", "RADIOSCAN"]


def test_seed_demo_submits_three_eligible_labelled_dossiers_without_cobotix(demo_database):
    versions = DossierVersion.objects.filter(call__slug="fui-26-demo").select_related("project")

    assert sorted(v.project.acronym for v in versions) == REVIEW_DOSSIERS
    assert all(v.eligible and v.number == 1 for v in versions)
    for acronym in ("CYBERGRID", "RADIOSCAN"):
        project = Project.objects.get(acronym=acronym)
        names = set(project.partners.values_list("organisation__name", flat=True))
        kinds = sorted(project.partners.values_list("organisation__kind", flat=True))
        assert project.status == ProjectStatus.SUBMITTED
        assert len(names) == 3
        assert kinds in (["company", "company", "research"], ["company", "company", "training"])
        assert project.coordinator.kind == "company"
        assert "Cobotix (démo)" not in names
        assert DEMO_LAB not in names
        (label,) = project.label_requests.all()
        assert (label.pole.slug, label.status) == ("systematic", LabelStatus.LABELLED)


def test_seed_demo_gives_the_demo_call_its_three_funders(demo_database):
    call = Call.objects.get(slug="fui-26-demo")

    funders = {funder.slug: funder for funder in call.funders.all()}

    assert set(funders) == {"etat-fui", "bpifrance", "region-ile-de-france"}
    assert funders["bpifrance"].organisation.name == "Bpifrance (démo)"
    assert (funders["region-ile-de-france"].kind, funders["region-ile-de-france"].region_id) == (
        "region",
        "11",
    )
    assert funders["region-ile-de-france"].name == "Région Île-de-France"


def test_seed_demo_funder_people_have_their_roles(demo_database):
    roles = set(FunderMember.objects.values_list("user__email", "funder__slug", "role"))

    assert roles == {
        ("financeur@poles.example", "bpifrance", "reviewer"),
        ("gestionnaire@poles.example", "bpifrance", "manager"),
        ("gestionnaire@poles.example", "region-ile-de-france", "manager"),
        ("evaluateur@poles.example", "region-ile-de-france", "reviewer"),
    }
    assert can_manage_call(
        _user("gestionnaire@poles.example"), Call.objects.get(slug="fui-26-demo")
    )
    assert not can_manage_call(
        _user("financeur@poles.example"), Call.objects.get(slug="fui-26-demo")
    )


def test_seed_demo_assigns_the_demo_reviewer_two_dossiers_without_conflict(demo_database):
    financeur = _user("financeur@poles.example")
    call = Call.objects.get(slug="fui-26-demo")

    assigned = Assignment.objects.filter(reviewer=financeur, status=AssignmentStatus.ACTIVE)

    assert sorted(assigned.values_list("project__acronym", flat=True)) == ["CYBERGRID", "HYDROLOG"]
    assert {a.funder.slug for a in assigned} == {"bpifrance"}
    assert {a.assigned_by.email for a in assigned} == {"gestionnaire@poles.example"}
    for acronym in REVIEW_DOSSIERS:
        assert (
            review.conflicts_of_interest(financeur, Project.objects.get(acronym=acronym), call)
            == []
        )


def test_seed_demo_has_one_review_handed_in_by_the_region_reviewer(demo_database):
    (submitted,) = Review.objects.filter(status=ReviewStatus.SUBMITTED)

    assert submitted.assignment.reviewer.email == "evaluateur@poles.example"
    assert submitted.assignment.funder.slug == "region-ile-de-france"
    assert submitted.assignment.project.acronym == "HYDROLOG"
    assert sorted(submitted.scores.values_list("value", flat=True)) == [3, 3, 4, 4, 4]
    assert review.weighted_score(submitted) is not None
    assert submitted.comment_committee and submitted.comment_applicants
    assert demo_database.assignments == 3
    assert demo_database.reviews == 1


def test_demo_reviewer_can_score_an_assigned_dossier(demo_database):
    financeur = _user("financeur@poles.example")
    assignment = Assignment.objects.get(reviewer=financeur, project__acronym="CYBERGRID")
    criteria = list(assignment.call.criteria.all())

    saved = review.save_review(
        actor=financeur,
        assignment=assignment,
        scores={criterion.pk: 4 for criterion in criteria},
        comment_committee="Projet solide.",
        submit=True,
    )

    assert saved.status == ReviewStatus.SUBMITTED
    assert saved.scores.count() == len(criteria) == 5
