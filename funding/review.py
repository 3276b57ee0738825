"""Writes of the review by funders: assignments, conflicts, reviews, decisions, release.

Keyword-only arguments and an explicit `actor`; permission and state checked first; one
transaction; an audit entry for every assignment, conflict, review submission, reopening,
decision and release; e-mails after commit. Refusals are `ReviewError` (translated message);
bad field values `ValidationError`s keyed by field; acting outside one's role
`PermissionDenied`.

Conflicts of interest come from the directory: a reviewer may not review a dossier in which
an organisation he works for, or an organisation of the same group, is a partner.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from funding import permissions
from funding.models import (
    Assignment,
    AssignmentStatus,
    Call,
    Decision,
    DecisionAid,
    DecisionOutcome,
    DossierVersion,
    Funder,
    FunderMember,
    FunderRole,
    Review,
    ReviewStatus,
    Score,
)
from members.models import Organisation
from members.services import send_templated_mail
from projects.models import Project, ProjectStatus


class ReviewError(Exception):
    """An action that cannot be done now; the message says why, translated."""


# --- conflicts of interest ----------------------------------------------------------------


def normalise_group(group: str) -> str:
    """A group name as compared for conflicts of interest (case and spacing ignored)."""
    return " ".join((group or "").split()).casefold()


def conflicts_of_interest(user, project: Project, call: Call | None = None) -> list[str]:
    """Why `user` may not review `project` (empty when he may): the organisations he works
    for that are partners, or of the same group as a partner. Partners are those of the
    latest dossier version for `call` and of the live consortium."""
    own = list(
        Organisation.objects.filter(affiliations__user=user).values("pk", "name", "group_name")
    )
    if not own:
        return []
    partners = list(
        Organisation.objects.filter(project_parts__project=project).values(
            "pk", "name", "group_name", "slug"
        )
    )
    frozen_slugs = set()
    if call is not None:
        latest = (
            DossierVersion.objects.filter(project=project, call=call).order_by("-number").first()
        )
        if latest is not None:
            for part in latest.content.get("partners", []):
                frozen_slugs.add(part["organisation"].get("slug"))
    if frozen_slugs:
        known = {p["slug"] for p in partners}
        partners += list(
            Organisation.objects.filter(slug__in=frozen_slugs - known).values(
                "pk", "name", "group_name", "slug"
            )
        )
    reasons = []
    partner_ids = {p["pk"]: p for p in partners}
    groups = {normalise_group(p["group_name"]): p for p in partners}
    groups.pop("", None)
    for organisation in own:
        if organisation["pk"] in partner_ids:
            reasons.append(
                _("%(organisation)s, pour qui il travaille, est partenaire du projet.")
                % {"organisation": organisation["name"]}
            )
        elif normalise_group(organisation["group_name"]) in groups:
            partner = groups[normalise_group(organisation["group_name"])]
            reasons.append(
                _("%(organisation)s, pour qui il travaille, est du même groupe que %(partner)s.")
                % {"organisation": organisation["name"], "partner": partner["name"]}
            )
    return reasons


# --- assignments --------------------------------------------------------------------------


def _check_manager(actor, call: Call) -> None:
    if actor is None or not permissions.can_manage_call(actor, call):
        raise PermissionDenied


def latest_version(project: Project, call: Call) -> DossierVersion | None:
    return DossierVersion.objects.filter(project=project, call=call).order_by("-number").first()


@transaction.atomic
def assign_reviewer(*, actor, project: Project, call: Call, reviewer, funder: Funder) -> Assignment:
    """Assign `reviewer` (a reviewer of `funder`, a funder of `call`) to the project's dossier."""
    _check_manager(actor, call)
    if not call.funders.filter(pk=funder.pk).exists():
        raise ReviewError(
            _("%(funder)s ne finance pas l'appel « %(call)s ».") % {"funder": funder, "call": call}
        )
    if not FunderMember.objects.filter(
        funder=funder, user=reviewer, role=FunderRole.REVIEWER
    ).exists():
        raise ReviewError(
            _("%(person)s n'est pas évaluateur pour %(funder)s.")
            % {"person": reviewer.get_full_name() or reviewer.email, "funder": funder}
        )
    if latest_version(project, call) is None:
        raise ReviewError(_("Ce projet n'a pas déposé de dossier sur cet appel."))
    reasons = conflicts_of_interest(reviewer, project, call)
    if reasons:
        raise ReviewError(_("Conflit d'intérêts : %(reasons)s") % {"reasons": " ".join(reasons)})
    existing = Assignment.objects.filter(project=project, call=call, reviewer=reviewer).first()
    if existing is not None:
        if existing.status == AssignmentStatus.ACTIVE:
            raise ReviewError(_("Cet évaluateur est déjà assigné à ce dossier."))
        if existing.status == AssignmentStatus.CONFLICT:
            raise ReviewError(_("Cet évaluateur a déclaré un conflit d'intérêts sur ce dossier."))
        existing.status = AssignmentStatus.ACTIVE
        existing.funder = funder
        existing.assigned_by = actor
        existing.save(update_fields=["status", "funder", "assigned_by"])
        assignment = existing
    else:
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    project=project, call=call, reviewer=reviewer, funder=funder, assigned_by=actor
                )
        except IntegrityError:
            raise ReviewError(_("Cet évaluateur est déjà assigné à ce dossier.")) from None
    record(
        actor=actor,
        action="review.assign",
        target=project,
        summary=f"{reviewer.email} assigné à {project.acronym} ({call.slug}, {funder})",
        call=call.slug,
        reviewer=reviewer.email,
        assignment=assignment.pk,
    )
    send_templated_mail(
        template="email/review_assigned",
        to=[reviewer.email],
        context={"assignment": assignment, "project": project, "call": call},
    )
    return assignment


