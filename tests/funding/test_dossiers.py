"""Submission of a project to a call: frozen, numbered dossier versions (`funding.dossiers`)."""

import copy
import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from audit.models import AuditEntry
from funding import dossiers
from funding.dossiers import SubmissionError
from funding.models import DossierFile, DossierImmutable, DossierVersion
from members.models import AffiliationRole
from projects import consortium
from projects.models import Project, ProjectPartner, ProjectStatus
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    ProjectFactory,
    RegionFactory,
    UserFactory,
    add_partner,
)

pytestmark = pytest.mark.django_db

LETTER = b"%PDF-1.4\nLettre de soutien de Usinage Tissot\n%%EOF\n"
ANNEX = b"%PDF-1.7\nAnnexe technique du laboratoire\n%%EOF\n"


def _fill(partner, actor, **fields):
    partner = ProjectPartner.objects.get(pk=partner.pk)
    return consortium.update_part(actor=actor, partner=partner, version=partner.version, **fields)


@pytest.fixture
def partner_company(db):
    return OrganisationFactory(name="Usinage Tissot", region=RegionFactory(code="76"))


@pytest.fixture
def partner_admin(partner_company):
    user = UserFactory(email="tissot@example.org")
    AffiliationFactory(user=user, organisation=partner_company, role=AffiliationRole.ADMIN)
    return user


@pytest.fixture
def project(member, company, lab, lab_member, partner_company, partner_admin, animator, pole):
    """Eligible and labelled by Pôle Alpha: three partners in Occitanie, a letter, an annex.

    Aid at the call's rates (PME 50 %, lab on marginal costs 100 %): 300 000 + 250 000 +
    300 000 € for 1 400 000 € of expenses.
    """
    project = ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="ROBOCOMP",
        title="Cellule robotisée",
        summary="Une cellule robotisée pour l'usinage.",
        duration_months=36,
    )
    occitanie = RegionFactory(code="76")
    _fill(project.partners.get(), member, rd_region=occitanie, role="Coordinateur",
          expenses_personnel_eur=500_000, expenses_equipment_eur=100_000)  # fmt: skip
    tissot = add_partner(project, partner_company)
    _fill(tissot, partner_admin, rd_region=occitanie, expenses_personnel_eur=500_000)
    lab_part = add_partner(project, lab)
    _fill(lab_part, lab_member, rd_region=occitanie, expenses_personnel_eur=300_000,
          cost_basis="marginal")  # fmt: skip
    consortium.add_attachment(
        actor=partner_admin,
        partner=tissot,
        kind="support_letter",
        title="Lettre de soutien",
        upload=SimpleUploadedFile("soutien.pdf", LETTER),
    )
    consortium.add_attachment(
        actor=lab_member,
        partner=lab_part,
        kind="other",
        title="Annexe technique",
        upload=SimpleUploadedFile("annexe.pdf", ANNEX),
    )
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])
    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=True,
        committee_date=timezone.localdate(),
        comments="Beau projet.",
    )
    return Project.objects.get(pk=project.pk)


# --- The happy path ------------------------------------------------------------------------------


def test_submit_project_freezes_parts_budget_labels_and_verdict(project, member):
    version = dossiers.submit_project(actor=member, project=project)

    assert version.number == 1
    assert version.reference == f"{project.call.slug.upper()}-{project.pk:05d}-v1"
    assert (version.eligible, version.total_expenses_eur, version.total_aid_eur) == (
        True,
        1_400_000,
        850_000,
    )
    content = DossierVersion.objects.get(pk=version.pk).content
    assert content["project"]["acronym"] == "ROBOCOMP"
    assert content["project"]["duration_months"] == 36
    assert content["call"] == {"slug": project.call.slug, "title": project.call.title}
    assert [
        (p["organisation"]["name"], p["coordinator"], p["category"], p["total_expenses_eur"],
         p["aid_eur"], p["rd_region"]) for p in content["partners"]
    ] == [
        ("Ateliers Durand", True, "pme", 600_000, 300_000, "76"),
        ("Usinage Tissot", False, "pme", 500_000, 250_000, "76"),
        ("Laboratoire des Matériaux", False, "research", 300_000, 300_000, "76"),
    ]  # fmt: skip
    assert content["partners"][0]["expenses_eur"] == {
        "expenses_personnel_eur": 500_000,
        "expenses_overhead_eur": 0,
        "expenses_equipment_eur": 100_000,
        "expenses_subcontracting_eur": 0,
        "expenses_other_eur": 0,
    }
    assert content["partners"][2]["cost_basis"] == "marginal"
    assert content["labels"] == [
        {
            "pole": "pole-alpha",
            "pole_name": "Pôle Alpha",
            "lead": True,
            "status": "labelled",
            "committee_date": timezone.localdate().isoformat(),
            "comments": "Beau projet.",
        }
    ]
    assert content["eligibility"]["eligible"] is True
    assert {check["status"] for check in content["eligibility"]["checks"]} == {"pass"}
    assert content["eligibility"]["total_aid_eur"] == 850_000


