"""Writes about projects and their consortia: the only place project statuses change.

Each function takes keyword-only arguments and an explicit `actor`, checks permission and
state first, runs in a transaction and writes an audit entry; e-mails leave after commit.
A refusal is a `ProjectError` whose message, translated, says why; invalid field values are
`ValidationError`s keyed by field name. Another person's newer save of the same part is a
`StaleEdit` (optimistic concurrency on `ProjectPartner.version`).

Who may do what (see `projects.permissions`): people of the coordinating organisation act
for the coordinator; people of a partner organisation edit its part; an admin of an invited
organisation answers the invitation; staff of a pôle asked for a label record its decision.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret as siret_number

from audit.services import record
from funding import eligibility
from funding.eligibility import LabellingPole, Partner, Verdict
from members import selectors as member_selectors
from members.models import Affiliation, AffiliationRole, Organisation, OrganisationKind
from members.services import send_templated_mail
from poles.models import PoleStaff, Region
from projects import permissions
from projects.models import (
    EXPENSE_FIELDS,
    AttachmentKind,
    Interest,
    InterestStatus,
    Invitation,
    InvitationSource,
    InvitationStatus,
    LabelRequest,
    LabelStatus,
    PartAttachment,
    Project,
    ProjectPartner,
    ProjectStatus,
)

S = ProjectStatus

# The only status changes there are; `change_status` refuses any other.
PROJECT_TRANSITIONS = {
    S.IDEA: {S.CONSORTIUM, S.LABELLING, S.WITHDRAWN},
    S.CONSORTIUM: {S.LABELLING, S.WITHDRAWN},
    S.LABELLING: {S.LABELLED, S.CONSORTIUM, S.WITHDRAWN},
    S.LABELLED: {S.LABELLING, S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.FUNDED, S.NOT_FUNDED, S.WITHDRAWN},
    S.FUNDED: set(),
    S.NOT_FUNDED: set(),
    S.WITHDRAWN: set(),
}
# Where the consortium may still change (parts, partners, labels, submission of a new version).
OPEN_STATUSES = {S.IDEA, S.CONSORTIUM, S.LABELLING, S.LABELLED, S.SUBMITTED}

PROJECT_FIELDS = (
    "acronym",
    "title",
    "summary",
    "start_date",
    "duration_months",
    "call",
    "partner_search",
    "origin_event",
    "is_published",
)
PART_FIELDS = ("role", "work_summary", "rd_region", *EXPENSE_FIELDS, "cost_basis")

PDF_MAGIC = b"%PDF-"
LAB_KINDS = (OrganisationKind.RESEARCH, OrganisationKind.TRAINING)


class ProjectError(Exception):
    """An action that cannot be done now; the message says why, translated."""


class StaleEdit(ProjectError):
    """Someone saved the part since the form was opened; `current` is the part as it is now."""

    def __init__(self, message, current: ProjectPartner):
        super().__init__(message)
        self.current = current


# --- helpers ------------------------------------------------------------------------------


def change_status(project: Project, new_status: str) -> str:
    """Move `project` to `new_status` if `PROJECT_TRANSITIONS` allows it (the one place a
    project's status changes; `funding` calls it on submission and on released decisions).
    Call it inside the caller's transaction, on a locked row. Returns the previous status."""
    old_status = project.status
    if new_status == old_status:
        return old_status
    if new_status not in PROJECT_TRANSITIONS[old_status]:
        raise ProjectError(
            _("Le projet est « %(status)s » : cette action n'est plus possible.")
            % {"status": project.get_status_display()}
        )
    project.status = new_status
    project.save(update_fields=["status", "updated_at"])
    return old_status


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("coordinator", "call")
        .get(pk=project.pk)
    )


def _check_open(project: Project) -> None:
    if project.status not in OPEN_STATUSES:
        raise ProjectError(
            _("Le projet est « %(status)s » : il ne peut plus être modifié.")
            % {"status": project.get_status_display()}
        )


