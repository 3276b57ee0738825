"""Funded projects and their outcomes: the public record's selectors and the reports' writes.

A project is *funded* when its status is « Financé » and at least one funder's decision to
fund it has been released to the applicants (`funding.Decision.released_at`). Only such
projects have a public record (`funded:*`) and appear in the open data; their aid is read from
the released funded decisions only (held decisions, refusals and requests for information
never show).

The coordinator (people of the coordinating organisation, `permissions.can_coordinate`) of a
funded project reports its outcomes at the end and later (`report_outcome`, `update_outcome`):
figures are cumulative for the whole consortium at `as_of`; the latest report is the one the
dashboards count (`latest_outcomes`). Each write checks permission and state, validates, and
leaves an audit entry. Refusals are `OutcomeError` (translated message); invalid values
`ValidationError`s keyed by field.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from funding.models import Decision, DecisionAid, DecisionOutcome
from members.models import Membership, MembershipStatus, Organisation
from projects import permissions
from projects.models import (
    LabelRequest,
    LabelStatus,
    OutcomeReport,
    Project,
    ProjectPartner,
    ProjectStatus,
)

OUTCOME_FIELDS = (
    "stage",
    "as_of",
    "products_on_market",
    "products_description",
    "jobs_created",
    "jobs_kept",
    "patents_filed",
    "follow_on_funding_eur",
    "follow_on_funding_sources",
    "public_summary",
)
FIGURE_FIELDS = (
    "products_on_market",
    "jobs_created",
    "jobs_kept",
    "patents_filed",
    "follow_on_funding_eur",
)


class OutcomeError(Exception):
    """An outcome report that cannot be written now; the message says why, translated."""


# --- selectors: funded projects -------------------------------------------------------------


def released_funding_decisions() -> QuerySet:
    """Decisions to fund that the applicants have been told of."""
    return Decision.objects.filter(outcome=DecisionOutcome.FUNDED, released_at__isnull=False)


def funded_projects() -> QuerySet:
    """Projects « Financé » with at least one released decision to fund them, annotated with
    `funded_at` (the first such release), newest first."""
    released = released_funding_decisions().filter(project=OuterRef("pk"))
    first_release = (
        released_funding_decisions()
        .filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(first=Min("released_at"))
        .values("first")
    )
    return (
        Project.objects.filter(status=ProjectStatus.FUNDED)
        .filter(Exists(released))
        .annotate(funded_at=Subquery(first_release))
        .order_by("-funded_at", "acronym", "pk")
    )


def with_public_record(queryset: QuerySet) -> QuerySet:
    """`queryset` of funded projects with everything their public record reads, prefetched
    (a fixed number of queries whatever the number of projects): the call, the labelling
    pôles, the partners with their organisation's region and active memberships, the released
    decisions to fund with their aids, the outcome reports."""
    return queryset.select_related("call", "coordinator", "origin_event__pole").prefetch_related(
        Prefetch(
            "label_requests",
            queryset=LabelRequest.objects.filter(status=LabelStatus.LABELLED)
            .select_related("pole")
            .order_by("rank", "pk"),
            to_attr="labels",
        ),
        Prefetch(
            "partners",
            queryset=ProjectPartner.objects.select_related(
                "organisation__region", "rd_region"
            ).order_by("joined_at", "pk"),
            to_attr="partner_list",
        ),
        Prefetch(
            "funding_decisions",
            queryset=released_funding_decisions()
            .select_related("funder", "call")
            .prefetch_related(
                Prefetch(
                    "aids",
                    queryset=DecisionAid.objects.select_related("organisation__region").order_by(
                        "pk"
                    ),
                )
            )
            .order_by("funder__kind", "funder__name", "pk"),
            to_attr="released_decisions",
        ),
        Prefetch(
            "outcomes",
            queryset=OutcomeReport.objects.order_by("-as_of", "-pk"),
            to_attr="outcome_list",
        ),
    )


def get_funded_project(pk: int) -> Project:
    """A funded project's public record; anything else answers 404."""
    from django.http import Http404  # noqa: PLC0415

    project = with_public_record(funded_projects().filter(pk=pk)).first()
    if project is None:
        raise Http404
    return project


