"""Partners suggested to fix a project's failing eligibility rules (`projects.fixes`)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from members.models import MembershipStatus
from projects import consortium
from projects.fixes import Fix, suggest_partners
from projects.models import Invitation, InvitationSource, LabelRequest, LabelStatus
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    PoleFactory,
    ProjectFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    RtoOrganisationFactory,
    TrainingOrganisationFactory,
    add_partner,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vision(db):
    return CompetenceFactory(name="Vision par ordinateur", slug="vision-essai")


@pytest.fixture
def robotics(db):
    return CompetenceFactory(name="Robotique et cobotique", slug="robotique")


@pytest.fixture
def project(member, company, vision, robotics):
    """Coordinated by `company` (Lyon, member of Pôle Alpha), alone in its consortium."""
    return ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="VISIOCOB",
        title="Cobot à vision pour l'atelier",
        summary="Une cellule cobotique qui contrôle les pièces par vision par ordinateur.",
    )


def _project_with_competences(project, *competences):
    project.competences.set(competences)
    return project


def _fixes(project, user):
    evaluation = consortium.evaluate_project(project)
    return {fix.code: fix for fix in suggest_partners(project, evaluation, user=user)}


def _names(fix: Fix) -> list[str]:
    return [organisation.name for organisation, _reasons in fix.organisations]


def _reasons(fix: Fix, name: str) -> list[str]:
    return next(reasons for organisation, reasons in fix.organisations if organisation.name == name)


def _lab(name, *competences, region="76", pole=None, **fields):
    lab = ResearchOrganisationFactory(name=name, region=RegionFactory(code=region), **fields)
    lab.competences.set(competences)
    if pole is not None:
        MembershipFactory(organisation=lab, pole=pole)
    return lab


def _ask_label(project, member, *poles):
    consortium.request_labels(actor=member, project=project, poles=list(poles))


# --- Which checks get a fix -------------------------------------------------------------------


def test_suggest_partners_without_call_suggests_nothing(project, member, vision):
    project.call = None
    project.save(update_fields=["call"])
    _lab("Laboratoire Vision", vision)

    assert _fixes(project, member) == {}


def test_suggest_partners_only_for_failing_checks_a_partner_can_fix(
    project, member, pole, vision, robotics
):
    _project_with_competences(project, vision)
    _lab("Laboratoire Vision", vision)
    OrganisationFactory(name="Usinage Tissot").competences.set([vision])

    fixes = _fixes(project, member)

    # labelled and the territory checks fail too (no label asked), but no partner fixes them.
    assert list(fixes) == ["min_research_training", "min_companies"]
    assert fixes["min_research_training"].message.startswith(
        "Il manque un organisme de recherche ou de formation"
    )
    assert fixes["min_companies"].message.startswith("Il manque une entreprise indépendante")


def test_suggest_partners_for_an_eligible_consortium_is_empty(
    project, member, company, pole, vision
):
    _project_with_competences(project, vision)
    other = OrganisationFactory(name="Usinage Tissot", region=RegionFactory(code="76"))
    lab = _lab("Laboratoire Vision", vision)
    consortium.update_part(
        actor=member,
        partner=project.partners.get(),
        version=1,
        rd_region=RegionFactory(code="76"),
        expenses_personnel_eur=1_000_000,
    )
    add_partner(project, other, expenses_personnel_eur=1_000_000)
    add_partner(project, lab, expenses_personnel_eur=500_000, cost_basis="marginal")
    _ask_label(project, member, pole)
    _lab("Laboratoire Voisin", vision)

    evaluation = consortium.evaluate_project(project)

    assert [c.code for c in evaluation.verdict.checks if c.status == "fail"] == []
    assert suggest_partners(project, evaluation, user=member) == []


# --- min_research_training --------------------------------------------------------------------


def test_missing_lab_proposes_research_and_training_bodies_ranked_with_reasons(
    project, member, pole, vision, robotics
):
    _project_with_competences(project, vision, robotics)
    _lab("Laboratoire Deux Compétences", vision, robotics, region="53")
    _lab("Laboratoire Membre", vision, pole=pole)
    _lab("Laboratoire Simple", vision, region="53")
    TrainingOrganisationFactory(name="École Robotique").competences.set([robotics])
    RtoOrganisationFactory(name="Institut Vision").competences.set([vision])
    _lab("Laboratoire Hors Sujet")
    _lab("Laboratoire Caché", vision, is_published=False)

    fix = _fixes(project, member)["min_research_training"]

    # Member of the coordinator's pôle and on its territory (20 + 15 + 12) beats a second
    # shared competence (40); then one competence each, in alphabetical order.
    assert _names(fix) == [
        "Laboratoire Membre",
        "Laboratoire Deux Compétences",
        "École Robotique",
        "Laboratoire Simple",
    ]
    assert _reasons(fix, "Laboratoire Deux Compétences") == [
        "compétences communes : Robotique et cobotique, Vision par ordinateur"
    ]
    # No label asked yet: the coordinator's pôle (Alpha) stands in for the labelling pôles.
    assert _reasons(fix, "Laboratoire Membre") == [
        "compétence commune : Vision par ordinateur",
        "membre de Alpha",
        "située en Occitanie, territoire du pôle Alpha",
    ]


def test_labelling_pole_members_and_lead_territory_come_first_among_equals(
    project, member, pole, other_pole, vision
):
    _project_with_competences(project, vision)
    _ask_label(project, member, other_pole, pole)  # Bêta (Bretagne) leads, Alpha second
    _lab("Laboratoire A Ailleurs", vision, region="84")
    _lab("Laboratoire B Second Territoire", vision, region="76")
    _lab("Laboratoire C Territoire Chef", vision, region="53")
    _lab("Laboratoire D Membre Bêta", vision, region="84", pole=other_pole)

    fix = _fixes(project, member)["min_research_training"]

    assert _names(fix) == [
        "Laboratoire D Membre Bêta",
        "Laboratoire C Territoire Chef",
        "Laboratoire B Second Territoire",
        "Laboratoire A Ailleurs",
    ]
    assert _reasons(fix, "Laboratoire C Territoire Chef") == [
        "compétence commune : Vision par ordinateur",
        "située en Bretagne, territoire du pôle chef de file",
    ]
    assert _reasons(fix, "Laboratoire B Second Territoire") == [
        "compétence commune : Vision par ordinateur",
        "située en Occitanie, territoire du pôle labellisateur Alpha",
    ]
    assert _reasons(fix, "Laboratoire D Membre Bêta") == [
        "compétence commune : Vision par ordinateur",
        "membre de Bêta",
    ]


def test_keywords_found_in_the_project_count_and_are_given_as_reasons(project, member, vision):
    _project_with_competences(project, vision)
    _lab("Laboratoire Sans Mot", vision, region="53")
    _lab("Laboratoire Mots", vision, region="53", keywords="Vision par ordinateur, chimie, cob")

    fix = _fixes(project, member)["min_research_training"]

    assert _names(fix) == ["Laboratoire Mots", "Laboratoire Sans Mot"]
    assert _reasons(fix, "Laboratoire Mots") == [
        "compétence commune : Vision par ordinateur",
        "mot-clé commun : Vision par ordinateur",
    ]


def test_limit_bounds_each_fix(project, member, vision):
    _project_with_competences(project, vision)
    for index in range(7):
        _lab(f"Laboratoire {index:02d}", vision, region="53")

    evaluation = consortium.evaluate_project(project)
    (fix, _companies) = suggest_partners(project, evaluation, user=member, limit=3)

    assert _names(fix) == ["Laboratoire 00", "Laboratoire 01", "Laboratoire 02"]


def test_candidate_needs_a_shared_competence_or_a_pole(project, member, pole, vision):
    _project_with_competences(project, vision)
    _lab("Laboratoire Sans Rien", region="53")
    _lab("Laboratoire Du Pôle", region="53", pole=pole)
    lapsed = _lab("Laboratoire Parti", region="53")
    MembershipFactory(organisation=lapsed, pole=pole, status=MembershipStatus.LAPSED)

    fix = _fixes(project, member)["min_research_training"]

    assert _names(fix) == ["Laboratoire Du Pôle"]
    assert _reasons(fix, "Laboratoire Du Pôle") == [
        "membre de Alpha",
    ]


def test_fix_without_candidates_is_kept_with_no_organisations(project, member, vision):
    _project_with_competences(project, vision)

    fixes = _fixes(project, member)

    assert fixes["min_research_training"].organisations == []


# --- Exclusions -------------------------------------------------------------------------------


def test_partners_and_invited_organisations_are_not_proposed(project, member, company, vision):
    _project_with_competences(project, vision)
    company.group_name = "Groupe Durand"
    company.save(update_fields=["group_name"])
    # A partner of the same group: two companies, one independent, min_companies still fails.
    partner = OrganisationFactory(name="Entreprise Partenaire", group_name="Groupe Durand")
    partner.competences.set([vision])
    add_partner(project, partner)
    invited = _lab("Laboratoire Invité", vision, region="53")
    declined = _lab("Laboratoire Qui A Décliné", vision, region="53")
    _lab("Laboratoire Libre", vision, region="53")
    by_siret = OrganisationFactory(name="Entreprise Invitée Par SIRET")
    by_siret.competences.set([vision])
    OrganisationFactory(name="Entreprise Libre").competences.set([vision])
    consortium.invite_organisation(actor=member, project=project, organisation=invited)
    Invitation.objects.create(
        project=project, organisation=declined, source=InvitationSource.DIRECTORY, status="declined"
    )
    Invitation.objects.create(
        project=project, siret=by_siret.siret, email="x@example.org", source=InvitationSource.EMAIL
    )

    fixes = _fixes(project, member)

    assert _names(fixes["min_research_training"]) == [
        "Laboratoire Libre",
        "Laboratoire Qui A Décliné",
    ]
    assert _names(fixes["min_companies"]) == ["Entreprise Libre"]


# --- min_companies ----------------------------------------------------------------------------


def test_missing_company_proposes_companies_of_other_groups(project, member, company, vision):
    _project_with_competences(project, vision)
    company.group_name = "Groupe Durand"
    company.save(update_fields=["group_name"])
    for name, group in (
        ("Filiale Durand", " groupe durand "),
        ("Filiale Martin", "Groupe Martin"),
        ("Atelier Indépendant", ""),
    ):
        OrganisationFactory(name=name, group_name=group).competences.set([vision])
    _lab("Laboratoire Vision", vision)

    fix = _fixes(project, member)["min_companies"]

    assert _names(fix) == ["Atelier Indépendant", "Filiale Martin"]
    assert _reasons(fix, "Filiale Martin") == [
        "compétence commune : Vision par ordinateur",
        "groupe Groupe Martin, absent du consortium",
    ]
    assert _reasons(fix, "Atelier Indépendant")[-1] == "entreprise indépendante"


# --- Territories ------------------------------------------------------------------------------


def test_lead_territory_proposes_organisations_of_its_regions_once(
    project, member, company, pole, vision
):
    # Everything is spent in Lyon (84), outside Alpha's territory (Occitanie, Nouvelle-Aquitaine).
    _project_with_competences(project, vision)
    consortium.update_part(
        actor=member, partner=project.partners.get(), version=1, expenses_personnel_eur=900_000
    )
    _ask_label(project, member, pole)
    OrganisationFactory(name="Atelier Lyonnais").competences.set([vision])
    OrganisationFactory(name="Atelier Bordelais", region=RegionFactory(code="75")).competences.set(
        [vision]
    )
    _lab("Laboratoire Toulousain", vision, region="76")
    _lab("Laboratoire Lyonnais", vision, region="84")
    OtherOrganisationFactory(name="Conseil Régional", region=RegionFactory(code="76"))

    fixes = _fixes(project, member)

    assert "territory_labelling_poles" not in fixes
    fix = fixes["territory_lead_pole"]
    assert fix.message == (
        "Trop peu de dépenses sur le territoire du pôle chef de file Alpha "
        "(Nouvelle-Aquitaine, Occitanie) : ces organisations y font leur R&D."
    )
    assert _names(fix) == ["Atelier Bordelais", "Laboratoire Toulousain"]
    assert _reasons(fix, "Laboratoire Toulousain") == [
        "compétence commune : Vision par ordinateur",
        "située en Occitanie, territoire du pôle chef de file",
    ]


def test_labelling_territory_alone_proposes_organisations_of_every_labelling_pole(
    project, member, company, pole, vision
):
    # 300 000 € in Occitanie (Alpha, the lead: 30 % ≥ 25 %), 700 000 € in Lyon, outside
    # Alpha's and Mer's territories: 30 % < 50 % on the labelling pôles' territory.
    _project_with_competences(project, vision)
    bretagne = PoleFactory(slug="pole-mer", name="Pôle Mer", short_name="Mer", regions=[])
    bretagne.regions.set([RegionFactory(code="53")])
    consortium.update_part(
        actor=member,
        partner=project.partners.get(),
        version=1,
        rd_region=RegionFactory(code="76"),
        expenses_personnel_eur=300_000,
    )
    add_partner(project, OrganisationFactory(name="Atelier Lyonnais"), expenses_other_eur=700_000)
    _ask_label(project, member, pole, bretagne)
    _lab("Laboratoire Brestois", vision, region="53")
    _lab("Laboratoire Lyonnais", vision, region="84")

    fixes = _fixes(project, member)

    assert "territory_lead_pole" not in fixes
    fix = fixes["territory_labelling_poles"]
    assert _names(fix) == ["Laboratoire Brestois"]
    assert _reasons(fix, "Laboratoire Brestois") == [
        "compétence commune : Vision par ordinateur",
        "située en Bretagne, territoire du pôle labellisateur Mer",
    ]


def test_refused_label_pole_is_not_a_labelling_pole(project, member, pole, other_pole, vision):
    _project_with_competences(project, vision)
    _ask_label(project, member, other_pole, pole)
    LabelRequest.objects.filter(pole=other_pole).update(
        status=LabelStatus.REFUSED, committee_date="2026-01-05"
    )
    _lab("Laboratoire Toulousain", vision, region="76")
    _lab("Laboratoire Brestois", vision, region="53")

    fix = _fixes(project, member)["territory_lead_pole"]

    assert _names(fix) == ["Laboratoire Toulousain"]


# --- Cost and display -------------------------------------------------------------------------


def _count_queries(project, user) -> tuple[int, list]:
    evaluation = consortium.evaluate_project(project)
    with CaptureQueriesContext(connection) as captured:
        fixes = suggest_partners(project, evaluation, user=user)
    return len(captured), fixes


def test_suggest_partners_costs_the_same_queries_for_1_and_3_of_everything(
    project, member, company, pole, other_pole, vision, robotics
):
    _project_with_competences(project, vision, robotics)
    consortium.update_part(
        actor=member, partner=project.partners.get(), version=1, expenses_personnel_eur=900_000
    )
    _ask_label(project, member, pole)

    def add_one(index):
        lab = _lab(f"Laboratoire {index}", vision, robotics, region="76", pole=pole)
        MembershipFactory(organisation=lab, pole=other_pole)
        firm = OrganisationFactory(name=f"Atelier {index}", region=RegionFactory(code="75"))
        firm.competences.set([vision, robotics])
        MembershipFactory(organisation=firm, pole=pole)
        add_partner(
            project,
            OrganisationFactory(name=f"Partenaire {index}", group_name="Groupe Durand"),
            expenses_other_eur=1000,
        )

    add_one(1)
    company.group_name = "Groupe Durand"
    company.save(update_fields=["group_name"])
    one, fixes_one = _count_queries(project, member)
    add_one(2)
    add_one(3)
    three, fixes_three = _count_queries(project, member)

    assert [len(fix.organisations) for fix in fixes_one] == [1, 1, 2]
    assert [len(fix.organisations) for fix in fixes_three] == [3, 3, 5]
    assert one == three <= 8


def test_fixes_template_lists_organisations_with_profile_links_and_reasons(project, member, vision):
    _project_with_competences(project, vision)
    lab = _lab("Laboratoire Vision", vision, region="53")
    fixes = list(_fixes(project, member).values())

    html = render_to_string(
        "projects/includes/fixes.html",
        {"fixes": fixes, "project": project, "can_coordinate": True, "is_open": True},
    )

    assert f'href="/organisations/{lab.slug}/"' in html
    assert "Laboratoire Vision" in html
    assert "compétence commune : Vision par ordinateur" in html
    assert "Il manque un organisme de recherche ou de formation" in html
    assert "Aucune organisation de l'annuaire ne correspond" in html  # min_companies
    assert f'href="/projets/{project.pk}/inviter/?q=Laboratoire%20Vision"' in html


def test_fixes_template_has_no_invite_link_for_a_partner(project, member, vision):
    _project_with_competences(project, vision)
    _lab("Laboratoire Vision", vision, region="53")
    fixes = list(_fixes(project, member).values())

    html = render_to_string(
        "projects/includes/fixes.html",
        {"fixes": fixes, "project": project, "can_coordinate": False, "is_open": True},
    )

    assert "Laboratoire Vision" in html
    assert "/inviter/" not in html


def test_fixes_template_renders_nothing_without_fixes(project):
    html = render_to_string("projects/includes/fixes.html", {"fixes": [], "project": project})

    assert html.strip() == ""