def _check_coordinator(actor, project: Project) -> None:
    if not permissions.can_coordinate(actor, project):
        raise PermissionDenied


def _admin_emails(organisation: Organisation) -> list[str]:
    return member_selectors.admin_emails(organisation)


def consortium_emails(project: Project) -> list[str]:
    """The addresses of everyone working for a partner of `project`."""
    return list(
        Affiliation.objects.filter(organisation__project_parts__project=project)
        .values_list("user__email", flat=True)
        .distinct()
        .order_by("user__email")
    )


# --- projects -----------------------------------------------------------------------------


@transaction.atomic
def create_project(*, actor, coordinator: Organisation, competences=(), **fields) -> Project:
    """Create a project coordinated by `coordinator`, which `actor` works for."""
    if not Affiliation.objects.filter(user=actor, organisation=coordinator).exists():
        raise PermissionDenied
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    project = Project(coordinator=coordinator, created_by=actor, **fields)
    project.full_clean()
    project.save()
    if competences:
        project.competences.set(competences)
    ProjectPartner.objects.create(
        project=project, organisation=coordinator, rd_region=coordinator.region, updated_by=actor
    )
    record(
        actor=actor,
        action="project.create",
        target=project,
        summary=f"Projet {project.acronym} créé par {coordinator}",
        coordinator=coordinator.slug,
    )
    return project


@transaction.atomic
def update_project(*, actor, project: Project, competences=None, **fields) -> Project:
    project = _locked(project)
    _check_coordinator(actor, project)
    _check_open(project)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if competences is not None:
        project.competences.set(competences)
    record(
        actor=actor,
        action="project.update",
        target=project,
        summary=f"Projet {project.acronym} modifié",
        fields=sorted(fields),
    )
    return project


@transaction.atomic
def withdraw_project(*, actor, project: Project) -> Project:
    project = _locked(project)
    _check_coordinator(actor, project)
    _check_open(project)  # withdrawing twice is refused, not recorded twice
    old = change_status(project, S.WITHDRAWN)
    Invitation.objects.filter(project=project, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.CANCELLED
    )
    record(
        actor=actor,
        action="project.withdraw",
        target=project,
        summary=f"Projet {project.acronym} abandonné",
        previous=old,
    )
    return project


@transaction.atomic
def record_outcome(*, actor, project: Project, funded: bool) -> Project:
    """Staff record the funders' final decision on a submitted project."""
    if actor is None or not actor.is_superuser:
        raise PermissionDenied
    project = _locked(project)
    _check_open(project)  # an outcome is recorded once
    old = change_status(project, S.FUNDED if funded else S.NOT_FUNDED)
    record(
        actor=actor,
        action="project.outcome",
        target=project,
        summary=f"Projet {project.acronym} {'financé' if funded else 'non financé'}",
        previous=old,
    )
    return project


# --- invitations --------------------------------------------------------------------------


def _check_not_in_consortium(project: Project, organisation: Organisation) -> None:
    if ProjectPartner.objects.filter(project=project, organisation=organisation).exists():
        raise ProjectError(
            _("%(organisation)s fait déjà partie du consortium.") % {"organisation": organisation}
        )
    pending = Q(organisation=organisation)
    if organisation.siren:
        pending |= Q(organisation__isnull=True, siret__startswith=organisation.siren)
    if Invitation.objects.filter(
        pending, project=project, status=InvitationStatus.PENDING
    ).exists():
        raise ProjectError(
            _("%(organisation)s est déjà invitée : elle n'a pas encore répondu.")
            % {"organisation": organisation}
        )


def _after_invitation(actor, project: Project, invitation: Invitation) -> Invitation:
    if project.status == S.IDEA:
        change_status(project, S.CONSORTIUM)
    who = invitation.organisation or invitation.siret
    record(
        actor=actor,
        action="project.invite",
        target=project,
        summary=f"{who} invitée dans le consortium {project.acronym}",
        invitation=invitation.pk,
        source=invitation.source,
    )
    recipients = (_admin_emails(invitation.organisation) if invitation.organisation else []) or [
        invitation.email
    ]
    send_templated_mail(
        template="email/project_invitation",
        to=recipients,
        context={"invitation": invitation, "project": project, "inviter": actor},
    )
    return invitation


