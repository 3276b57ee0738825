"""The member directory's search: full text, facets with counts, and pagination.

Two engines behind one interface, chosen by the database vendor:

- PostgreSQL: a stored `search_vector` built with the `french_unaccent` text search
  configuration (French stemming after accent removal; weights A name, B competences and
  keywords, C city, D description), with a GIN index, ranked by `SearchRank`. When the
  full-text query finds only a few organisations, it is widened to prefixes (typing "aéro")
  and to words close by trigrams (typos: "aeronotique"), over `search_names` (name,
  competences, keywords and city, folded) and its GIN trigram index; those matches rank
  below full-text ones. Both indexes come from migration 0005 (PostgreSQL only).
- SQLite: `search_text`, the same texts plus the description, folded (lower case, no
  accents) in Python, since SQLite's LIKE only ignores the case of ASCII letters. Every word
  of the query, folded and crudely singularised (final s/x dropped), must be contained in it;
  matches in the name come first, then those in names/competences/keywords/city.

The stored search data is derived from the organisation and its competences by
`refresh_search_data`, which the services call after every write.
"""

import math
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from members import sizes
from members.models import (
    Competence,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from poles.models import Pole
from poles.services import REGIONS

SEARCH_CONFIG = "french_unaccent"
PAGE_SIZE = 20
# Relevance lists are paginated by offset, up to this many results (see `relevance_page`).
MAX_RELEVANCE_RESULTS = 200
# Facets with many values show the most frequent ones (plus those selected).
FACET_LIMIT = 15
# Below this many full-text matches, typo-tolerant trigram matches are added (PostgreSQL).
FUZZY_BELOW = 5
FUZZY_LIMIT = 1000  # at most this many typo-tolerant matches
MAX_TERMS = 8  # words of a query taken into account
# Columns a result card never shows (the folded texts and the vector can be long).
SEARCH_COLUMNS = ("search_names", "search_text", "search_vector")

SORT_RELEVANCE = "relevance"
SORT_NAME = "name"

# The size facet: "pme" includes micro-enterprises (which are SMEs).
SIZE_BUCKETS = {
    "pme": (sizes.MICRO, sizes.PME),
    "eti": (sizes.ETI,),
    "ge": (sizes.GE,),
}
SIZE_CHOICES = [
    ("pme", _("PME (dont micro)")),
    ("eti", _("ETI")),
    ("ge", _("Grande entreprise")),
]
FACETS = ("kind", "size", "region", "pole", "competence")

# Words that say nothing about an organisation (the French text search configuration drops
# them too); a query made only of them is no query.
STOPWORDS = frozenset(
    ("a", "au", "aux", "avec", "ce", "ces", "d", "dans", "de", "des", "du", "en", "et", "l")
    + ("la", "le", "les", "leur", "ou", "par", "pour", "sa", "ses", "son", "sur", "un", "une")
)

# --- Folding ------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})


def fold(text: str | None) -> str:
    """Lower case, without accents or ligatures: "Œuvre Énergie" → "oeuvre energie"."""
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(_LIGATURES))
    return "".join(char for char in text if not unicodedata.combining(char))


class Fold(Func):
    """`fold()` in SQL: unaccent(lower(…)) on PostgreSQL, the Python function on SQLite."""

    function = "LOWER"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="unaccent(lower(%(expressions)s))", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("poles_fold", 1, fold, deterministic=True)
        return self.as_sql(compiler, connection, function="poles_fold", **extra_context)


def search_terms(query: str) -> list[str]:
    """The significant words of a query, folded, in order, without repeats or stopwords."""
    words = re.findall(r"\w+", fold(query))
    return list(dict.fromkeys(w for w in words if len(w) > 1 and w not in STOPWORDS))[:MAX_TERMS]


def _singular(word: str) -> str:
    """A crude French singular for the SQLite fallback: "composites" → "composite"."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def tolerates_typos() -> bool:
    """Whether this database's engine finds words despite small typos (trigrams)."""
    return _is_postgresql()