def test_submit_project_keeps_attachment_checksums_and_copies_identical_files(project, member):
    version = dossiers.submit_project(actor=member, project=project)

    attachments = {
        part["organisation"]["name"]: part["attachments"]
        for part in DossierVersion.objects.get(pk=version.pk).content["partners"]
    }
    assert attachments["Ateliers Durand"] == []
    assert attachments["Usinage Tissot"] == [
        {
            "kind": "support_letter",
            "title": "Lettre de soutien",
            "original_name": "soutien.pdf",
            "size": len(LETTER),
            "sha256": hashlib.sha256(LETTER).hexdigest(),
        }
    ]
    files = list(version.files.order_by("pk"))
    assert [(f.partner_name, f.kind, f.title, f.size) for f in files] == [
        ("Usinage Tissot", "support_letter", "Lettre de soutien", len(LETTER)),
        ("Laboratoire des Matériaux", "other", "Annexe technique", len(ANNEX)),
    ]
    originals = {
        attachment.title: attachment.file.name
        for part in project.partners.all()
        for attachment in part.attachments.all()
    }
    for copied, content in zip(files, (LETTER, ANNEX), strict=True):
        with copied.file.open("rb") as handle:
            data = handle.read()
        assert data == content
        assert copied.sha256 == hashlib.sha256(data).hexdigest()
        assert copied.file.name.startswith(f"dossiers/{project.pk}/")
        assert copied.file.name != originals[copied.title]


def test_submit_project_marks_it_submitted_and_records(project, member):
    version = dossiers.submit_project(actor=member, project=project)

    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED
    entry = AuditEntry.objects.get(action="project.submit")
    assert entry.summary == f"Dossier {version.reference} déposé sur {project.call.title}"
    assert entry.data == {"version": 1}


def test_second_submission_is_version_2_and_leaves_version_1_as_it_was(
    project, member, partner_admin, django_capture_on_commit_callbacks
):
    first = dossiers.submit_project(actor=member, project=project)
    frozen = copy.deepcopy(DossierVersion.objects.get(pk=first.pk).content)
    tissot = project.partners.get(organisation__name="Usinage Tissot")
    _fill(tissot, partner_admin, expenses_personnel_eur=400_000, role="Essais")
    with django_capture_on_commit_callbacks(execute=True):
        consortium.delete_attachment(actor=partner_admin, attachment=tissot.attachments.get())

    second = dossiers.submit_project(actor=member, project=project)

    assert (second.number, second.reference[-3:]) == (2, "-v2")
    assert second.total_expenses_eur == 1_300_000
    assert DossierVersion.objects.get(pk=first.pk).content == frozen
    assert DossierVersion.objects.get(pk=first.pk).total_expenses_eur == 1_400_000
    tissot_v2 = second.content["partners"][1]
    assert (tissot_v2["role"], tissot_v2["total_expenses_eur"], tissot_v2["attachments"]) == (
        "Essais",
        400_000,
        [],
    )
    # The first version keeps its own copy of the letter removed from the part since.
    letter = first.files.get(kind="support_letter")
    with letter.file.open("rb") as handle:
        assert handle.read() == LETTER
    assert second.files.count() == 1
    assert list(project.dossiers.order_by("number").values_list("number", flat=True)) == [1, 2]


# --- Refusals ---------------------------------------------------------------------------------


def test_submit_at_the_deadline_is_refused_and_just_before_accepted(project, member):
    call = project.call
    deadline = timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(actor=member, project=project, now=call.closes_at)
    assert str(error.value) == (
        f"La date limite de l'appel « {call.title} » est passée ({deadline}) : "
        "le dépôt n'est plus possible."
    )
    assert not DossierVersion.objects.exists()

    version = dossiers.submit_project(
        actor=member, project=project, now=call.closes_at - timedelta(seconds=1)
    )
    assert version.submitted_at == call.closes_at - timedelta(seconds=1)


def test_submit_before_the_call_opens_is_refused(project, member):
    call = project.call
    opening = timezone.localtime(call.opens_at).strftime("%d/%m/%Y %H:%M")

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(
            actor=member, project=project, now=call.opens_at - timedelta(seconds=1)
        )

    assert str(error.value) == (
        f"L'appel « {call.title} » n'est pas encore ouvert : il ouvre le {opening}."
    )
    assert not DossierVersion.objects.exists()
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.LABELLED


def test_submit_without_a_target_call_is_refused(project, member):
    Project.objects.filter(pk=project.pk).update(call=None)

    with pytest.raises(SubmissionError, match="Choisissez d'abord l'appel visé"):
        dossiers.submit_project(actor=member, project=project)


def test_submit_by_a_partner_or_an_animator_is_refused(project, lab_member, animator):
    for actor in (lab_member, animator):
        with pytest.raises(PermissionDenied):
            dossiers.submit_project(actor=actor, project=project)

    assert not DossierVersion.objects.exists()


