"""Partners that would fix a failing eligibility rule of a project, with their reasons.

`suggest_partners(project, evaluation, user=…)` reads the project's verdict and, for each
FAILING check that a new partner can fix, proposes published organisations of the directory
that are neither in the consortium nor invited to it (by name or by SIRET):

| failing check                | who is proposed                                               |
|------------------------------|---------------------------------------------------------------|
| `min_research_training`      | public research bodies and training bodies (not IRT / ITE)    |
| `min_companies`              | companies outside the groups already in the consortium        |
| `territory_lead_pole`        | companies, labs, schools, IRT / ITE located in the regions of |
|                              | the lead labelling pôle                                       |
| `territory_labelling_poles`  | the same, in the regions of any labelling pôle (left out when |
|                              | `territory_lead_pole` fails too: its partners fix both)       |

`coordinator_company` (the coordinator is chosen, not added), `labelled` (a committee's
decision) and `partner_share_max` (the work is spread among the partners there are) are not
fixed by a new partner; the territory checks neither when no pôle has been asked for a label.

Candidates are ranked like `projects.suggestions` ranks partners for a search:

| what                                                        | points           |
|-------------------------------------------------------------|------------------|
| each competence it shares with the project                  | COMPETENCE (20)  |
| each of its keywords found in the project (title, summary,  | KEYWORD (10)     |
| competences), at most two                                   |                  |
| active member of a labelling pôle                           | POLE_MEMBER (15) |
| located in the lead pôle's territory                        | LEAD_REGION (12) |
| otherwise in the territory of another labelling pôle        | TERRITORY (6)    |

Before any pôle is asked for a label, the coordinator's active pôles stand in for the
labelling pôles in the ranking (members of the network it works in come first).

A shared competence weighs most; membership of a labelling pôle, then the lead pôle's
territory (a lab there also helps the territory rules) weigh more than a shared keyword.
A candidate must share a competence with the project or belong to one of those pôles.
Ties go to the one with more shared competences, then to alphabetical order.

Queries: a fixed number whatever the size of the consortium or of the directory: the label
requests with their pôles' regions (or, before any request, the coordinator's pôles with
theirs) and the project's competences, unless the caller passes them (the project page has
read them already); then one query for every fix at once: the organisations among the best
`limit × POOL` of at least one fix by competences, pôles and place, in that order, with the
competences they share with the project and their memberships of the pôles (keywords, free
text, reorder each fix's pool in Python).
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr, Trim
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funding import eligibility
from members.models import Membership, MembershipStatus, Organisation, OrganisationKind
from members.search import Fold, fold
from poles.models import Pole
from projects.consortium import pole_regions, project_label_requests, with_region_lists
from projects.models import Invitation, InvitationStatus, LabelStatus, ProjectPartner

COMPETENCE = 20
KEYWORD = 10
MAX_KEYWORDS = 2
POLE_MEMBER = 15
LEAD_REGION = 12
TERRITORY = 6
POOL = 4  # the database ranks limit × POOL candidates; keywords reorder them
CANDIDATES = 500  # organisations scored per source (shared competences, pôle membership)

LAB_KINDS = (OrganisationKind.RESEARCH, OrganisationKind.TRAINING)
TERRITORY_KINDS = (*LAB_KINDS, OrganisationKind.COMPANY, OrganisationKind.RTO)
# In the order the fixes are shown.
FIXABLE = (
    "min_research_training",
    "min_companies",
    "territory_lead_pole",
    "territory_labelling_poles",
)


@dataclass(frozen=True)
class Fix:
    code: str
    message: str
    organisations: list = field(default_factory=list)  # [(Organisation, [reason, ...]), ...]


@dataclass
class _Context:
    """What the ranking needs to know about the project, read once for every fix."""

    competence_ids: list[int]
    competence_names: dict[int, str]
    text: str  # folded title, summary, acronym and competence names
    poles: list  # labelling pôles, lead first (or the coordinator's pôles, see `labelling`)
    labelling: bool  # whether `poles` are really labelling pôles
    lead_regions: dict[str, str]  # code → name
    regions: dict[str, str]  # every labelling pôle's regions, code → name
    region_pole: dict[str, object]  # region code → first pôle (in rank order) covering it


def _context(project, label_requests=None, competences=None) -> _Context:
    if label_requests is None:
        label_requests = project_label_requests(project)
    requests = sorted(
        (request for request in label_requests if request.status != LabelStatus.REFUSED),
        key=lambda request: (request.rank, request.pk),
    )
    poles = [request.pole for request in requests]
    labelling = bool(poles)
    if not labelling:
        # No label asked yet: the coordinator's network stands in for the ranking.
        poles = with_region_lists(
            Pole.objects.filter(
                pk__in=Membership.objects.active()
                .filter(organisation_id=project.coordinator_id)
                .values("pole_id")
            ).order_by("name", "pk")
        )
    lead_regions, regions, region_pole = {}, {}, {}
    for index, pole in enumerate(poles):
        for region in pole_regions(pole):
            if index == 0:
                lead_regions[region.code] = region.name
            regions.setdefault(region.code, region.name)
            region_pole.setdefault(region.code, pole)
    if competences is None:
        competences = project.competences.order_by("name")
    competences = [(competence.pk, competence.name) for competence in competences]
    text = fold(
        " ".join(
            [project.acronym, project.title, project.summary, *(name for _pk, name in competences)]
        )
    )
    return _Context(
        competence_ids=[pk for pk, _name in competences],
        competence_names=dict(competences),
        text=text,
        poles=poles,
        labelling=labelling,
        lead_regions=lead_regions,
        regions=regions,
        region_pole=region_pole,
    )


def _candidates(project, context: _Context):
    """Published organisations neither in the consortium nor invited to it, with their points
    for shared competences, pôle membership and place."""
    zero = Value(0, output_field=IntegerField())
    pending = Invitation.objects.filter(project=project, status=InvitationStatus.PENDING)
    by_siret = (
        pending.filter(organisation__isnull=True)
        .annotate(siren=Substr("siret", 1, 9))
        .values("siren")
    )
    region_cases = []
    if context.lead_regions:
        region_cases.append(When(region_id__in=list(context.lead_regions), then=Value(LEAD_REGION)))
    if context.regions:
        region_cases.append(When(region_id__in=list(context.regions), then=Value(TERRITORY)))
    pole_ids = [pole.pk for pole in context.poles]
    member = Exists(
        Membership.objects.filter(
            organisation=OuterRef("pk"), pole_id__in=pole_ids, status=MembershipStatus.ACTIVE
        )
    )
    matched = (
        Count("competences", filter=Q(competences__in=context.competence_ids), distinct=True)
        if context.competence_ids
        else zero
    )
    # Bounded: only organisations sharing a wanted competence or an active membership of the
    # project's pôles can score, and at most CANDIDATES of each kind (as the database finds
    # them) are scored, so that the page costs the same at 1 000 organisations as at 100 000.
    found = []
    if context.competence_ids:
        links = Organisation.competences.through.objects.filter(
            competence_id__in=context.competence_ids
        )
        found.append(links.order_by().values_list("organisation_id", flat=True)[:CANDIDATES])
    if pole_ids:
        members = Membership.objects.filter(pole_id__in=pole_ids, status=MembershipStatus.ACTIVE)
        found.append(members.order_by().values_list("organisation_id", flat=True)[:CANDIDATES])
    # One subquery (a UNION of the two), which PostgreSQL joins by the primary key (an OR of
    # two would make it scan every organisation); SQLite takes no LIMIT inside a UNION, so
    # there, two. Nobody can score without either (the annotations below stay for callers).
    if not found:
        sources = Q(pk__in=[])
    elif connection.features.supports_slicing_ordering_in_compound:
        sources = Q(pk__in=found[0].union(*found[1:]))
    else:
        sources = reduce(or_, (Q(pk__in=ids) for ids in found))
    return (
        Organisation.objects.public()
        .filter(sources)
        .exclude(pk__in=ProjectPartner.objects.filter(project=project).values("organisation_id"))
        .exclude(pk__in=pending.filter(organisation__isnull=False).values("organisation_id"))
        .exclude(Q(siren__in=by_siret) & ~Q(siren=""))
        .annotate(
            matched=matched,
            pole_points=Case(When(member, then=Value(POLE_MEMBER)), default=zero)
            if pole_ids
            else zero,
            region_points=Case(*region_cases, default=zero) if region_cases else zero,
            group_key=Fold(Trim("group_name")),
        )
        .filter(Q(matched__gt=0) | Q(pole_points__gt=0))
        .annotate(
            score=F("matched") * COMPETENCE + F("pole_points") + F("region_points"),
        )
    )


def _keywords(organisation, text: str) -> list[str]:
    """The organisation's keywords found, as whole words, in the project's folded text."""
    found = []
    for keyword in organisation.keyword_list:
        folded = fold(keyword)
        if len(folded) >= 3 and re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", text):
            found.append(keyword)
    return found[:MAX_KEYWORDS]


RANK = ("-score", "-matched", "sort_name", "pk")


def _ranked_pools(base, plans, context: _Context, limit: int) -> list[list]:
    """For each plan `(query, accepts)`, its best `limit` organisations, in one query.

    The database keeps the organisations among the best `limit × POOL` of at least one plan
    and returns them in the ranking's order (its collation for names); each plan's pool is
    then the first `limit × POOL` of them that it accepts (`accepts` is its `query` in
    Python), the same as a query per plan. Keywords reorder each pool.
    """
    size = limit * POOL
    wanted = reduce(
        or_,
        (Q(pk__in=base.filter(query).order_by(*RANK).values("pk")[:size]) for query, _a in plans),
    )
    shared = (
        StringAgg(
            Cast("competences__id", CharField()),
            Value(","),
            filter=Q(competences__in=context.competence_ids),
        )
        if context.competence_ids
        else Value("", output_field=CharField())
    )
    pole_ids = [pole.pk for pole in context.poles]
    member_of = (
        Subquery(
            Membership.objects.active()
            .filter(organisation=OuterRef("pk"), pole_id__in=pole_ids)
            .order_by()
            .values("organisation")
            .annotate(ids=StringAgg(Cast("pole_id", CharField()), Value(",")))
            .values("ids")
        )
        if pole_ids
        else Value("", output_field=CharField())
    )
    found = list(
        base.filter(wanted)
        .annotate(shared_ids=shared, member_pole_ids=member_of)
        .select_related("region")
        .order_by(*RANK)
    )
    pools = []
    for _query, accepts in plans:
        pool = [organisation for organisation in found if accepts(organisation)][:size]
        for organisation in pool:
            organisation.fix_keywords = _keywords(organisation, context.text)
            organisation.fix_score = organisation.score + KEYWORD * len(organisation.fix_keywords)
        pool.sort(key=lambda o: (-o.fix_score, -o.matched, o.sort_name, o.pk))
        pools.append(pool[:limit])
    return pools


def _ids(text) -> list[int]:
    return [int(part) for part in (text or "").split(",") if part]


def _groups(evaluation) -> set[str]:
    """The groups of the companies in the consortium, folded (the engine ignores case and
    surrounding spaces; accents are ignored here too)."""
    return {
        fold(part.organisation.group_name.strip())
        for part, _result in evaluation.rows
        if part.organisation.kind == OrganisationKind.COMPANY
        and part.organisation.group_name.strip()
    }


def _plan(code: str, context: _Context, evaluation) -> tuple | None:
    """The message of a fix, the organisations it looks for (a `Q` on the candidates and the
    same test in Python); None when a partner cannot fix the check."""
    lead = context.poles[0] if context.poles else None
    if code == "min_research_training":
        return (
            _(
                "Il manque un organisme de recherche ou de formation : ces laboratoires et "
                "établissements ont des compétences proches du projet."
            ),
            Q(kind__in=LAB_KINDS),
            lambda organisation: organisation.kind in LAB_KINDS,
        )
    if code == "min_companies":
        query = Q(kind=OrganisationKind.COMPANY)
        groups = _groups(evaluation)
        if groups:
            query &= ~Q(group_key__in=groups)

        def accepts(organisation):
            return organisation.kind == OrganisationKind.COMPANY and (
                organisation.group_key not in groups
            )

        return (
            _(
                "Il manque une entreprise indépendante des autres (d'un autre groupe) : "
                "ces entreprises pourraient rejoindre le consortium."
            ),
            query,
            accepts,
        )
    if not context.labelling or lead is None:
        return None
    if code == "territory_lead_pole":
        return (
            _(
                "Trop peu de dépenses sur le territoire du pôle chef de file %(pole)s "
                "(%(regions)s) : ces organisations y font leur R&D."
            )
            % {"pole": lead, "regions": ", ".join(context.lead_regions.values()) or lead},
            Q(kind__in=TERRITORY_KINDS, region_id__in=list(context.lead_regions)),
            lambda organisation: (
                organisation.kind in TERRITORY_KINDS
                and organisation.region_id in context.lead_regions
            ),
        )
    if code == "territory_labelling_poles":
        return (
            _(
                "Trop peu de dépenses sur le territoire des pôles labellisateurs "
                "(%(regions)s) : ces organisations y font leur R&D."
            )
            % {"regions": ", ".join(context.regions.values())},
            Q(kind__in=TERRITORY_KINDS, region_id__in=list(context.regions)),
            lambda organisation: (
                organisation.kind in TERRITORY_KINDS and organisation.region_id in context.regions
            ),
        )
    return None


def _reasons(organisation, context: _Context, competences, poles, *, code: str) -> list[str]:
    reasons = []
    if competences:
        reasons.append(
            ngettext(
                "compétence commune : %(names)s",
                "compétences communes : %(names)s",
                len(competences),
            )
            % {"names": ", ".join(competences)}
        )
    if organisation.fix_keywords:
        reasons.append(
            ngettext(
                "mot-clé commun : %(words)s",
                "mots-clés communs : %(words)s",
                len(organisation.fix_keywords),
            )
            % {"words": ", ".join(organisation.fix_keywords)}
        )
    for pole in poles:
        reasons.append(_("membre de %(pole)s") % {"pole": pole})
    if code == "min_companies":
        if organisation.group_name:
            reasons.append(
                _("groupe %(group)s, absent du consortium") % {"group": organisation.group_name}
            )
        else:
            reasons.append(_("entreprise indépendante"))
    region = organisation.region
    if region is not None and region.code in context.regions:
        if context.labelling and region.code in context.lead_regions:
            reasons.append(
                _("située en %(region)s, territoire du pôle chef de file") % {"region": region.name}
            )
        elif context.labelling:
            reasons.append(
                _("située en %(region)s, territoire du pôle labellisateur %(pole)s")
                % {"region": region.name, "pole": context.region_pole[region.code]}
            )
        else:
            reasons.append(
                _("située en %(region)s, territoire du pôle %(pole)s")
                % {"region": region.name, "pole": context.region_pole[region.code]}
            )
    return reasons


def suggest_partners(
    project, evaluation, *, user, limit: int = 5, label_requests=None, competences=None
) -> list[Fix]:
    """For each failing check a new partner can fix, up to `limit` organisations, best first.

    `evaluation` is `projects.consortium.evaluate_project(project)`. Only published
    organisations are proposed, whoever `user` is (the page is the consortium's). A check
    that fails but for which no organisation qualifies still gives a `Fix`, with no
    organisations, so that the page can say so. `label_requests`
    (`consortium.project_label_requests`) and `competences` (the project's, by name) when
    the caller has read them already.
    """
    verdict = evaluation.verdict
    if verdict is None:
        return []
    failing = {check.code for check in verdict.checks if check.status == eligibility.FAIL}
    codes = [code for code in FIXABLE if code in failing]
    if "territory_lead_pole" in codes and "territory_labelling_poles" in codes:
        # The lead pôle's territory is part of the labelling pôles': one list fixes both.
        codes.remove("territory_labelling_poles")
    if not codes:
        return []
    context = _context(project, label_requests, competences)
    planned = []
    for code in codes:
        plan = _plan(code, context, evaluation)
        if plan is not None:
            planned.append((code, *plan))
    if not planned:
        return []
    pools = _ranked_pools(
        _candidates(project, context),
        [(query, accepts) for _code, _message, query, accepts in planned],
        context,
        limit,
    )
    poles_by_id = {pole.pk: pole for pole in context.poles}
    order = {pole.pk: index for index, pole in enumerate(context.poles)}
    fixes = []
    for (code, message, _query, _accepts), found in zip(planned, pools, strict=True):
        organisations = []
        for organisation in found:
            shared = [context.competence_names[pk] for pk in _ids(organisation.shared_ids)]
            poles = [
                poles_by_id[pk]
                for pk in sorted(_ids(organisation.member_pole_ids), key=order.__getitem__)
            ]
            organisations.append(
                (
                    organisation,
                    _reasons(organisation, context, sorted(shared, key=fold), poles, code=code),
                )
            )
        fixes.append(Fix(code=code, message=message, organisations=organisations))
    return fixes