# --- Keeping the search data up to date -----------------------------------------------------


def _competence_names():
    through = Organisation.competences.through
    return Coalesce(
        Subquery(
            through.objects.filter(organisation_id=OuterRef("pk"))
            .order_by()
            .values("organisation_id")
            .annotate(names=StringAgg("competence__name", delimiter=Value(" ")))
            .values("names")[:1],
            output_field=TextField(),
        ),
        Value("", output_field=TextField()),
    )


def _refresh(queryset) -> int:
    competence_names = _competence_names()
    space = Value(" ", output_field=TextField())
    names = Concat(
        Cast("name", TextField()),
        space,
        competence_names,
        space,
        Cast("keywords", TextField()),
        space,
        Cast("city", TextField()),
        output_field=TextField(),
    )
    changes = {
        "sort_name": Fold("name"),
        "search_names": Fold(names),
        "search_text": Fold(Concat(names, space, "description", output_field=TextField())),
    }
    if _is_postgresql():
        changes["search_vector"] = (
            SearchVector("name", weight="A", config=SEARCH_CONFIG)
            + SearchVector(competence_names, "keywords", weight="B", config=SEARCH_CONFIG)
            + SearchVector("city", weight="C", config=SEARCH_CONFIG)
            + SearchVector("description", weight="D", config=SEARCH_CONFIG)
        )
    # QuerySet.update(): `updated_at` keeps its value, no signal, one statement.
    return queryset.update(**changes)


_deferred: ContextVar[list | None] = ContextVar("deferred_search_refresh", default=None)


@contextmanager
def deferred_refresh():
    """Within this block, `refresh_search_data` only notes the organisations; they are all
    refreshed in one statement when the block ends without error.

    For bulk writes that go through the services one organisation at a time (demo data,
    imports): building the UPDATE costs a few milliseconds of Python per call.
    """
    pending: list = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh_search_data(pending)


def refresh_search_data(organisation_ids) -> int:
    """Recompute the search data of these organisations; returns how many were updated.

    One UPDATE statement computes everything in the database (PostgreSQL: the vector and
    the folded texts; SQLite: the folded texts through a Python function), whatever the
    number of organisations, except on SQLite where ids go by chunks of its parameter limit.
    Inside `deferred_refresh()`, the ids are only noted (and 0 is returned).
    """
    ids = list(dict.fromkeys(organisation_ids))
    pending = _deferred.get()
    if pending is not None:
        pending.extend(ids)
        return 0
    limit = connection.features.max_query_params
    chunk = max(1, limit - 10 if limit else len(ids))
    return sum(
        _refresh(Organisation.objects.filter(pk__in=ids[start : start + chunk]))
        for start in range(0, len(ids), chunk)
    )


def refresh_all_search_data() -> int:
    """Recompute the search data of every organisation, in one statement."""
    return _refresh(Organisation.objects.all())


# --- Matching and ranking -------------------------------------------------------------------


@dataclass(frozen=True)
class TextMatch:
    """How organisations match a text query: the condition, and whether typos widened it."""

    condition: Q
    widened: bool = False