def test_submit_a_project_that_breaks_a_rule_is_refused_with_the_rule(project, member):
    # The coordinator now carries 6 100 000 € of 6 900 000 € (88.4 %, shown rounded up).
    _fill(project.partners.get(organisation=project.coordinator), member,
          expenses_personnel_eur=6_000_000)  # fmt: skip

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(actor=member, project=project)

    assert str(error.value) == (
        "Le projet ne respecte pas les règles de l'appel : Ateliers Durand porte 88,5 % des "
        "dépenses, au-delà du maximum de 70 % : répartissez davantage les travaux entre les "
        "partenaires."
    )
    assert not DossierVersion.objects.exists()


def test_submit_with_an_incomplete_part_is_refused(project, member, lab_member):
    _fill(project.partners.get(organisation__name="Laboratoire des Matériaux"), lab_member,
          rd_region=None)  # fmt: skip

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(actor=member, project=project)

    assert str(error.value) == (
        "Des parties sont incomplètes : Laboratoire des Matériaux (région des travaux de R&D "
        "non renseignée : comptée hors territoire)."
    )


def test_submit_while_the_label_is_pending_is_refused(project, member, other_pole):
    # Labelled status, but the only label counted is withdrawn: Bêta's committee is to come.
    project.label_requests.all().delete()
    consortium.request_labels(actor=member, project=project, poles=[other_pole])
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.LABELLED)

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(actor=member, project=project)

    message = str(error.value)
    assert message.startswith("Le projet ne respecte pas les règles de l'appel : ")
    assert "Label demandé à Bêta : en attente de la décision du comité" in message
    assert not DossierVersion.objects.exists()


def test_submit_a_project_not_labelled_is_refused(project, member, animator):
    request = project.label_requests.get()
    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=False,
        committee_date=timezone.localdate(),
    )

    with pytest.raises(SubmissionError) as error:
        dossiers.submit_project(actor=member, project=project)

    assert str(error.value) == (
        "Le projet est « Consortium en constitution » : il doit être labellisé pour être déposé."
    )


@pytest.mark.parametrize("status", [ProjectStatus.WITHDRAWN, ProjectStatus.FUNDED])
def test_submit_a_closed_project_is_refused(project, member, status):
    Project.objects.filter(pk=project.pk).update(status=status)

    with pytest.raises(SubmissionError, match="il doit être labellisé pour être déposé"):
        dossiers.submit_project(actor=member, project=project)


# --- Immutability -----------------------------------------------------------------------------


def test_a_dossier_version_can_never_change(project, member):
    version = dossiers.submit_project(actor=member, project=project)
    stored = DossierVersion.objects.get(pk=version.pk)

    stored.eligible = False
    for change in (
        stored.save,
        stored.delete,
        lambda: DossierVersion.objects.filter(pk=version.pk).update(eligible=False),
        lambda: DossierVersion.objects.all().delete(),
        lambda: DossierVersion.objects.bulk_update([stored], ["eligible"]),
    ):
        with pytest.raises(DossierImmutable), transaction.atomic():
            change()

    again = DossierVersion.objects.get(pk=version.pk)
    assert (again.eligible, again.content) == (True, version.content)


def test_a_dossier_file_can_never_change(project, member):
    version = dossiers.submit_project(actor=member, project=project)
    copied = version.files.first()

    copied.title = "Autre"
    for change in (
        copied.save,
        copied.delete,
        lambda: DossierFile.objects.filter(pk=copied.pk).update(title="Autre"),
        lambda: DossierFile.objects.all().delete(),
    ):
        with pytest.raises(DossierImmutable):
            change()

    assert DossierFile.objects.get(pk=copied.pk).title == "Lettre de soutien"


def test_a_submitted_project_cannot_be_deleted(project, member):
    dossiers.submit_project(actor=member, project=project)

    with pytest.raises(ProtectedError):
        Project.objects.get(pk=project.pk).delete()

    assert DossierVersion.objects.count() == 1


# --- Budget CSV -------------------------------------------------------------------------------


def test_budget_csv_has_one_line_per_partner_and_a_total(project, member):
    version = dossiers.submit_project(actor=member, project=project)

    text = dossiers.budget_csv(DossierVersion.objects.get(pk=version.pk))

    assert text.startswith("\ufeff")
    assert text[1:].split("\r\n") == [
        "Partenaire;Catégorie;Région de R&D;Frais de personnel;Frais généraux;Équipements;"
        "Sous-traitance;Autres dépenses;Total des dépenses;Taux d'aide;Aide",
        "Ateliers Durand;PME;Occitanie;500000;0;100000;0;0;600000;50 %;300000",
        "Usinage Tissot;PME;Occitanie;500000;0;0;0;0;500000;50 %;250000",
        "Laboratoire des Matériaux;Recherche publique;Occitanie;300000;0;0;0;0;300000;100 %;300000",
        "Total;;;1300000;0;100000;0;0;1400000;;850000",
        "",
    ]


def test_budget_csv_writes_a_fractional_rate_with_a_comma(project, member):
    project.call.rate_pme_in_territory = "0.455"
    project.call.save(update_fields=["rate_pme_in_territory"])

    version = dossiers.submit_project(actor=member, project=Project.objects.get(pk=project.pk))
    lines = dossiers.budget_csv(version).split("\r\n")

    assert lines[1] == "Ateliers Durand;PME;Occitanie;500000;0;100000;0;0;600000;45,5 %;273000"
