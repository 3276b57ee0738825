"""Submitting a project to a call: the frozen, numbered dossier versions, and their exports.

`submit_project` copies everything the funders will read into a new `DossierVersion`
(written once, never updated): the project, each partner's part and budget, the labels,
the eligibility verdict, and the attachments (files copied, SHA-256 kept). A later
submission, while the call is open, makes version n + 1; earlier versions stay as they were.
"""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from funding import review
from funding.models import CATEGORY_LABELS, Call, DossierFile, DossierVersion
from members.services import send_templated_mail
from projects import consortium, permissions
from projects.models import EXPENSE_FIELDS, LabelStatus, Project, ProjectStatus


class SubmissionError(Exception):
    """The project cannot be submitted now; the message says why, translated."""


def call_is_open(call: Call, now=None) -> bool:
    now = now or timezone.now()
    return call.opens_at <= now < call.closes_at


def _snapshot(project: Project, evaluation, when) -> dict:
    verdict = evaluation.verdict
    results = {part.pk: result for part, result in evaluation.rows}
    parts = []
    for part in project.partners.select_related("organisation", "rd_region").prefetch_related(
        "attachments"
    ):
        organisation = part.organisation
        result = results[part.pk]
        parts.append(
            {
                "organisation": {
                    "name": organisation.name,
                    "slug": organisation.slug,
                    "kind": organisation.kind,
                    "siret": organisation.siret,
                    "siren": organisation.siren,
                    "rnsr": organisation.rnsr,
                    "headcount": organisation.headcount,
                    "turnover_eur": organisation.turnover_eur,
                    "balance_sheet_eur": organisation.balance_sheet_eur,
                    "group": organisation.group_name,
                    "size_category": organisation.size_category,
                },
                "coordinator": part.organisation_id == project.coordinator_id,
                "role": part.role,
                "work_summary": part.work_summary,
                "rd_region": part.rd_region.code if part.rd_region_id else "",
                "rd_region_name": part.rd_region.name if part.rd_region_id else "",
                "cost_basis": part.cost_basis,
                "expenses_eur": {name: getattr(part, name) for name in EXPENSE_FIELDS},
                "total_expenses_eur": part.total_expenses_eur,
                "category": result.category,
                "in_territory": result.in_territory,
                "rate": str(result.rate),
                "aid_eur": result.aid_eur,
                "part_version": part.version,
                "attachments": [
                    {
                        "kind": attachment.kind,
                        "title": attachment.title,
                        "original_name": attachment.original_name,
                        "size": attachment.size,
                        "sha256": attachment.sha256,
                    }
                    for attachment in part.attachments.all()
                ],
            }
        )
    labels = [
        {
            "pole": request.pole.slug,
            "pole_name": request.pole.name,
            "lead": request.is_lead,
            "status": request.status,
            "committee_date": request.committee_date.isoformat()
            if request.committee_date
            else None,
            "comments": request.comments,
        }
        for request in project.label_requests.select_related("pole").order_by("rank", "pk")
    ]
    return {
        "project": {
            "acronym": project.acronym,
            "title": project.title,
            "summary": project.summary,
            "start_date": project.start_date.isoformat() if project.start_date else None,
            "duration_months": project.duration_months,
            "competences": list(
                project.competences.order_by("name").values_list("name", flat=True)
            ),
            "coordinator": project.coordinator.name,
        },
        "call": {"slug": project.call.slug, "title": project.call.title},
        "submitted_at": when.isoformat(),
        "partners": parts,
        "labels": labels,
        "eligibility": verdict.to_dict(),
    }


