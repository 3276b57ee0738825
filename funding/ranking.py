"""Reads of the call committee: a call's dossiers with their reviews, scores and decisions.

Selectors only (writes are in `funding.review`). Each one costs a fixed number of queries,
whatever the number of dossiers, reviews or funders.

What counts in a dossier's figures: the *submitted* reviews of *active* assignments (a
reviewer withdrawn by staff, or who declared a conflict, no longer counts). A review's score
is its weighted mean over the call's criteria (`funding.review.weighted_score`, 0–5); the
dossier's score is the mean of its reviews' scores, and the spread the gap between the
highest and the lowest of them.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from funding.models import (
    Assignment,
    AssignmentStatus,
    Call,
    Criterion,
    Decision,
    DecisionAid,
    DecisionOutcome,
    DossierVersion,
    Funder,
    Review,
    ReviewStatus,
)
from funding.review import more_information_requested, weighted_score

TWO_PLACES = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _mean(values) -> Decimal | None:
    values = [Decimal(value) for value in values if value is not None]
    if not values:
        return None
    return _round(sum(values, Decimal(0)) / len(values))


# --- the calls a manager sees ---------------------------------------------------------------


def _count(queryset, outer: str = "call"):
    """A correlated `COUNT(*)` of `queryset` per call (no join fan-out between the counts)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{outer: OuterRef("pk")})
            .order_by()
            .values(outer)
            .annotate(total=Count("pk"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _dossier_count():
    """Projects with at least one version on the call (not versions)."""
    return Coalesce(
        Subquery(
            DossierVersion.objects.filter(call=OuterRef("pk"))
            .order_by()
            .values("call")
            .annotate(total=Count("project", distinct=True))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_committee_counts(calls):
    """`calls` annotated with what the committee's list shows: dossiers, active
    assignments, submitted reviews, decisions, and decisions not yet released."""
    return calls.annotate(
        dossier_total=_dossier_count(),
        assignment_total=_count(Assignment.objects.filter(status=AssignmentStatus.ACTIVE)),
        review_total=_count(
            Review.objects.filter(
                status=ReviewStatus.SUBMITTED, assignment__status=AssignmentStatus.ACTIVE
            ),
            outer="assignment__call",
        ),
        decision_total=_count(Decision.objects.all()),
        pending_total=_count(Decision.objects.filter(released_at__isnull=True)),
    )


# --- the dossiers of a call -----------------------------------------------------------------


def latest_versions(call: Call, *, with_content: bool = False, projects=None):
    """The latest version on `call` of each project submitted to it (one query)."""
    latest = (
        DossierVersion.objects.filter(project=OuterRef("project"), call=call)
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        DossierVersion.objects.filter(call=call)
        .annotate(latest_number=Subquery(latest))
        .filter(number=F("latest_number"))
        .select_related("project__coordinator")
    )
    if projects is not None:
        versions = versions.filter(project__in=projects)
    if not with_content:
        versions = versions.defer("content")
    return versions.order_by("project__acronym", "project_id")


def submitted_reviews(call: Call, projects=None) -> list[Review]:
    """The submitted reviews that count (active assignments), scores prefetched (2 queries)."""
    reviews = (
        Review.objects.filter(
            assignment__call=call,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .select_related("assignment__reviewer", "assignment__funder", "version")
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    if projects is not None:
        reviews = reviews.filter(assignment__project__in=projects)
    return list(reviews)


def call_decisions(call: Call, projects=None) -> list[Decision]:
    """Every funder's decision on the call, with its aids and their organisations (2 queries)."""
    decisions = (
        Decision.objects.filter(call=call)
        .select_related("funder", "decided_by")
        .prefetch_related(
            Prefetch("aids", queryset=DecisionAid.objects.select_related("organisation"))
        )
        .order_by("funder__name", "pk")
    )
    if projects is not None:
        decisions = decisions.filter(project__in=projects)
    return list(decisions)


@dataclass
class ScoredReview:
    review: Review
    score: Decimal | None

    @property
    def reviewer(self):
        return self.review.assignment.reviewer

    @property
    def funder(self):
        return self.review.assignment.funder


@dataclass
class CriterionMean:
    criterion: Criterion
    mean: Decimal | None


@dataclass
class RankedDossier:
    """One project submitted to the call, as the committee compares them."""

    project: object
    version: DossierVersion
    reviews: list[ScoredReview] = field(default_factory=list)
    criterion_means: list[CriterionMean] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    rank: int | None = None

    @property
    def eligible(self) -> bool:
        return self.version.eligible

    @property
    def review_count(self) -> int:
        return len(self.reviews)

    @property
    def scores(self) -> list[Decimal]:
        return [review.score for review in self.reviews if review.score is not None]

    @property
    def mean_score(self) -> Decimal | None:
        return _mean(self.scores)

    @property
    def spread(self) -> Decimal | None:
        scores = self.scores
        return _round(max(scores) - min(scores)) if scores else None

    @property
    def decision_by_funder(self) -> dict[int, Decision]:
        return {decision.funder_id: decision for decision in self.decisions}


def score_reviews(reviews, criteria) -> list[ScoredReview]:
    return [ScoredReview(review, weighted_score(review, criteria)) for review in reviews]


def criterion_means(reviews, criteria) -> list[CriterionMean]:
    values = {criterion.pk: [] for criterion in criteria}
    for review in reviews:
        for score in review.scores.all():
            if score.criterion_id in values:
                values[score.criterion_id].append(score.value)
    return [CriterionMean(criterion, _mean(values[criterion.pk])) for criterion in criteria]


SORTS = {
    # `?tri=` in the URL → the order of `call_dossiers`; unscored dossiers go last.
    "score": "score",
    "ecart": "spread",
    "avis": "reviews",
    "acronyme": "acronym",
}


def _sort_key(sort: str):
    def key(row: RankedDossier):
        acronym = row.project.acronym.casefold()
        if sort == "acronym":
            return (acronym,)
        if sort == "spread":
            return (row.spread is None, -(row.spread or 0), acronym)
        if sort == "reviews":
            return (-row.review_count, row.mean_score is None, -(row.mean_score or 0), acronym)
        return (row.mean_score is None, -(row.mean_score or 0), row.spread or 0, acronym)

    return key


def call_dossiers(
    call: Call,
    *,
    sort: str = "score",
    with_content: bool = False,
    projects=None,
    criteria=None,
):
    """The call's dossiers (latest version of each project), with their submitted reviews,
    scores, per-criterion means and each funder's decision so far.

    `sort`: "score" (highest mean first, then the smallest spread), "spread" (largest first),
    "reviews" (most reviews first) or "acronym". The rank is by score whatever the order
    shown. Six queries, whatever the number of dossiers and reviews (five when the caller
    passes the call's `criteria`, which it shows too).
    """
    if criteria is None:
        criteria = list(call.criteria.all())
    versions = list(latest_versions(call, with_content=with_content, projects=projects))
    reviews_by_project: dict[int, list[Review]] = {}
    for review in submitted_reviews(call, projects):
        reviews_by_project.setdefault(review.assignment.project_id, []).append(review)
    decisions_by_project: dict[int, list[Decision]] = {}
    for decision in call_decisions(call, projects):
        decisions_by_project.setdefault(decision.project_id, []).append(decision)
    rows = []
    for version in versions:
        reviews = reviews_by_project.get(version.project_id, [])
        rows.append(
            RankedDossier(
                project=version.project,
                version=version,
                reviews=score_reviews(reviews, criteria),
                criterion_means=criterion_means(reviews, criteria),
                decisions=decisions_by_project.get(version.project_id, []),
            )
        )
    for rank, row in enumerate(sorted(rows, key=_sort_key("score")), start=1):
        row.rank = rank if row.mean_score is not None else None
    return sorted(rows, key=_sort_key(sort))


def call_funders(call: Call) -> list[Funder]:
    return list(call.funders.order_by("name"))


# --- what the applicants see once the decisions are released --------------------------------


@dataclass
class ReleasedFeedback:
    """The released decisions of one call on a project, and the reviewers' comments meant for
    the applicants (anonymous), for the consortium's project page."""

    call: Call
    decisions: list[Decision]
    comments: list[str]
    more_information: bool


def released_feedback(project, *, dossiers=None) -> list[ReleasedFeedback]:
    """Per call, the decisions released to the consortium of `project`, with the comments for
    the applicants of the submitted reviews handed in before that release. Nothing before the
    release: decisions on hold and reviews stay with the funders. One query when nothing was
    released; otherwise the decisions, their aids (only when one funds the project) and the
    reviews, and two more per call unless `dossiers`, the project's dossier versions, are
    passed (the project page has read them)."""
    decisions = list(
        Decision.objects.filter(project=project, released_at__isnull=False)
        .select_related("call", "funder")
        .order_by("-released_at", "funder__name")
    )
    if not decisions:
        return []
    # Only a decision to fund has aids to show.
    prefetch_related_objects(
        [decision for decision in decisions if decision.outcome == DecisionOutcome.FUNDED],
        Prefetch("aids", queryset=DecisionAid.objects.select_related("organisation")),
    )
    by_call: dict[int, list[Decision]] = {}
    for decision in decisions:
        by_call.setdefault(decision.call_id, []).append(decision)
    last_release = {
        call_id: max(decision.released_at for decision in items)
        for call_id, items in by_call.items()
    }
    comments: dict[int, list[str]] = {}
    reviews = (
        Review.objects.filter(
            assignment__project=project,
            assignment__call_id__in=by_call,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(comment_applicants="")
        .order_by("submitted_at", "pk")
        .values_list("assignment__call_id", "submitted_at", "comment_applicants")
    )
    for call_id, submitted_at, comment in reviews:
        if submitted_at is not None and submitted_at <= last_release[call_id]:
            comments.setdefault(call_id, []).append(comment)
    result = []
    for call_id, items in by_call.items():
        call = items[0].call
        result.append(
            ReleasedFeedback(
                call=call,
                decisions=sorted(items, key=lambda d: d.funder.name.casefold()),
                comments=comments.get(call_id, []),
                more_information=_more_information(project, call, items, dossiers),
            )
        )
    return result


def _more_information(project, call: Call, decisions: list[Decision], dossiers) -> bool:
    """`funding.review.more_information_requested`, from the call's released `decisions` and
    the project's `dossiers` when they are at hand (no query)."""
    if dossiers is None:
        return more_information_requested(project, call)
    released = [
        decision.released_at
        for decision in decisions
        if decision.outcome == DecisionOutcome.MORE_INFORMATION
    ]
    if not released:
        return False
    last = max(released)
    return not any(
        dossier.call_id == call.pk and dossier.submitted_at > last for dossier in dossiers
    )