@transaction.atomic
def invite_organisation(
    *, actor, project: Project, organisation: Organisation, message: str = "", interest=None
) -> Invitation:
    """Invite an organisation of the directory (or one that expressed an accepted interest)."""
    project = _locked(project)
    _check_coordinator(actor, project)
    _check_open(project)
    _check_not_in_consortium(project, organisation)
    source = InvitationSource.DIRECTORY
    if interest is not None:
        interest = Interest.objects.get(pk=interest.pk)
        if (
            interest.organisation_id != organisation.pk
            or interest.status != InterestStatus.ACCEPTED
            or project.partner_search_id != interest.posting_id
        ):
            raise ProjectError(_("Cet intérêt ne peut pas servir à inviter cette organisation."))
        source = InvitationSource.INTEREST
    invitation = Invitation(
        project=project,
        organisation=organisation,
        siret=organisation.siret,
        source=source,
        interest=interest,
        message=message,
        invited_by=actor,
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ProjectError(
            _("%(organisation)s est déjà invitée.") % {"organisation": organisation}
        ) from None
    return _after_invitation(actor, project, invitation)


@transaction.atomic
def invite_by_siret(
    *, actor, project: Project, siret: str, email: str, message: str = ""
) -> Invitation:
    """Invite an organisation by SIRET and e-mail; if it is on the portal, invite it directly."""
    project = _locked(project)
    _check_coordinator(actor, project)
    _check_open(project)
    compact = siret_number.compact(siret or "")
    try:
        siret_number.validate(compact)
    except Exception:  # noqa: BLE001 (stdnum raises several ValidationError subclasses)
        raise ValidationError(
            {"siret": _("Ce SIRET n'est pas valide (14 chiffres, clé de Luhn).")}
        ) from None
    known = Organisation.objects.filter(siren=compact[:9]).order_by("pk").first()
    if known is not None:
        _check_not_in_consortium(project, known)
    elif Invitation.objects.filter(
        project=project, siret=compact, status=InvitationStatus.PENDING
    ).exists():
        raise ProjectError(_("Ce SIRET est déjà invité : l'organisation n'a pas encore répondu."))
    invitation = Invitation(
        project=project,
        organisation=known,
        siret=compact,
        email=email,
        source=InvitationSource.EMAIL if known is None else InvitationSource.DIRECTORY,
        message=message,
        invited_by=actor,
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ProjectError(
            _("Ce SIRET est déjà invité : l'organisation n'a pas encore répondu.")
        ) from None
    return _after_invitation(actor, project, invitation)


def invitations_for(user):
    """Pending invitations `user` may answer: to organisations he is an admin of, including
    those sent by SIRET before the organisation was on the portal."""
    admin_of = Organisation.objects.filter(
        affiliations__user=user, affiliations__role=AffiliationRole.ADMIN
    )
    sirens = [siren for siren in admin_of.values_list("siren", flat=True) if siren]
    by_siren = Q()
    for siren in sirens:
        by_siren |= Q(siret__startswith=siren)
    query = Q(organisation__in=admin_of)
    if sirens:
        query |= Q(organisation__isnull=True) & by_siren
    return (
        Invitation.objects.filter(query, status=InvitationStatus.PENDING)
        .select_related("project__coordinator", "organisation", "invited_by")
        .order_by("-created_at")
    )


@transaction.atomic
def answer_invitation(
    *, actor, invitation: Invitation, accept: bool, organisation: Organisation | None = None
) -> Invitation:
    """An admin of the invited organisation accepts (it joins the consortium) or declines.

    For an invitation by SIRET, `organisation` is the actor's organisation with that SIREN.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("project", "organisation")
        .get(pk=invitation.pk)
    )
    if not invitations_for(actor).filter(pk=invitation.pk).exists():
        raise PermissionDenied
    organisation = invitation.organisation or organisation
    if organisation is None or (
        invitation.organisation is None
        and not (organisation.siren and invitation.siret.startswith(organisation.siren))
    ):
        raise ProjectError(_("Choisissez l'organisation invitée."))
    if (
        invitation.organisation is None
        and not Affiliation.objects.filter(
            user=actor, organisation=organisation, role=AffiliationRole.ADMIN
        ).exists()
    ):
        # Another establishment of the same SIREN that the actor does not administer.
        raise PermissionDenied
    project = _locked(invitation.project)
    if accept:
        _check_open(project)
    invitation.organisation = organisation
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.answered_by = actor
    invitation.answered_at = timezone.now()
    invitation.save()
    if accept:
        ProjectPartner.objects.get_or_create(
            project=project,
            organisation=organisation,
            defaults={"rd_region": organisation.region, "updated_by": actor},
        )
    record(
        actor=actor,
        action="project.invitation_accept" if accept else "project.invitation_decline",
        target=project,
        summary=(
            f"{organisation} {'rejoint' if accept else 'décline'} le consortium {project.acronym}"
        ),
        invitation=invitation.pk,
    )
    send_templated_mail(
        template="email/project_invitation_answered",
        to=_admin_emails(project.coordinator)
        or ([invitation.invited_by.email] if invitation.invited_by else []),
        context={
            "invitation": invitation,
            "project": project,
            "organisation": organisation,
            "accepted": accept,
        },
    )
    return invitation


@transaction.atomic
def cancel_invitation(*, actor, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
    _check_coordinator(actor, invitation.project)
    if invitation.status != InvitationStatus.PENDING:
        raise ProjectError(_("Cette invitation a déjà reçu une réponse."))
    invitation.status = InvitationStatus.CANCELLED
    invitation.save(update_fields=["status"])
    record(
        actor=actor,
        action="project.invitation_cancel",
        target=invitation.project,
        summary=f"Invitation de {invitation.organisation or invitation.siret} annulée",
        invitation=invitation.pk,
    )
    return invitation


@transaction.atomic
def remove_partner(*, actor, partner: ProjectPartner) -> None:
    """The coordinator removes a partner (never itself); its part and attachments go."""
    project = _locked(partner.project)
    _check_coordinator(actor, project)
    _check_open(project)
    if partner.organisation_id == project.coordinator_id:
        raise ProjectError(_("Le coordinateur ne peut pas se retirer du consortium."))
    name = str(partner.organisation)
    files = [(a.file.storage, a.file.name) for a in partner.attachments.all()]
    partner.delete()
    # The files go once the deletion is committed; a submitted dossier keeps its own copies.
    transaction.on_commit(lambda: [storage.delete(file_name) for storage, file_name in files])
    record(
        actor=actor,
        action="project.remove_partner",
        target=project,
        summary=f"{name} retiré du consortium {project.acronym}",
    )


# --- parts --------------------------------------------------------------------------------


@transaction.atomic
def update_part(*, actor, partner: ProjectPartner, version: int, **fields) -> ProjectPartner:
    """Save a partner's part if nobody saved it since `version` was read.

    Raises `StaleEdit` (carrying the current part) when someone did: nothing is overwritten.
    """
    if not permissions.can_edit_part(actor, partner):
        raise PermissionDenied
    unknown = set(fields) - set(PART_FIELDS)
    if unknown:
        raise TypeError(f"unknown part fields: {sorted(unknown)}")
    current = (
        ProjectPartner.objects.select_for_update(of=("self",))
        .select_related("project", "organisation", "updated_by")
        .get(pk=partner.pk)
    )
    _check_open(current.project)
    if current.version != version:
        raise StaleEdit(
            _(
                "%(who)s a enregistré cette partie pendant que vous la modifiiez. "
                "Vos saisies sont conservées ci-dessous : comparez avec la version actuelle "
                "et enregistrez de nouveau."
            )
            % {
                "who": (current.updated_by.get_full_name() or current.updated_by.email)
                if current.updated_by
                else _("Quelqu'un")
            },
            current,
        )
    for name, value in fields.items():
        setattr(current, name, value)
    if current.organisation.kind not in LAB_KINDS:
        current.cost_basis = ""
    current.full_clean()
    current.updated_by = actor
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    record(
        actor=actor,
        action="project.update_part",
        target=current.project,
        summary=f"Partie de {current.organisation} modifiée ({current.project.acronym})",
        partner=current.pk,
        version=current.version,
    )
    return current


@transaction.atomic
def add_attachment(
    *, actor, partner: ProjectPartner, kind: str, title: str, upload
) -> PartAttachment:
    """Attach a PDF (checked by its content, limited to `ATTACHMENT_MAX_BYTES`)."""
    if not permissions.can_edit_part(actor, partner):
        raise PermissionDenied
    _check_open(partner.project)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {
                "upload": _("Le fichier dépasse %(size)s Mo.")
                % {"size": f"{limit / 1024 / 1024:.0f}"}
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    if head != PDF_MAGIC:
        raise ValidationError({"upload": _("Seuls les fichiers PDF sont acceptés.")})
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Nature de pièce inconnue.")})
    attachment = PartAttachment(
        partner=partner,
        kind=kind,
        title=title.strip() or upload.name,
        original_name=(upload.name or "document.pdf")[:200],
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("document.pdf", upload, save=False)
    attachment.save()
    record(
        actor=actor,
        action="project.attach",
        target=partner.project,
        summary=f"Pièce « {attachment.title} » ajoutée par {partner.organisation}",
        attachment=attachment.pk,
        sha256=attachment.sha256,
    )
    return attachment


@transaction.atomic
def delete_attachment(*, actor, attachment: PartAttachment) -> None:
    partner = attachment.partner
    if not permissions.can_edit_part(actor, partner):
        raise PermissionDenied
    _check_open(partner.project)
    title = attachment.title
    attachment.delete()
    # The file goes after commit; a submitted dossier keeps its own copy.
    transaction.on_commit(lambda: attachment.file.storage.delete(attachment.file.name))
    record(
        actor=actor,
        action="project.detach",
        target=partner.project,
        summary=f"Pièce « {title} » retirée par {partner.organisation}",
    )


# --- labels -------------------------------------------------------------------------------


@transaction.atomic
def request_labels(*, actor, project: Project, poles) -> list[LabelRequest]:
    """Ask `poles` (lead first) for a label. The first request ever made names the lead pôle."""
    project = _locked(project)
    _check_coordinator(actor, project)
    _check_open(project)
    poles = list(poles)
    if not poles:
        raise ValidationError({"poles": _("Choisissez au moins un pôle.")})
    existing = {request.pole_id: request for request in project.label_requests.all()}
    next_rank = max((request.rank for request in existing.values()), default=-1) + 1
    created = []
    for pole in poles:
        if pole.pk in existing:
            continue
        created.append(
            LabelRequest.objects.create(
                project=project, pole=pole, rank=next_rank, requested_by=actor
            )
        )
        next_rank += 1
    if not created:
        raise ProjectError(_("Ces pôles ont déjà reçu une demande de label."))
    if project.status in (S.IDEA, S.CONSORTIUM):
        change_status(project, S.LABELLING)
    record(
        actor=actor,
        action="project.request_labels",
        target=project,
        summary=f"Label demandé pour {project.acronym} à "
        + ", ".join(str(request.pole) for request in created),
        poles=[request.pole.slug for request in created],
    )
    staff_emails = list(
        PoleStaff.objects.filter(pole__in=[request.pole for request in created])
        .values_list("user__email", flat=True)
        .distinct()
        .order_by("user__email")
    )
    send_templated_mail(
        template="email/label_requested",
        to=staff_emails,
        context={"project": project, "requests": created},
    )
    return created


@transaction.atomic
def decide_label(
    *, actor, label_request: LabelRequest, labelled: bool, committee_date, comments: str = ""
) -> LabelRequest:
    """A pôle's staff record its committee's decision; the consortium is told by e-mail."""
    label_request = (
        LabelRequest.objects.select_for_update(of=("self",))
        .select_related("project", "pole")
        .get(pk=label_request.pk)
    )
    if not permissions.can_decide_label(actor, label_request):
        raise PermissionDenied
    project = _locked(label_request.project)
    _check_open(project)
    if committee_date is None:
        raise ValidationError({"committee_date": _("Indiquez la date du comité.")})
    if committee_date > timezone.localdate():
        raise ValidationError({"committee_date": _("Le comité ne peut pas être daté du futur.")})
    label_request.status = LabelStatus.LABELLED if labelled else LabelStatus.REFUSED
    label_request.committee_date = committee_date
    label_request.comments = comments
    label_request.decided_by = actor
    label_request.decided_at = timezone.now()
    label_request.full_clean()
    label_request.save()
    statuses = set(project.label_requests.values_list("status", flat=True))
    if project.status in (S.LABELLING, S.LABELLED):
        if LabelStatus.LABELLED in statuses:
            change_status(project, S.LABELLED)
        else:
            # No label left (a decision may be corrected): back to labelling, and on to the
            # consortium when every pôle refused (LABELLED → CONSORTIUM goes through LABELLING).
            change_status(project, S.LABELLING)
            if statuses == {LabelStatus.REFUSED}:
                change_status(project, S.CONSORTIUM)
    record(
        actor=actor,
        action="project.label_decision",
        target=project,
        summary=(
            f"{label_request.pole} : {project.acronym} "
            f"{'labellisé' if labelled else 'non labellisé'} (comité du {committee_date:%d/%m/%Y})"
        ),
        pole=label_request.pole.slug,
        labelled=labelled,
    )
    send_templated_mail(
        template="email/label_decided",
        to=consortium_emails(project),
        context={"project": project, "label_request": label_request, "labelled": labelled},
    )
    return label_request


# --- eligibility of a project -------------------------------------------------------------


@dataclass(frozen=True)
class PartIssue:
    """A part that cannot be evaluated as it stands; the verdict assumed the least aid."""

    partner: ProjectPartner
    message: str


@dataclass(frozen=True)
class ProjectEvaluation:
    verdict: Verdict | None
    issues: tuple[PartIssue, ...]
    rows: tuple  # (ProjectPartner, PartnerResult) in consortium order

    @property
    def complete(self) -> bool:
        return not self.issues

    @property
    def submittable(self) -> bool:
        return (
            self.verdict is not None
            and self.complete
            and self.verdict.eligible
            and self.verdict.check("labelled").status == eligibility.PASS
        )


def engine_partner(part: ProjectPartner, coordinator_id: int) -> tuple[Partner, list[str]]:
    """The engine's view of a part, and what is missing (filled with the least favourable
    assumption so that the checklist and the aid table still show)."""
    organisation = part.organisation
    problems = []
    kind = organisation.kind
    employees = organisation.headcount
    turnover = organisation.turnover_eur
    balance = organisation.balance_sheet_eur
    if kind == OrganisationKind.COMPANY and (
        employees is None or (turnover is None and balance is None)
    ):
        problems.append(
            _(
                "effectif et chiffre d'affaires ou total de bilan inconnus : l'entreprise est "
                "comptée comme grande entreprise ; complétez la fiche de l'organisation"
            )
        )
        employees, turnover, balance = 10**6, None, 10**13
    cost_basis = part.cost_basis or None
    if kind in LAB_KINDS and not cost_basis:
        problems.append(_("assiette des coûts non choisie : comptée en coûts complets"))
        cost_basis = eligibility.FULL
    if part.rd_region_id is None:
        problems.append(_("région des travaux de R&D non renseignée : comptée hors territoire"))
    if part.total_expenses_eur == 0:
        problems.append(_("aucune dépense saisie"))
    partner = Partner(
        name=str(organisation.name),
        kind=kind,
        region=part.rd_region.code if part.rd_region_id else "",
        expenses_eur=part.total_expenses_eur,
        employees=employees,
        turnover_eur=turnover,
        balance_sheet_eur=balance,
        group=organisation.group_name or None,
        coordinator=organisation.pk == coordinator_id,
        cost_basis=cost_basis
        if kind in (OrganisationKind.RESEARCH, OrganisationKind.TRAINING)
        else None,
    )
    return partner, problems


def with_region_lists(queryset, pole_path: str = "") -> list:
    """The rows of `queryset` (pôles, or objects whose pôle is at `pole_path`, selected with
    it), in its order, each pôle with `region_list`: its regions by code. One query: the
    regions are joined (one row per region, LEFT JOIN) and folded back here, instead of a
    second query to prefetch them."""
    prefix = f"{pole_path}__" if pole_path else ""
    rows = queryset.annotate(
        _region_code=F(f"{prefix}regions__code"), _region_name=F(f"{prefix}regions__name")
    )
    objects: dict[int, object] = {}
    for row in rows:
        kept = objects.setdefault(row.pk, row)
        pole = _pole_at(kept, pole_path)
        if kept is row:
            pole.region_list = []
        if row._region_code is not None:
            pole.region_list.append(Region(code=row._region_code, name=row._region_name))
    for row in objects.values():
        _pole_at(row, pole_path).region_list.sort(key=lambda region: region.code)
    return list(objects.values())


def _pole_at(row, pole_path: str):
    return getattr(row, pole_path) if pole_path else row


def pole_regions(pole) -> list:
    """The pôle's regions by code: `region_list` when `with_region_lists` read them."""
    regions = getattr(pole, "region_list", None)
    if regions is None:
        regions = sorted(pole.regions.all(), key=lambda region: region.code)
    return regions


def project_label_requests(project: Project) -> list[LabelRequest]:
    """The project's label requests, lead first, with their pôles and the pôles' regions
    (`pole.region_list`), in one query."""
    return with_region_lists(
        project.label_requests.select_related("pole").order_by("rank", "pk"), "pole"
    )


def project_parts(project: Project) -> list[ProjectPartner]:
    """The consortium's parts in joining order, with organisation and region of R&D."""
    return list(
        project.partners.select_related("organisation", "rd_region").order_by("joined_at", "pk")
    )


def project_labelling_poles(project: Project, label_requests) -> list[LabellingPole]:
    """Pôles asked for a label (lead first), refused ones left out; granted = counts for the
    target call (committee on or before its deadline day)."""
    poles = []
    for request in sorted(label_requests, key=lambda r: (r.rank, r.pk)):
        if request.status == LabelStatus.REFUSED:
            continue
        poles.append(
            LabellingPole(
                slug=request.pole.slug,
                name=request.pole.short_name or request.pole.name,
                regions=frozenset(region.code for region in pole_regions(request.pole)),
                label_granted=request.counts_for(project.call),
                label_pending=request.status == LabelStatus.REQUESTED,
            )
        )
    return poles


def evaluate_project(project: Project, *, parts=None, label_requests=None) -> ProjectEvaluation:
    """The live checklist and aid table of a project, for its target call.

    Expects `project` with `call`. `parts` (`project_parts`) and `label_requests`
    (`project_label_requests`) when the caller has read them already; otherwise they are
    read here (two queries at most).
    """
    if parts is None:
        parts = project_parts(project)
    issues = []
    engine_partners = []
    for part in parts:
        partner, problems = engine_partner(part, project.coordinator_id)
        engine_partners.append(partner)
        issues.extend(PartIssue(part, message) for message in problems)
    if project.call is None:
        return ProjectEvaluation(verdict=None, issues=tuple(issues), rows=())
    if label_requests is None:
        label_requests = project_label_requests(project)
    poles = project_labelling_poles(project, label_requests)
    verdict = eligibility.evaluate(project.call.rules(), poles, engine_partners)
    return ProjectEvaluation(
        verdict=verdict, issues=tuple(issues), rows=tuple(zip(parts, verdict.partners, strict=True))
    )