@transaction.atomic
def submit_project(*, actor, project: Project, now=None) -> DossierVersion:
    """Freeze the project as a new dossier version for its call.

    Refused unless the actor coordinates it, the call is open, every part is complete, the
    verdict has no failing check and a label counts for the call. Side effects: audit entry,
    receipt mailed to the consortium's people after commit.
    """
    now = now or timezone.now()
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("coordinator", "call")
        .get(pk=project.pk)
    )
    if not permissions.can_coordinate(actor, project):
        raise PermissionDenied
    call = project.call
    if call is None:
        raise SubmissionError(_("Choisissez d'abord l'appel visé par le projet."))
    if now < call.opens_at:
        raise SubmissionError(
            _("L'appel « %(call)s » n'est pas encore ouvert : il ouvre le %(date)s.")
            % {"call": call, "date": timezone.localtime(call.opens_at).strftime("%d/%m/%Y %H:%M")}
        )
    if now >= call.closes_at and not review.more_information_requested(project, call):
        raise SubmissionError(
            _(
                "La date limite de l'appel « %(call)s » est passée (%(date)s) : "
                "le dépôt n'est plus possible."
            )
            % {"call": call, "date": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")}
        )
    if project.status not in (ProjectStatus.LABELLED, ProjectStatus.SUBMITTED):
        raise SubmissionError(
            _("Le projet est « %(status)s » : il doit être labellisé pour être déposé.")
            % {"status": project.get_status_display()}
        )
    evaluation = consortium.evaluate_project(project)
    if not evaluation.complete:
        raise SubmissionError(
            _("Des parties sont incomplètes : %(issues)s.")
            % {
                "issues": "; ".join(
                    f"{issue.partner.organisation} ({issue.message})" for issue in evaluation.issues
                )
            }
        )
    if not evaluation.submittable:
        failing = [
            check.translated(_)
            for check in evaluation.verdict.checks
            if check.status == "fail" or (check.code == "labelled" and check.status != "pass")
        ]
        raise SubmissionError(
            _("Le projet ne respecte pas les règles de l'appel : %(checks)s")
            % {"checks": " ".join(failing)}
        )
    if not project.label_requests.filter(status=LabelStatus.LABELLED).exists():
        raise SubmissionError(_("Le projet doit être labellisé par au moins un pôle."))
    number = (project.dossiers.aggregate(last=Max("number"))["last"] or 0) + 1
    content = _snapshot(project, evaluation, now)
    version = DossierVersion(
        project=project,
        call=call,
        number=number,
        reference=f"{call.slug.upper()}-{project.pk:05d}-v{number}",
        submitted_at=now,
        submitted_by=actor,
        eligible=evaluation.verdict.eligible,
        total_expenses_eur=int(evaluation.verdict.total_expenses_eur),
        total_aid_eur=evaluation.verdict.total_aid_eur,
        content=content,
    )
    version.save()
    for part in project.partners.select_related("organisation").prefetch_related("attachments"):
        for attachment in part.attachments.all():
            with attachment.file.open("rb") as source:
                data = source.read()
            copy = DossierFile(
                version=version,
                partner_name=part.organisation.name,
                kind=attachment.kind,
                title=attachment.title,
                size=len(data),
                sha256=attachment.sha256,
            )
            copy.file.save("copy.pdf", ContentFile(data), save=False)
            copy.save()
    if project.status != ProjectStatus.SUBMITTED:
        consortium.change_status(project, ProjectStatus.SUBMITTED)
    record(
        actor=actor,
        action="project.submit",
        target=project,
        summary=f"Dossier {version.reference} déposé sur {call}",
        version=version.number,
    )
    send_templated_mail(
        template="email/dossier_submitted",
        to=consortium.consortium_emails(project),
        context={"project": project, "call": call, "version": version},
    )
    return version


def category_label(code: str) -> str:
    """The label of an engine category (pme, eti, ge, research, training, rto, other)."""
    return str(CATEGORY_LABELS.get(code, code))


def budget_csv(version: DossierVersion) -> str:
    """The budget of a dossier version, one line per partner and a total (French Excel:
    semicolon-separated, amounts in whole euros)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    headers = [
        _("Partenaire"),
        _("Catégorie"),
        _("Région de R&D"),
        _("Frais de personnel"),
        _("Frais généraux"),
        _("Équipements"),
        _("Sous-traitance"),
        _("Autres dépenses"),
        _("Total des dépenses"),
        _("Taux d'aide"),
        _("Aide"),
    ]
    writer.writerow(headers)
    totals = [0] * 6
    for part in version.content["partners"]:
        amounts = [part["expenses_eur"][name] for name in EXPENSE_FIELDS]
        amounts.append(part["total_expenses_eur"])
        totals = [a + b for a, b in zip(totals, amounts, strict=True)]
        rate = f"{float(part['rate']) * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        writer.writerow(
            [
                part["organisation"]["name"],
                category_label(part["category"]),
                part["rd_region_name"],
                *amounts,
                f"{rate} %",
                part["aid_eur"],
            ]
        )
    writer.writerow([_("Total"), "", "", *totals, "", version.total_aid_eur])
    return "\ufeff" + buffer.getvalue()
