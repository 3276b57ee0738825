"""A consortium that meets the FUI rules, labelled, ready to submit, built as the workflow
would build it (services for labels and attachments; parts' expenses written directly).

Default cast: a pôle on Auvergne-Rhône-Alpes ("84"); the coordinator, an SME in "84", the
project's `ProjectFactory` default; another independent company in "84"; a research lab in
Occitanie ("76") on marginal costs. Expenses 400 000 / 300 000 / 300 000 €: no partner above
70 %, 70 % in the pôle's territory. The label is decided today.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects import consortium
from projects.models import ProjectPartner
from tests.factories import (
    OrganisationFactory,
    PoleFactory,
    ProjectFactory,
    RegionFactory,
    ResearchOrganisationFactory,
    UserFactory,
    add_partner,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Consortium:
    project: object
    actor: object  # a person of the coordinator
    pole: object
    coordinator_part: object
    company_part: object
    lab_part: object
    label_request: object


def set_expenses(part, personnel: int, other: int = 0) -> ProjectPartner:
    ProjectPartner.objects.filter(pk=part.pk).update(
        expenses_personnel_eur=personnel, expenses_other_eur=other
    )
    part.refresh_from_db()
    return part


def attach_pdf(actor, part, title="Lettre de soutien de la Région", name="soutien.pdf"):
    return consortium.add_attachment(
        actor=actor,
        partner=part,
        kind="support_letter",
        title=title,
        upload=SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"),
    )


def label(project, pole, *, actor, decided_by=None, committee_date=None):
    """Ask `pole` for a label and grant it (by a superuser unless `decided_by`)."""
    [request] = consortium.request_labels(actor=actor, project=project, poles=[pole])
    decided_by = decided_by or UserFactory(is_staff=True, is_superuser=True)
    return consortium.decide_label(
        actor=decided_by,
        label_request=request,
        labelled=True,
        committee_date=committee_date or timezone.localdate(),
        comments="Projet solide, marché crédible.",
    )


def make_consortium(
    *,
    coordinator=None,
    actor=None,
    company=None,
    lab=None,
    pole=None,
    decided_by=None,
    expenses=(400_000, 300_000, 300_000),
    attachment=True,
    **project_fields,
) -> Consortium:
    pole = pole or PoleFactory(main_region=RegionFactory(code="84"))
    actor = actor or UserFactory()
    project_kwargs = {"actor": actor, **project_fields}
    if coordinator is not None:
        project_kwargs["coordinator"] = coordinator
    project = ProjectFactory(**project_kwargs)
    coordinator_part = project.partners.get(organisation=project.coordinator)
    company = company or OrganisationFactory(region=RegionFactory(code="84"))
    lab = lab or ResearchOrganisationFactory()
    company_part = add_partner(project, company, role="Intégrateur")
    lab_part = add_partner(project, lab, role="Essais", cost_basis="marginal")
    for part, amount in zip((coordinator_part, company_part, lab_part), expenses, strict=True):
        set_expenses(part, amount)
    if attachment:
        attach_pdf(actor, coordinator_part)
    label_request = label(project, pole, actor=actor, decided_by=decided_by)
    project.refresh_from_db()
    return Consortium(
        project=project,
        actor=actor,
        pole=pole,
        coordinator_part=coordinator_part,
        company_part=company_part,
        lab_part=lab_part,
        label_request=label_request,
    )
