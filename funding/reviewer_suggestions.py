"""One-click reviewer suggestions for the dossiers of a call.

The candidates are the reviewers of the call's funders. For each dossier they are ranked by
competence overlap (the project's competences found among the competences of the
organisations the reviewer works for), then by fair load (fewest active assignments in the
call), then by name. Never suggested: a reviewer already assigned to the dossier (whatever
the assignment became: active, withdrawn by staff, conflict declared), and a reviewer with a
conflict of interest.

Conflicts follow exactly the rule of `funding.review.conflicts_of_interest` (an organisation
he works for, or one of its group, is a partner of the live consortium or of the latest
version on the call), computed here for all dossiers and candidates at once so that the
committee's page costs a fixed number of queries; `tests/funding/test_reviewer_suggestions.py`
checks both agree. `assign_reviewer` checks again with the service itself.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from funding.models import Assignment, AssignmentStatus, Call, FunderMember, FunderRole
from funding.ranking import latest_versions
from funding.review import normalise_group
from members.models import Affiliation, Organisation
from projects.models import Project, ProjectPartner


@dataclass(frozen=True)
class Suggestion:
    reviewer: object  # members.User
    funder: object  # funding.Funder (the reviewer's funder among the call's)
    load: int  # active assignments of the reviewer in the call
    shared: tuple[str, ...] = field(default=())  # names of the competences in common

    @property
    def overlap(self) -> int:
        return len(self.shared)


@dataclass
class _Candidate:
    user: object
    funder: object
    organisations: list[dict] = field(default_factory=list)
    competences: set[int] = field(default_factory=set)


def _candidates(call: Call) -> dict[int, _Candidate]:
    """The reviewers of the call's funders (active accounts), each with his first funder by
    name, his organisations and their competences (3 queries)."""
    candidates: dict[int, _Candidate] = {}
    members = (
        FunderMember.objects.filter(
            funder__in=call.funders.all(), role=FunderRole.REVIEWER, user__is_active=True
        )
        .select_related("user", "funder")
        .order_by("funder__name", "user__last_name", "user__email")
    )
    for member in members:
        candidates.setdefault(member.user_id, _Candidate(member.user, member.funder))
    if not candidates:
        return candidates
    affiliations = Affiliation.objects.filter(user_id__in=candidates).values(
        "user_id", "organisation_id", "organisation__name", "organisation__group_name"
    )
    by_organisation = defaultdict(list)
    for row in affiliations:
        candidate = candidates[row["user_id"]]
        candidate.organisations.append(
            {
                "pk": row["organisation_id"],
                "name": row["organisation__name"],
                "group": normalise_group(row["organisation__group_name"]),
            }
        )
        by_organisation[row["organisation_id"]].append(candidate)
    through = Organisation.competences.through.objects.filter(
        organisation_id__in=by_organisation
    ).values_list("organisation_id", "competence_id")
    for organisation_id, competence_id in through:
        for candidate in by_organisation[organisation_id]:
            candidate.competences.add(competence_id)
    return candidates


def _partners(versions) -> dict[int, list[dict]]:
    """Project pk → its partners (pk, group), from the live consortium and from the latest
    frozen version (organisations found by slug), as the service reads them (2 queries)."""
    project_ids = [version.project_id for version in versions]
    partners: dict[int, list[dict]] = defaultdict(list)
    known_slugs: dict[int, set[str]] = defaultdict(set)
    rows = ProjectPartner.objects.filter(project_id__in=project_ids).values(
        "project_id", "organisation_id", "organisation__slug", "organisation__group_name"
    )
    for row in rows:
        partners[row["project_id"]].append(
            {
                "pk": row["organisation_id"],
                "group": normalise_group(row["organisation__group_name"]),
            }
        )
        known_slugs[row["project_id"]].add(row["organisation__slug"])
    frozen: dict[int, set[str]] = {}
    for version in versions:
        slugs = {part["organisation"].get("slug") for part in version.content.get("partners", [])}
        frozen[version.project_id] = slugs - known_slugs[version.project_id] - {None}
    missing = set().union(*frozen.values()) if frozen else set()
    if missing:
        organisations = {
            row["slug"]: row
            for row in Organisation.objects.filter(slug__in=missing).values(
                "pk", "slug", "group_name"
            )
        }
        for project_id, slugs in frozen.items():
            for slug in slugs:
                if slug in organisations:
                    row = organisations[slug]
                    partners[project_id].append(
                        {"pk": row["pk"], "group": normalise_group(row["group_name"])}
                    )
    return partners


def has_conflict(candidate_organisations: list[dict], partners: list[dict]) -> bool:
    """The rule of `conflicts_of_interest`: one of his organisations is a partner, or is of
    the same (non-empty) group as a partner."""
    partner_ids = {partner["pk"] for partner in partners}
    groups = {partner["group"] for partner in partners if partner["group"]}
    return any(
        organisation["pk"] in partner_ids
        or (organisation["group"] and organisation["group"] in groups)
        for organisation in candidate_organisations
    )


def suggestions_for_call(call: Call, versions=None) -> dict[int, list[Suggestion]]:
    """Project pk → the reviewers that may be assigned to its dossier, best first.

    `versions`: the latest versions of the call with their content (`latest_versions(call,
    with_content=True)`), when the caller already has them. A fixed number of queries.
    """
    if versions is None:
        versions = list(latest_versions(call, with_content=True))
    if not versions:
        return {}
    candidates = _candidates(call)
    if not candidates:
        return {version.project_id: [] for version in versions}
    project_ids = [version.project_id for version in versions]
    loads = dict(
        Assignment.objects.filter(
            call=call, status=AssignmentStatus.ACTIVE, reviewer_id__in=candidates
        )
        .values("reviewer_id")
        .annotate(total=Count("pk"))
        .values_list("reviewer_id", "total")
    )
    assigned = defaultdict(set)
    for project_id, reviewer_id in Assignment.objects.filter(
        call=call, project_id__in=project_ids
    ).values_list("project_id", "reviewer_id"):
        assigned[project_id].add(reviewer_id)
    project_competences = defaultdict(dict)
    for project_id, competence_id, name in Project.competences.through.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "competence_id", "competence__name"):
        project_competences[project_id][competence_id] = name
    partners = _partners(versions)

    result = {}
    for version in versions:
        project_id = version.project_id
        wanted = project_competences[project_id]
        ranked = []
        for user_id, candidate in candidates.items():
            if user_id in assigned[project_id]:
                continue
            if has_conflict(candidate.organisations, partners[project_id]):
                continue
            shared = tuple(sorted(wanted[pk] for pk in candidate.competences & wanted.keys()))
            ranked.append(
                Suggestion(candidate.user, candidate.funder, loads.get(user_id, 0), shared)
            )
        ranked.sort(
            key=lambda s: (
                -s.overlap,
                s.load,
                (s.reviewer.last_name or "").casefold(),
                s.reviewer.email.casefold(),
            )
        )
        result[project_id] = ranked
    return result


def suggest_reviewer(call: Call, project) -> Suggestion | None:
    """The best reviewer for one project's dossier on `call`, or None."""
    versions = list(latest_versions(call, with_content=True, projects=[project.pk]))
    ranked = suggestions_for_call(call, versions).get(project.pk, [])
    return ranked[0] if ranked else None