def text_match(query: str, *, within) -> TextMatch:
    """What an organisation must meet to match the text `query` (Q() when empty).

    PostgreSQL: the full-text query; when it finds fewer than FUZZY_BELOW organisations
    among `within` (one small counting query decides), the query is widened to
    organisations whose every word is a prefix ("aéro" while typing: tsquery `aero:*`) or
    is close to a word of search_names by trigrams (strict word similarity ≥ 0.5, `%>>`:
    "aeronotique" finds "aéronautique"), each answered by its GIN index, in a second query
    whose ids the page's other queries reuse. With enough full-text matches the result stays
    precise ("Cobotix" does not bring every "cobotique" along).
    SQLite: every word, singularised, contained in the folded `search_text`.
    The same condition must filter the results and count the facets: compute it once.
    """
    terms = search_terms(query)
    if not terms:
        return TextMatch(Q())
    if not _is_postgresql():
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=_singular(term))
        return TextMatch(condition)
    full_text = Q(search_vector=SearchQuery(query, config=SEARCH_CONFIG))
    if within.filter(full_text)[:FUZZY_BELOW].count() >= FUZZY_BELOW:
        return TextMatch(full_text)
    prefixes = SearchQuery(
        " & ".join(f"{term}:*" for term in terms), search_type="raw", config=SEARCH_CONFIG
    )
    close = Q()
    for term in terms:
        close &= Q(search_names__trigram_strict_word_similar=term)
    # Two SELECTs joined by UNION, so that each uses its GIN index (an OR makes PostgreSQL
    # compute the trigram similarity of every row); the ids are read once, then every query
    # of the page (results and facets) filters on them instead of matching again.
    found = (
        within.filter(search_vector=prefixes)
        .values_list("pk", flat=True)
        .union(within.filter(close).values_list("pk", flat=True))
        .order_by()  # the union as a whole: Meta.ordering would name a column not selected
    )
    return TextMatch(Q(pk__in=list(found[:FUZZY_LIMIT])), widened=True)


def matching(queryset, query: str):
    """The organisations of `queryset` that match the text `query` (all of them when empty)."""
    return queryset.filter(text_match(query, within=queryset).condition)