@dataclass
class PartnerAid:
    """A partner on the public record, and the aid each funder granted it."""

    organisation: Organisation
    is_coordinator: bool
    by_funder: list = field(default_factory=list)  # [(funder, amount_eur)]

    @property
    def total_eur(self) -> int:
        return sum(amount for _funder, amount in self.by_funder)


@dataclass
class PublicRecord:
    project: Project
    call: object
    poles: list
    partners: list  # [PartnerAid]
    funders: list
    total_aid_eur: int
    released_at: object
    outcomes: list
    latest_outcome: OutcomeReport | None

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.released_at).year if self.released_at else None


def public_record(project: Project) -> PublicRecord:
    """What anyone may read of a funded project (from `with_public_record`): no summary,
    budget, attachment, review or score."""
    decisions = project.released_decisions
    aids: dict[int, list] = defaultdict(list)
    funders = []
    organisations = {}
    for decision in decisions:
        if decision.funder not in funders:
            funders.append(decision.funder)
        for aid in decision.aids.all():
            aids[aid.organisation_id].append((decision.funder, aid.amount_eur))
            organisations[aid.organisation_id] = aid.organisation
    partners = []
    seen = set()
    for part in project.partner_list:
        seen.add(part.organisation_id)
        partners.append(
            PartnerAid(
                organisation=part.organisation,
                is_coordinator=part.organisation_id == project.coordinator_id,
                by_funder=aids.get(part.organisation_id, []),
            )
        )
    # An organisation granted aid that has since left the consortium still shows.
    for pk, organisation in organisations.items():
        if pk not in seen:
            partners.append(
                PartnerAid(organisation=organisation, is_coordinator=False, by_funder=aids[pk])
            )
    call = decisions[0].call if decisions else project.call
    released = min((d.released_at for d in decisions), default=None)
    outcomes = project.outcome_list
    return PublicRecord(
        project=project,
        call=call,
        poles=[label.pole for label in project.labels],
        partners=partners,
        funders=funders,
        total_aid_eur=sum(partner.total_eur for partner in partners),
        released_at=released,
        outcomes=outcomes,
        latest_outcome=outcomes[0] if outcomes else None,
    )


def active_pole_memberships() -> Prefetch:
    """An organisation's active memberships with their pôle (for `memberships_active`)."""
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .select_related("pole")
        .order_by("pole__short_name", "pole__slug"),
        to_attr="memberships_active",
    )


# --- selectors: outcomes ---------------------------------------------------------------------


def outcomes_of(project: Project) -> QuerySet:
    return OutcomeReport.objects.filter(project=project).select_related("reported_by")


def latest_outcomes(projects=None) -> QuerySet:
    """The latest report of each funded project (what the dashboards count): the most recent
    `as_of`, the newest report on a tie."""
    newest = OutcomeReport.objects.filter(project=OuterRef("project")).order_by("-as_of", "-pk")
    reports = OutcomeReport.objects.filter(
        project__in=funded_projects() if projects is None else projects
    )
    return reports.filter(pk=Subquery(newest.values("pk")[:1])).select_related("project")


def can_report_outcomes(user, project: Project) -> bool:
    """The coordinator's people, on a funded project."""
    return project.status == ProjectStatus.FUNDED and permissions.can_coordinate(user, project)


# --- services --------------------------------------------------------------------------------


def _check(actor, project: Project) -> None:
    if not permissions.can_coordinate(actor, project):
        raise PermissionDenied
    if project.status != ProjectStatus.FUNDED:
        raise OutcomeError(
            _(
                "Le projet est « %(status)s » : les retombées se déclarent une fois le projet "
                "financé."
            )
            % {"status": project.get_status_display()}
        )