@transaction.atomic
def withdraw_assignment(*, actor, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _check_manager(actor, assignment.call)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ReviewError(_("Cette assignation n'est plus active."))
    assignment.status = AssignmentStatus.WITHDRAWN
    assignment.save(update_fields=["status"])
    record(
        actor=actor,
        action="review.withdraw",
        target=assignment.project,
        summary=f"Assignation de {assignment.reviewer.email} retirée",
        assignment=assignment.pk,
    )
    return assignment


@transaction.atomic
def declare_conflict(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """The reviewer declares a conflict of interest: he is withdrawn from the dossier."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if actor is None or actor.pk != assignment.reviewer_id:
        raise PermissionDenied
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ReviewError(_("Cette assignation n'est plus active."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites en une phrase d'où vient le conflit.")})
    assignment.status = AssignmentStatus.CONFLICT
    assignment.conflict_reason = reason[:500]
    assignment.save(update_fields=["status", "conflict_reason"])
    record(
        actor=actor,
        action="review.conflict",
        target=assignment.project,
        summary=f"Conflit d'intérêts déclaré par {actor.email}",
        assignment=assignment.pk,
        reason=assignment.conflict_reason,
    )
    return assignment


# --- reviews ------------------------------------------------------------------------------


@transaction.atomic
def save_review(
    *,
    actor,
    assignment: Assignment,
    scores: dict,
    comment_committee: str = "",
    comment_applicants: str = "",
    submit: bool = False,
) -> Review:
    """Save the reviewer's scores (criterion pk → 0..5) and comments; `submit` hands it in.

    A submitted review is closed: only a manager of the call reopens it.
    """
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("call", "project")
        .get(pk=assignment.pk)
    )
    if actor is None or actor.pk != assignment.reviewer_id:
        raise PermissionDenied
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ReviewError(_("Vous n'êtes plus assigné à ce dossier."))
    review = Review.objects.filter(assignment=assignment).first()
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise ReviewError(
            _("Cette évaluation est remise : seul un gestionnaire de l'appel peut la rouvrir.")
        )
    criteria = {criterion.pk: criterion for criterion in assignment.call.criteria.all()}
    errors = {}
    clean = {}
    for key, value in scores.items():
        criterion = criteria.get(int(key))
        if criterion is None:
            continue
        if value in (None, ""):
            continue
        if not isinstance(value, int) or not 0 <= value <= 5:
            errors[f"score_{criterion.pk}"] = _("Une note entière de 0 à 5.")
            continue
        clean[criterion.pk] = value
    if submit:
        for pk in criteria:
            if pk not in clean and f"score_{pk}" not in errors:
                errors[f"score_{pk}"] = _("Notez ce critère avant de remettre l'évaluation.")
        if not (comment_committee or "").strip():
            errors["comment_committee"] = _("Écrivez un avis pour le comité.")
    if errors:
        raise ValidationError(errors)
    version = latest_version(assignment.project, assignment.call)
    if review is None:
        review = Review(assignment=assignment, version=version)
    review.version = version
    review.comment_committee = comment_committee or ""
    review.comment_applicants = comment_applicants or ""
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = timezone.now()
    review.save()
    Score.objects.filter(review=review).exclude(criterion_id__in=clean).delete()
    for pk, value in clean.items():
        Score.objects.update_or_create(review=review, criterion_id=pk, defaults={"value": value})
    if submit:
        record(
            actor=actor,
            action="review.submit",
            target=assignment.project,
            summary=f"Évaluation remise par {actor.email} ({assignment.call.slug})",
            assignment=assignment.pk,
            version=version.number,
            scores={str(criteria[pk].code): value for pk, value in clean.items()},
        )
    return review


@transaction.atomic
def reopen_review(*, actor, review: Review) -> Review:
    review = Review.objects.select_for_update().select_related("assignment__call").get(pk=review.pk)
    _check_manager(actor, review.assignment.call)
    if review.status != ReviewStatus.SUBMITTED:
        raise ReviewError(_("Cette évaluation n'est pas remise."))
    review.status = ReviewStatus.DRAFT
    review.reopened_at = timezone.now()
    review.reopened_by = actor
    review.save(update_fields=["status", "reopened_at", "reopened_by", "updated_at"])
    record(
        actor=actor,
        action="review.reopen",
        target=review.assignment.project,
        summary=f"Évaluation de {review.assignment.reviewer.email} rouverte",
        review=review.pk,
    )
    return review


def weighted_score(review: Review, criteria=None) -> Decimal | None:
    """The review's weighted mean (0–5, two decimals); None until every criterion is scored."""
    criteria = list(criteria if criteria is not None else review.assignment.call.criteria.all())
    values = {score.criterion_id: score.value for score in review.scores.all()}
    if not criteria or any(c.pk not in values for c in criteria):
        return None
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    weighted = sum((c.weight * values[c.pk] for c in criteria), Decimal(0))
    return (weighted / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- decisions ----------------------------------------------------------------------------


def requested_aid_by_organisation(version: DossierVersion) -> dict[str, int]:
    """Organisation slug → the aid computed in the frozen dossier."""
    return {
        part["organisation"]["slug"]: int(part["aid_eur"]) for part in version.content["partners"]
    }


@transaction.atomic
def record_decision(
    *,
    actor,
    project: Project,
    call: Call,
    funder: Funder,
    outcome: str,
    comment_applicants: str = "",
    aids: dict | None = None,
) -> Decision:
    """A funder's decision on a dossier; `aids` maps partner organisations (pk) to euros.

    Held until the call's decisions are released. The aids of all funders for one partner may
    not exceed the aid computed in the latest dossier version; aids only when funded.
    """
    if not permissions.can_decide_for(actor, funder):
        raise PermissionDenied
    if not call.funders.filter(pk=funder.pk).exists():
        raise ReviewError(
            _("%(funder)s ne finance pas l'appel « %(call)s ».") % {"funder": funder, "call": call}
        )
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": _("Choisissez une décision.")})
    version = latest_version(project, call)
    if version is None:
        raise ReviewError(_("Ce projet n'a pas déposé de dossier sur cet appel."))
    existing = Decision.objects.filter(project=project, call=call, funder=funder).first()
    if (
        existing is not None
        and existing.released_at is not None
        and existing.outcome != DecisionOutcome.MORE_INFORMATION
    ):
        raise ReviewError(
            _("La décision de %(funder)s est déjà communiquée aux porteurs.") % {"funder": funder}
        )
    aids = {int(k): int(v) for k, v in (aids or {}).items() if v not in (None, "", 0)}
    if outcome != DecisionOutcome.FUNDED and aids:
        raise ValidationError({"aids": _("Une aide ne s'accorde qu'à un projet financé.")})
    if outcome == DecisionOutcome.FUNDED and not aids:
        raise ValidationError({"aids": _("Indiquez l'aide accordée à au moins un partenaire.")})
    requested = requested_aid_by_organisation(version)
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=aids)}
    errors = {}
    for pk, amount in aids.items():
        organisation = organisations.get(pk)
        if organisation is None or organisation.slug not in requested:
            errors[f"aid_{pk}"] = _("Cette organisation n'est pas partenaire du dossier.")
            continue
        if amount < 0:
            errors[f"aid_{pk}"] = _("Un montant positif.")
            continue
        others = (
            DecisionAid.objects.filter(
                decision__project=project, decision__call=call, organisation_id=pk
            )
            .exclude(decision__funder=funder)
            .values_list("amount_eur", flat=True)
        )
        ceiling = requested[organisation.slug]
        if amount + sum(others) > ceiling:
            errors[f"aid_{pk}"] = _(
                "Avec les autres financeurs, l'aide dépasserait celle du dossier (%(ceiling)s €)."
            ) % {"ceiling": f"{ceiling:,}".replace(",", " ")}
    if errors:
        raise ValidationError(errors)
    decision = existing or Decision(project=project, call=call, funder=funder)
    decision.outcome = outcome
    decision.comment_applicants = comment_applicants or ""
    decision.decided_by = actor
    decision.released_at = None
    decision.save()
    decision.aids.all().delete()
    DecisionAid.objects.bulk_create(
        DecisionAid(decision=decision, organisation_id=pk, amount_eur=amount)
        for pk, amount in aids.items()
    )
    record(
        actor=actor,
        action="review.decision",
        target=project,
        summary=(
            f"{funder} : {project.acronym} — {decision.get_outcome_display()}"
            + (f" ({sum(aids.values()):,} €)".replace(",", " ") if aids else "")
        ),
        call=call.slug,
        funder=funder.slug,
        outcome=outcome,
        aids={str(k): v for k, v in aids.items()},
    )
    return decision


@transaction.atomic
def release_decisions(*, actor, call: Call) -> int:
    """Release the call's decisions not yet released, all together; returns how many.

    Projects: funded if a funder funds them, not funded if every funder of the call that
    decided refused, still submitted (and free to submit a new version) when more information
    is asked.
    """
    _check_manager(actor, call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    pending = list(
        Decision.objects.filter(call=call, released_at__isnull=True).select_related("project")
    )
    if not pending:
        raise ReviewError(_("Aucune décision à communiquer."))
    now = timezone.now()
    Decision.objects.filter(pk__in=[d.pk for d in pending]).update(released_at=now)
    call.decisions_released_at = now
    call.save(update_fields=["decisions_released_at"])
    from projects import consortium  # noqa: PLC0415

    projects = {decision.project_id: decision.project for decision in pending}
    for project in projects.values():
        outcomes = set(
            Decision.objects.filter(project=project, call=call).values_list("outcome", flat=True)
        )
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if DecisionOutcome.FUNDED in outcomes:
            target = ProjectStatus.FUNDED
        elif DecisionOutcome.MORE_INFORMATION in outcomes:
            target = None
        else:
            target = ProjectStatus.NOT_FUNDED
        if target and locked.status == ProjectStatus.SUBMITTED:
            consortium.change_status(locked, target)
        send_templated_mail(
            template="email/decisions_released",
            to=consortium.consortium_emails(locked),
            context={"project": locked, "call": call},
        )
    record(
        actor=actor,
        action="review.release",
        target=call,
        summary=f"{len(pending)} décision(s) communiquée(s) pour {call}",
        decisions=[d.pk for d in pending],
    )
    return len(pending)


def more_information_requested(project: Project, call: Call) -> bool:
    """Whether a released decision asks the consortium for more information, with no newer
    version submitted since: the coordinator may then submit again, even after the deadline."""
    released = Decision.objects.filter(
        project=project,
        call=call,
        outcome=DecisionOutcome.MORE_INFORMATION,
        released_at__isnull=False,
    ).aggregate(last=Max("released_at"))["last"]
    if released is None:
        return False
    return not DossierVersion.objects.filter(
        project=project, call=call, submitted_at__gt=released
    ).exists()