def with_relevance(queryset, query: str, *, widened: bool = False):
    """Annotate `relevance`: higher is better (only meaningful for organisations that match).

    PostgreSQL: `SearchRank` of the full-text query (weights A to D); when typo tolerance
    widened the matches (`TextMatch.widened`, at most FUZZY_LIMIT rows), plus at most 0.05
    for the trigram closeness of the query to search_names, so that near words come first
    without outranking real full-text matches. Closeness is costly per row: it is left out
    of the plain full-text case, where hundreds of rows may be ranked.
    """
    terms = search_terms(query)
    if not terms:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if _is_postgresql():
        rank = Coalesce(
            SearchRank(F("search_vector"), SearchQuery(query, config=SEARCH_CONFIG)),
            Value(0.0),
            output_field=FloatField(),
        )
        if widened:
            closeness = TrigramWordSimilarity(" ".join(terms), "search_names")
            rank = rank + closeness * Value(0.05)
        return queryset.annotate(relevance=rank)
    score = Value(0, output_field=IntegerField())
    for term in terms:
        stem = _singular(term)
        score += Case(
            When(sort_name__contains=stem, then=Value(3)),
            When(search_names__contains=stem, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.annotate(relevance=score)


# --- Facets -----------------------------------------------------------------------------------


def facet_q(name: str, values) -> Q:
    """The condition of one facet: any of `values` (an empty selection selects everything)."""
    if not values:
        return Q()
    if name == "kind":
        return Q(kind__in=values)
    if name == "size":
        return Q(size_category__in=[s for value in values for s in SIZE_BUCKETS.get(value, ())])
    if name == "region":
        return Q(region_id__in=values)
    if name == "pole":
        members = Membership.objects.filter(
            status=MembershipStatus.ACTIVE, pole__slug__in=values
        ).values("organisation_id")
        return Q(pk__in=members)
    if name == "competence":
        links = Organisation.competences.through.objects.filter(competence__slug__in=values).values(
            "organisation_id"
        )
        return Q(pk__in=links)
    raise ValueError(f"unknown facet {name!r}")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the GET parameter
    title: str
    values: list[FacetValue]
    limited: bool = False  # only the FACET_LIMIT most frequent values are shown


@dataclass
class Facets:
    total: int  # organisations matching the query and every facet
    facets: list[Facet] = field(default_factory=list)

    def __iter__(self):
        return iter(self.facets)


def _without(base, selected: dict, *excluded: str):
    condition = Q()
    for name in FACETS:
        if name not in excluded:
            condition &= facet_q(name, selected.get(name))
    return base.filter(condition)


def _ranked_values(queryset, key: str, label: str, selected: list[str], *, limit: int):
    """(value, label, count) of a facet over a model, the selected values always included.

    Counts every value of the (small) model in one query, then keeps the `limit` most
    frequent in Python: a HAVING or ORDER BY on the filtered count would make PostgreSQL
    evaluate the matching subquery once more.
    """
    rows = list(queryset.values_list(key, label, "n"))
    chosen = [row for row in rows if row[0] in selected]
    others = sorted(
        (row for row in rows if row[2] and row[0] not in selected),
        key=lambda row: (-row[2], fold(row[1])),
    )
    limited, others = len(others) > limit, others[:limit]
    kept = sorted(chosen + others, key=lambda row: (-row[2], fold(row[1])))
    return [FacetValue(v, text, n, v in selected) for v, text, n in kept], limited


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition or None)


def facet_counts(*, base, text: Q, selected: dict) -> Facets:
    """Every facet's values with the number of results each would give (disjunctive counts).

    The counts of a facet apply the text query and every *other* facet, so that ticking one
    more value of the same facet widens the results by the count shown. Three queries: the
    total, kinds, sizes and regions as filtered counts of one aggregate (the base leaves out
    those three facets, and each count applies the other two); pôles and competences one each.
    `base` is what the user may see, `text` the `TextMatch.condition` of the query, `selected`
    maps facet names to their selected values.
    """
    base = base.filter(text)
    picked = {name: list(selected.get(name) or []) for name in FACETS}
    conditions = {name: facet_q(name, picked[name]) for name in ("kind", "size", "region")}

    def others(name):
        combined = Q()
        for other, condition in conditions.items():
            if other != name:
                combined &= condition
        return combined

    counts = _without(base, selected, "kind", "size", "region").aggregate(
        total=_count(conditions["kind"] & conditions["size"] & conditions["region"]),
        **{
            f"kind_{kind}": _count(Q(kind=kind) & others("kind"))
            for kind in OrganisationKind.values
        },
        **{
            f"size_{size}": _count(facet_q("size", [size]) & others("size"))
            for size in SIZE_BUCKETS
        },
        **{f"region_{code}": _count(Q(region_id=code) & others("region")) for code in REGIONS},
    )
    facets = Facets(total=counts["total"])

    def fixed(name, title, choices):
        values = [
            FacetValue(value, str(label), counts[f"{name}_{value}"], value in picked[name])
            for value, label in choices
        ]
        shown = [v for v in values if v.count or v.selected]
        if name == "region":
            shown.sort(key=lambda v: (-v.count, fold(v.label)))
        return Facet(name, title, shown)

    facets.facets.append(fixed("kind", _("Type"), OrganisationKind.choices))
    facets.facets.append(fixed("size", _("Taille d'entreprise"), SIZE_CHOICES))
    facets.facets.append(fixed("region", _("Région"), REGIONS.items()))

    poles = selected.get("pole") or []
    values, limited = _ranked_values(
        Pole.objects.annotate(
            n=Count(
                "memberships",
                filter=Q(
                    memberships__status=MembershipStatus.ACTIVE,
                    memberships__organisation__in=_without(base, selected, "pole"),
                ),
            )
        ),
        "slug",
        "short_name",
        poles,
        limit=FACET_LIMIT,
    )
    facets.facets.append(Facet("pole", _("Pôle"), values, limited))

    competences = selected.get("competence") or []
    values, limited = _ranked_values(
        Competence.objects.annotate(
            n=Count(
                "organisations",
                filter=Q(organisations__in=_without(base, selected, "competence")),
            )
        ),
        "slug",
        "name",
        competences,
        limit=FACET_LIMIT,
    )
    facets.facets.append(Facet("competence", _("Compétence"), values, limited))
    return facets


# --- Pagination -------------------------------------------------------------------------------


@dataclass
class ResultPage:
    """One page of results, by name (keyset) or by relevance (bounded offset)."""

    organisations: list
    total: int
    sort: str
    # By name: opaque cursors for the neighbouring pages (None at either end).
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # By relevance: page numbers.
    number: int = 1
    num_pages: int = 1
    capped: bool = False  # more results than the relevance pagination reaches

    @property
    def by_relevance(self) -> bool:
        return self.sort == SORT_RELEVANCE

    @property
    def page_range(self):
        return range(1, self.num_pages + 1)

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None if not self.by_relevance else self.number > 1

    @property
    def has_next(self) -> bool:
        if self.by_relevance:
            return self.number < self.num_pages
        return self.next_cursor is not None

    # What templates/includes/pagination.html reads from a Django Page (relevance pages).
    @property
    def paginator(self):
        return self

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def encode_cursor(organisation) -> str:
    return f"{organisation.sort_name}|{organisation.pk}"


def decode_cursor(value: str | None) -> tuple[str, int] | None:
    """`<sort name>|<id>` → (sort name, id); None when absent or malformed."""
    if not value:
        return None
    sort_name, _sep, pk = value.rpartition("|")
    if not _sep or not pk.isdigit():
        return None
    return sort_name, int(pk)


def name_page(queryset, *, total: int, after=None, before=None, size=None) -> ResultPage:
    """A page of the list sorted by name, by keyset pagination.

    The cursor is the (sort name, id) of the last row shown (`after`) or of the first
    (`before`): the next page is `WHERE (sort_name, id) > cursor ORDER BY sort_name, id LIMIT
    size + 1` (the extra row says whether there is more), which the index on (sort_name, id)
    answers as fast on page 500 as on page 1, and which neither repeats nor skips rows when
    organisations are added or removed between two clicks. Going back reads in reverse
    order; when that reaches the beginning, the first page is shown as it is from the start.
    """
    size = size or PAGE_SIZE
    queryset = queryset.defer(*SEARCH_COLUMNS)
    ordered = queryset.order_by("sort_name", "pk")
    after, before = decode_cursor(after), decode_cursor(before)
    if before is not None and after is None:
        name, pk = before
        rows = list(
            queryset.filter(Q(sort_name__lt=name) | Q(sort_name=name, pk__lt=pk)).order_by(
                "-sort_name", "-pk"
            )[: size + 1]
        )
        if len(rows) > size:
            rows = rows[:size][::-1]
            return ResultPage(
                rows,
                total,
                SORT_NAME,
                next_cursor=encode_cursor(rows[-1]),
                previous_cursor=encode_cursor(rows[0]),
            )
        after = None  # reached the beginning: show the first page
    if after is not None:
        name, pk = after
        ordered = ordered.filter(Q(sort_name__gt=name) | Q(sort_name=name, pk__gt=pk))
    rows = list(ordered[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    return ResultPage(
        rows,
        total,
        SORT_NAME,
        next_cursor=encode_cursor(rows[-1]) if has_next else None,
        previous_cursor=encode_cursor(rows[0]) if after is not None and rows else None,
    )


def relevance_page(
    queryset, *, query: str, total: int, page=1, size=None, widened: bool = False
) -> ResultPage:
    """A page of the list sorted by relevance, by offset pagination up to MAX_RELEVANCE_RESULTS.

    Ranking needs the score of every match, so keyset pagination would gain nothing: the
    database sorts all matches whatever the page. Once a query is typed the matches are
    few (tens, rarely hundreds), and nobody reads past the first pages of a ranked list, so
    the offset is bounded: beyond MAX_RELEVANCE_RESULTS the page says to refine the query or
    to sort by name, whose keyset pagination reaches every organisation.
    """
    size = size or PAGE_SIZE
    reachable = min(total, MAX_RELEVANCE_RESULTS)
    num_pages = max(1, math.ceil(reachable / size))
    try:
        number = min(max(1, int(page)), num_pages)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    ranked = with_relevance(queryset.defer(*SEARCH_COLUMNS), query, widened=widened)
    rows = list(ranked.order_by("-relevance", "sort_name", "pk")[offset : offset + size])
    return ResultPage(
        rows,
        total,
        SORT_RELEVANCE,
        number=number,
        num_pages=num_pages,
        capped=total > MAX_RELEVANCE_RESULTS,
    )
