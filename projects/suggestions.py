"""Complementary partners for a partner search, ranked, each with its reasons in plain words.

`suggest_partners(partner_search, viewer=…)` looks in the directory (the organisations the
viewer may see) for organisations that have at least one of the wanted competences, leaving
out the posting organisation and those that already expressed interest, and scores them:

| what                                                   | points          |
|--------------------------------------------------------|-----------------|
| each wanted competence the organisation has            | COMPETENCE (20) |
| its kind is one of the kinds wanted                    | KIND (15)       |
| located in the wanted region                           | REGION (8)      |
| otherwise located in the territory of the search's pôle| TERRITORY (5)   |
| active member of the search's pôle                     | POLE_MEMBER (6) |

A wanted competence weighs more than any single bonus, so the overlap of competences leads;
the kind asked for is the biggest bonus; place and pôle come after.

Ties go to the organisation with more wanted competences, then alphabetical order. The
whole computation is four queries whatever the number of candidates.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Competence, Membership, MembershipStatus, Organisation, OrganisationKind
from members.permissions import organisations_visible_to
from projects.models import PartnerSearch

COMPETENCE = 20
KIND = 15
REGION = 8
TERRITORY = 5
POLE_MEMBER = 6
LIMIT = 10


def kind_phrase(kind: str) -> str:
    """How a kind of organisation reads inside a sentence."""
    return {
        OrganisationKind.COMPANY: _("entreprise"),
        OrganisationKind.RESEARCH: _("organisme de recherche publique"),
        OrganisationKind.TRAINING: _("établissement de formation"),
        OrganisationKind.RTO: _("IRT / ITE"),
        OrganisationKind.OTHER: _("autre organisation"),
    }.get(kind, kind)


@dataclass
class Suggestion:
    organisation: Organisation
    score: int
    competences: list[Competence] = field(default_factory=list)
    kind_wanted: bool = False
    in_wanted_region: bool = False
    in_pole_territory: bool = False
    pole_member: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return " · ".join(self.reasons)


def _reasons(suggestion: Suggestion, partner_search: PartnerSearch) -> list[str]:
    organisation = suggestion.organisation
    names = ", ".join(competence.name for competence in suggestion.competences)
    count = len(suggestion.competences)
    reasons = [
        ngettext(
            "%(count)d compétence recherchée : %(names)s",
            "%(count)d compétences recherchées : %(names)s",
            count,
        )
        % {"count": count, "names": names}
    ]
    if suggestion.kind_wanted:
        reasons.append(_("%(kind)s, type recherché") % {"kind": kind_phrase(organisation.kind)})
    if suggestion.in_wanted_region:
        reasons.append(_("en %(region)s, la région visée") % {"region": organisation.region.name})
    elif suggestion.in_pole_territory:
        reasons.append(
            _("en %(region)s, sur le territoire du pôle %(pole)s")
            % {"region": organisation.region.name, "pole": partner_search.pole}
        )
    if suggestion.pole_member:
        reasons.append(_("membre du pôle %(pole)s") % {"pole": partner_search.pole})
    return reasons


def suggest_partners(partner_search: PartnerSearch, *, viewer, limit: int = LIMIT):
    """The `limit` best complementary organisations for `partner_search`, best first."""
    wanted = list(partner_search.competences_wanted.values_list("pk", flat=True))
    if not wanted:
        return []
    kinds = partner_search.kind_codes
    territory = (
        list(partner_search.pole.regions.values_list("code", flat=True))
        if partner_search.pole_id
        else []
    )
    zero = Value(0, output_field=IntegerField())
    kind_points = Case(When(kind__in=kinds, then=Value(KIND)), default=zero) if kinds else zero
    region_cases = []
    if partner_search.region_wanted_id:
        region_cases.append(When(region_id=partner_search.region_wanted_id, then=Value(REGION)))
    if territory:
        region_cases.append(When(region_id__in=territory, then=Value(TERRITORY)))
    region_points = Case(*region_cases, default=zero) if region_cases else zero
    pole_points = (
        Case(
            When(
                Exists(
                    Membership.objects.filter(
                        organisation=OuterRef("pk"),
                        pole_id=partner_search.pole_id,
                        status=MembershipStatus.ACTIVE,
                    )
                ),
                then=Value(POLE_MEMBER),
            ),
            default=zero,
        )
        if partner_search.pole_id
        else zero
    )
    candidates = (
        organisations_visible_to(viewer)
        .exclude(pk=partner_search.organisation_id)
        .exclude(pk__in=partner_search.interests.values("organisation_id"))
        .annotate(
            matched=Count("competences", filter=Q(competences__in=wanted), distinct=True),
            kind_points=kind_points,
            region_points=region_points,
            pole_points=pole_points,
        )
        .filter(matched__gt=0)
        .annotate(
            score=F("matched") * COMPETENCE
            + F("kind_points")
            + F("region_points")
            + F("pole_points")
        )
    )
    top = list(
        candidates.select_related("region").order_by("-score", "-matched", "name", "pk")[:limit]
    )
    if not top:
        return []
    links = (
        Organisation.competences.through.objects.filter(
            organisation_id__in=[organisation.pk for organisation in top],
            competence_id__in=wanted,
        )
        .select_related("competence")
        .order_by("competence__name")
    )
    competences_of: dict[int, list[Competence]] = {}
    for link in links:
        competences_of.setdefault(link.organisation_id, []).append(link.competence)
    suggestions = []
    for organisation in top:
        suggestion = Suggestion(
            organisation=organisation,
            score=organisation.score,
            competences=competences_of.get(organisation.pk, []),
            kind_wanted=organisation.kind_points > 0,
            in_wanted_region=organisation.region_points == REGION,
            in_pole_territory=organisation.region_points == TERRITORY,
            pole_member=organisation.pole_points > 0,
        )
        suggestion.reasons = _reasons(suggestion, partner_search)
        suggestions.append(suggestion)
    return suggestions