def _validate(report: OutcomeReport) -> None:
    """Field checks (`full_clean`), then the rules: a date neither in the future nor before the
    project's start, figures not negative, one report per stage and date."""
    errors: dict[str, list] = {}
    try:
        report.full_clean(exclude=["project", "reported_by"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    today = timezone.localdate()
    if report.as_of is not None and "as_of" not in errors:
        if report.as_of > today:
            errors["as_of"] = [_("La date ne peut pas être dans le futur.")]
        elif report.project.start_date and report.as_of < report.project.start_date:
            errors["as_of"] = [
                _("La date ne peut pas précéder le début du projet (%(date)s).")
                % {"date": report.project.start_date.strftime("%d/%m/%Y")}
            ]
    for name in FIGURE_FIELDS:
        value = getattr(report, name)
        if isinstance(value, int) and value < 0:
            errors[name] = [_("Un nombre positif ou nul.")]
    if (
        report.as_of is not None
        and "as_of" not in errors
        and OutcomeReport.objects.filter(
            project=report.project, stage=report.stage, as_of=report.as_of
        )
        .exclude(pk=report.pk)
        .exists()
    ):
        errors["as_of"] = [
            _("Un bilan « %(stage)s » existe déjà à cette date : modifiez-le plutôt.")
            % {"stage": report.get_stage_display()}
        ]
    if errors:
        raise ValidationError(errors)


def _save(report: OutcomeReport, **kwargs) -> None:
    try:
        with transaction.atomic():
            report.save(**kwargs)
    except IntegrityError:
        # Another report for the same stage and date was saved meanwhile.
        raise ValidationError(
            {"as_of": _("Un bilan de cette étape existe déjà à cette date : modifiez-le plutôt.")}
        ) from None


def _locked(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("coordinator")
        .get(pk=project.pk)
    )


@transaction.atomic
def report_outcome(*, actor, project: Project, **fields) -> OutcomeReport:
    """The coordinator reports a funded project's outcomes at a date.

    Side effects: an audit entry. Refused (`OutcomeError`) unless the project is funded;
    `PermissionDenied` unless `actor` acts for the coordinator.
    """
    project = _locked(project)
    _check(actor, project)
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"unknown outcome fields: {sorted(unknown)}")
    report = OutcomeReport(project=project, reported_by=actor, **fields)
    _validate(report)
    _save(report)
    record(
        actor=actor,
        action="outcome.report",
        target=project,
        summary=f"Retombées de {project.acronym} déclarées au {report.as_of:%d/%m/%Y}",
        report=report.pk,
        stage=report.stage,
        as_of=report.as_of.isoformat(),
        figures={name: getattr(report, name) for name in FIGURE_FIELDS},
    )
    return report


@transaction.atomic
def update_outcome(*, actor, report: OutcomeReport, **fields) -> OutcomeReport:
    """The coordinator corrects a report. Side effects: an audit entry naming the fields."""
    project = _locked(report.project)
    _check(actor, project)
    unknown = set(fields) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"unknown outcome fields: {sorted(unknown)}")
    report = OutcomeReport.objects.select_for_update().get(pk=report.pk, project=project)
    report.project = project
    changed = [name for name, value in fields.items() if getattr(report, name) != value]
    for name, value in fields.items():
        setattr(report, name, value)
    _validate(report)
    if changed:
        report.reported_by = actor
        _save(report, update_fields=[*changed, "reported_by", "updated_at"])
    record(
        actor=actor,
        action="outcome.update",
        target=project,
        summary=f"Retombées de {project.acronym} au {report.as_of:%d/%m/%Y} modifiées",
        report=report.pk,
        fields=sorted(changed),
    )
    return report


def get_outcome_project(user, pk: int) -> Project:
    """The project whose outcomes `user` reports: 404 out of his scope or when the project is
    not funded, 403 when he sees it without acting for the coordinator."""
    from django.http import Http404  # noqa: PLC0415

    project = permissions.get_project_for_user(user, pk)
    if project.status != ProjectStatus.FUNDED:
        raise Http404
    if not permissions.can_coordinate(user, project):
        raise PermissionDenied
    return project
