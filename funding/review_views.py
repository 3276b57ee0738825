"""The reviewers' pages: their assignments, an assigned dossier with its review form, and the
declaration of a conflict of interest.

Who may open them (`funding.permissions`): the list, people with a reviewer role for a funder
or with an assignment (403 for other signed-in people); an assignment and its conflict page,
its reviewer only (404 for anyone else, the consortium and other reviewers included). The
dossier is read from its frozen versions (`funding.dossier_views.dossier_context`), never from
the live project. Writes go through `funding.review` (`save_review`, `declare_conflict`).
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from funding import permissions, review
from funding.dossier_views import dossier_context
from funding.models import (
    Assignment,
    AssignmentStatus,
    DossierVersion,
    Review,
    ReviewStatus,
)
from funding.review_forms import ConflictForm, ReviewForm, weight_text
from funding.versions_diff import diff_contents, grouped

NOT_STARTED = "not_started"


def _review_of(assignment: Assignment) -> Review | None:
    # A reverse one-to-one: absent → RelatedObjectDoesNotExist, an AttributeError.
    return getattr(assignment, "review", None)


def _review_state(review_: Review | None) -> tuple[str, str]:
    if review_ is None:
        return NOT_STARTED, _("Non commencée")
    return review_.status, review_.get_status_display()


# --- The list ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def assignment_list(request):
    """The reviewer's assignments grouped by call (soonest deadline first): those to do, then
    the conflicts he declared and the assignments withdrawn, greyed."""
    latest_number = (
        DossierVersion.objects.filter(project=OuterRef("project"), call=OuterRef("call"))
        .order_by("-number")
        .values("number")[:1]
    )
    assignments = list(
        Assignment.objects.filter(reviewer=request.user)
        .select_related("project__coordinator", "call", "funder", "review__version")
        .annotate(latest_number=Subquery(latest_number))
        .order_by("call__closes_at", "call_id", "project__acronym", "pk")
    )
    if not assignments and not permissions.reviewer_funders(request.user).exists():
        raise PermissionDenied
    groups = []
    to_do = 0
    for call, items in groupby(assignments, key=lambda assignment: assignment.call):
        active, inactive = [], []
        for assignment in items:
            review_ = _review_of(assignment)
            state, state_label = _review_state(review_)
            row = {
                "assignment": assignment,
                "review": review_,
                "state": state,
                "state_label": state_label,
                "outdated": review_ is not None
                and assignment.latest_number is not None
                and review_.version.number < assignment.latest_number,
            }
            if assignment.status == AssignmentStatus.ACTIVE:
                active.append(row)
                to_do += state != ReviewStatus.SUBMITTED
            else:
                inactive.append(row)
        groups.append({"call": call, "active": active, "inactive": inactive})
    return render(
        request,
        "funding/review_list.html",
        {"groups": groups, "to_do": to_do, "count": len(assignments)},
    )


# --- One assignment ---------------------------------------------------------------------------


def _versions(user, assignment: Assignment) -> list[DossierVersion]:
    """The versions of the assigned dossier, newest first (through the visibility rule)."""
    return list(
        permissions.dossier_versions_visible_to(user)
        .filter(project_id=assignment.project_id, call_id=assignment.call_id)
        .select_related("submitted_by")
        .order_by("-number")
    )


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _comparison(request, versions: list[DossierVersion]) -> dict | None:
    """`?de=<n>&a=<m>` (version numbers), by default the previous version → the latest."""
    if len(versions) < 2:
        return None
    by_number = {version.number: version for version in versions}
    old = by_number.get(_number(request.GET.get("de")))
    new = by_number.get(_number(request.GET.get("a")))
    asked = "de" in request.GET or "a" in request.GET
    fallback = old is None or new is None or old.pk == new.pk
    if fallback:
        old, new = versions[1], versions[0]
    return {
        "old": old,
        "new": new,
        "sections": grouped(diff_contents(old.content, new.content), _),
        "fallback": asked and fallback,
    }


def _form_initial(review_: Review | None) -> dict:
    if review_ is None:
        return {}
    initial = {
        "comment_committee": review_.comment_committee,
        "comment_applicants": review_.comment_applicants,
    }
    for score in review_.scores.all():
        initial[f"score_{score.criterion_id}"] = score.value
    return initial


def _scores_table(review_: Review, criteria: list) -> list[dict]:
    values = {score.criterion_id: score.value for score in review_.scores.all()}
    return [
        {
            "criterion": criterion,
            "weight": weight_text(criterion.weight),
            "value": values.get(criterion.pk),
        }
        for criterion in criteria
    ]


def _assignment_context(request, assignment: Assignment, form=None) -> dict:
    context = {"assignment": assignment, "call": assignment.call, "active": False}
    if assignment.status != AssignmentStatus.ACTIVE:
        return context
    versions = _versions(request.user, assignment)
    review_ = (
        Review.objects.filter(assignment=assignment)
        .select_related("version", "reopened_by")
        .prefetch_related("scores")
        .first()
    )
    criteria = list(assignment.call.criteria.all())
    submitted = review_ is not None and review_.status == ReviewStatus.SUBMITTED
    if form is None and not submitted:
        form = ReviewForm(initial=_form_initial(review_), criteria=criteria)
    latest = versions[0] if versions else None
    state, state_label = _review_state(review_)
    context.update(
        {
            "active": True,
            "versions": versions,
            "latest": latest,
            "dossier": dossier_context(latest) if latest else None,
            "comparison": _comparison(request, versions),
            "review": review_,
            "review_state": state,
            "review_state_label": state_label,
            "submitted": submitted,
            "criteria": criteria,
            "form": form,
            "scores": _scores_table(review_, criteria) if review_ else [],
            "weighted_score": review.weighted_score(review_, criteria) if review_ else None,
            "reviewed_older_version": review_ is not None
            and latest is not None
            and review_.version_id != latest.pk,
            "directory_conflicts": review.conflicts_of_interest(
                request.user, assignment.project, assignment.call
            ),
        }
    )
    return context


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_detail(request, pk):
    """GET: the frozen dossier, what changed between versions, and the review form.
    POST: save the draft (`action=draft`) or hand the review in (`action=submit`)."""
    assignment = permissions.get_assignment_for_reviewer(request.user, pk)
    form = None
    if request.method == "POST" and assignment.status == AssignmentStatus.ACTIVE:
        form, response = _save(request, assignment)
        if response is not None:
            return response
    context = _assignment_context(request, assignment, form=form)
    if request.htmx and context.get("comparison") is not None and "de" in request.GET:
        return render(request, "funding/review_assignment.html#comparison", context)
    return render(request, "funding/review_assignment.html", context)


def _save(request, assignment: Assignment):
    """(the bound form, a redirect when saved or refused for good; None to show the form
    again with its errors and the input kept)."""
    criteria = list(assignment.call.criteria.all())
    form = ReviewForm(request.POST, criteria=criteria)
    submit = request.POST.get("action") == "submit"
    if not form.is_valid():
        return form, None
    try:
        review.save_review(
            actor=request.user,
            assignment=assignment,
            scores=form.scores(),
            comment_committee=form.cleaned_data["comment_committee"],
            comment_applicants=form.cleaned_data["comment_applicants"],
            submit=submit,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        if submit:
            form.add_error(
                None,
                _(
                    "L'évaluation n'est pas remise : notez chaque critère et écrivez l'avis "
                    "pour le comité. Rien de ce que vous avez saisi n'est perdu."
                ),
            )
        return form, None
    except review.ReviewError as error:
        messages.error(request, str(error))
        return form, redirect("review:assignment", pk=assignment.pk)
    acronym = assignment.project.acronym
    if submit:
        message = _(
            "Évaluation de %(acronym)s remise. Elle n'est plus modifiable : seul un "
            "gestionnaire de l'appel peut la rouvrir."
        )
    else:
        message = _(
            "Brouillon enregistré pour %(acronym)s. Remettez l'évaluation quand chaque "
            "critère est noté."
        )
    messages.success(request, message % {"acronym": acronym})
    return form, redirect("review:assignment", pk=assignment.pk)


# --- A conflict of interest -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def declare_conflict(request, pk):
    """GET: confirm, with the reason. POST: `declare_conflict`, then back to the list."""
    assignment = permissions.get_assignment_for_reviewer(request.user, pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        messages.info(request, _("Cette assignation n'est plus active."))
        return redirect("review:assignment", pk=assignment.pk)
    if request.method == "POST":
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                review.declare_conflict(
                    actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error.message_dict.get("reason", error.messages))
            except review.ReviewError as error:
                messages.error(request, str(error))
                return redirect("review:assignment", pk=assignment.pk)
            else:
                messages.success(
                    request,
                    _(
                        "Conflit d'intérêts déclaré : vous n'évaluerez pas %(acronym)s. Les "
                        "gestionnaires de l'appel voient votre motif et pourront confier le "
                        "dossier à un autre évaluateur."
                    )
                    % {"acronym": assignment.project.acronym},
                )
                return redirect("review:list")
    else:
        form = ConflictForm()
    return render(
        request,
        "funding/review_conflict.html",
        {
            "assignment": assignment,
            "form": form,
            "directory_conflicts": review.conflicts_of_interest(
                request.user, assignment.project, assignment.call
            ),
        },
    )
