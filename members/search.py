"""The member directory's search: full text, facets with counts, and pagination.

Two engines behind one interface, chosen by the database vendor:

- PostgreSQL: a stored `search_vector` built with the `french_unaccent` text search
  configuration (French stemming after accent removal; weights A name, B competences and
  keywords, C city, D description), with a GIN index, ranked by `SearchRank`. When the
  full-text query finds only a few organisations, it is widened to prefixes (typing "aéro")
  and to words close by trigrams (typos: "aeronotique"), found in the lexicon of the words
  of `search_names` (name, competences, keywords and city, folded: `SearchWord`, with its
  GIN trigram index, migration 0009); those matches rank below full-text ones. The indexes
  are PostgreSQL's only.
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
    TrigramSimilarity,
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
# Counting and ranking are bounded, so that a page costs the same at 1 000 organisations as
# at 100 000: beyond this many matches of the text query, the facets count the first
# MATCH_LIMIT matches found (a sample, said so on the page), the total reads "more than", and
# relevance ranks that sample (see `match_pool`).
MATCH_LIMIT = 1000
# Below this many full-text matches, typo-tolerant trigram matches are added (PostgreSQL).
FUZZY_BELOW = 5
# Typo tolerance: each word of the query also matches the CLOSE_WORDS words of the
# directory's lexicon most similar to it by trigrams (similarity at least CLOSE_SIMILARITY).
CLOSE_WORDS = 5
CLOSE_SIMILARITY = 0.45
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
    updated = queryset.update(**changes)
    if _is_postgresql():
        _remember_words(queryset)
    return updated


# The words of search_names, for the typo tolerance (`_close_words`): letters and digits.
_WORDS_SQL = (
    "INSERT INTO members_searchword (word) "
    "SELECT DISTINCT word FROM ("
    "  SELECT regexp_split_to_table(search_names, '[^a-z0-9]+') AS word"
    "  FROM members_organisation WHERE id IN ({ids})"
    ") AS words WHERE length(word) BETWEEN 3 AND 60 "
    "ON CONFLICT (word) DO NOTHING"
)


def _remember_words(queryset) -> None:
    """Add the words of these organisations' search_names to the lexicon (one statement;
    words no longer used stay, harmless: they only widen a query to nothing)."""
    ids, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_WORDS_SQL.format(ids=ids), params)


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
    if ids:
        from members.directory_cache import bump_version

        bump_version()
    return sum(
        _refresh(Organisation.objects.filter(pk__in=ids[start : start + chunk]))
        for start in range(0, len(ids), chunk)
    )


def refresh_all_search_data() -> int:
    """Recompute the search data of every organisation, in one statement."""
    from members.directory_cache import bump_version

    bump_version()
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
    among `within` (one small counting query decides), each word of the query is widened to
    itself as a prefix ("aéro" while typing: tsquery `aero:*`) or to the words of the
    directory close to it by trigrams ("aeronotique" finds "aéronautique"), looked up in the
    lexicon `SearchWord` (one query): the widened query is a full-text one again, answered by
    the GIN index. With enough full-text matches the result stays precise ("Cobotix" does
    not bring every "cobotique" along).
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
    # No ORDER BY (the model's ordering would sort every match to count five of them).
    if within.filter(full_text).order_by()[:FUZZY_BELOW].count() >= FUZZY_BELOW:
        return TextMatch(full_text)
    # Each word widened to itself as a prefix and to the words of the directory's lexicon
    # (`SearchWord`, a few tens of thousands of words with their trigram index) that are
    # close to it: one query on that small table, then the whole condition is a full-text
    # one, answered by the GIN index of the organisations whatever their number.
    close = _close_words(terms)
    alternatives = ["(" + " | ".join([f"{term}:*", *close.get(term, ())]) + ")" for term in terms]
    widened = SearchQuery(" & ".join(alternatives), search_type="raw", config=SEARCH_CONFIG)
    return TextMatch(Q(search_vector=widened), widened=True)


def _close_words(terms: list[str]) -> dict[str, list[str]]:
    """term → up to CLOSE_WORDS words of the lexicon with a trigram similarity to it of at
    least CLOSE_SIMILARITY, best first (one query for all the terms)."""
    from members.models import SearchWord

    similarity = {f"s{index}": TrigramSimilarity("word", term) for index, term in enumerate(terms)}
    condition = Q()
    for term in terms:
        condition |= Q(word__trigram_similar=term)  # `%`: the trigram index answers it
    rows = list(
        SearchWord.objects.filter(condition)
        .exclude(word__in=terms)
        .annotate(**similarity)
        .values_list("word", *similarity)[: CLOSE_WORDS * 10 * len(terms)]
    )
    close = {}
    for index, term in enumerate(terms):
        ranked = sorted(
            (row for row in rows if row[index + 1] >= CLOSE_SIMILARITY),
            key=lambda row, i=index: (-row[i + 1], row[0]),
        )
        close[term] = [row[0] for row in ranked[:CLOSE_WORDS]]
    return close


def matching(queryset, query: str):
    """The organisations of `queryset` that match the text `query` (all of them when empty)."""
    return queryset.filter(text_match(query, within=queryset).condition)


def with_relevance(queryset, query: str, *, widened: bool = False):
    """Annotate `relevance`: higher is better (only meaningful for organisations that match).

    PostgreSQL: `SearchRank` of the full-text query (weights A to D); when typo tolerance
    widened the matches (`TextMatch.widened`; at most MATCH_LIMIT ranked), plus at most 0.05
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
    total: int  # organisations matching the query and every facet (in the sample if sampled)
    facets: list[Facet] = field(default_factory=list)
    sampled: bool = False  # counted over the first MATCH_LIMIT matches only

    def __iter__(self):
        return iter(self.facets)


def _without(base, selected: dict, *excluded: str):
    condition = Q()
    for name in FACETS:
        if name not in excluded:
            condition &= facet_q(name, selected.get(name))
    return base.filter(condition)


def _ranked_values(queryset, key: str, label: str, selected: list[str], *, limit: int, labels):
    """(value, label, count) of a facet, the selected values always included.

    `queryset` counts the values found among the matches (one query); the `limit` most
    frequent are kept in Python (a HAVING or ORDER BY on the count would make PostgreSQL
    evaluate the matching subquery once more). A selected value found nowhere gets its label
    from `labels(slugs)` (one more query, only then) and a count of 0, so that it can be
    unticked.
    """
    rows = list(queryset.values_list(key, label, "n"))
    missing = set(selected) - {row[0] for row in rows}
    if missing:
        rows += [(value, text, 0) for value, text in labels(sorted(missing))]
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


@dataclass(frozen=True)
class Pool:
    """The organisations matching the text query, or the first MATCH_LIMIT of them."""

    ids: object  # a subquery of their ids
    capped: bool  # there are more matches than MATCH_LIMIT

    @property
    def limit(self) -> int:
        return MATCH_LIMIT


def match_pool(queryset) -> Pool:
    """The first MATCH_LIMIT of `queryset` (visible organisations matching the text query), in
    the order the database finds them (no sort: it stops at the limit), as a subquery; one
    bounded count says whether there are more."""
    first = queryset.order_by().values("pk")[:MATCH_LIMIT]
    return Pool(first, capped=bounded_count(queryset)[1])


def bounded_count(queryset) -> tuple[int, bool]:
    """(count, more): the exact count up to MATCH_LIMIT, else (MATCH_LIMIT, True)."""
    count = queryset.order_by()[: MATCH_LIMIT + 1].count()
    return min(count, MATCH_LIMIT), count > MATCH_LIMIT


def facet_counts(*, base, text: Q, selected: dict, pool: Pool | None = None) -> Facets:
    """Every facet's values with the number of results each would give (disjunctive counts).

    The counts of a facet apply the text query and every *other* facet, so that ticking one
    more value of the same facet widens the results by the count shown. Three queries: the
    total, kinds, sizes and regions as filtered counts of one aggregate (the base leaves out
    those three facets, and each count applies the other two); pôles and competences one each.
    `base` is what the user may see, `text` the `TextMatch.condition` of the query, `selected`
    maps facet names to their selected values. With a `pool` (`match_pool`), the counts run
    over its ids instead of matching the text again; a capped pool makes them a sample's.
    """
    base = base.filter(pk__in=pool.ids) if pool is not None else base.filter(text)
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
    facets = Facets(total=counts["total"], sampled=pool is not None and pool.capped)

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

    # Counted from the link tables' side, over the matching organisations only (their
    # indexes on organisation_id): the cost follows the matches, not the whole network.
    poles = selected.get("pole") or []
    values, limited = _ranked_values(
        Membership.objects.filter(
            status=MembershipStatus.ACTIVE,
            organisation__in=_without(base, selected, "pole"),
        )
        .values("pole__slug", "pole__short_name")
        .annotate(n=Count("pk")),
        "pole__slug",
        "pole__short_name",
        poles,
        limit=FACET_LIMIT,
        labels=lambda slugs: Pole.objects.filter(slug__in=slugs).values_list("slug", "short_name"),
    )
    facets.facets.append(Facet("pole", _("Pôle"), values, limited))

    competences = selected.get("competence") or []
    values, limited = _ranked_values(
        Organisation.competences.through.objects.filter(
            organisation__in=_without(base, selected, "competence")
        )
        .values("competence__slug", "competence__name")
        .annotate(n=Count("organisation_id")),
        "competence__slug",
        "competence__name",
        competences,
        limit=FACET_LIMIT,
        labels=lambda slugs: Competence.objects.filter(slug__in=slugs).values_list("slug", "name"),
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
    more: bool = False  # there are more than `total` results (bounded counting)
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
    # ASCII digits only ("²" is a digit to str.isdigit, not to int); no NUL, which PostgreSQL
    # refuses in a text parameter.
    if not _sep or not (pk.isascii() and pk.isdigit()) or "\x00" in sort_name:
        return None
    return sort_name, int(pk)


def name_page(
    queryset, *, total: int, after=None, before=None, size=None, more: bool = False
) -> ResultPage:
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
                more=more,
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
        more=more,
        next_cursor=encode_cursor(rows[-1]) if has_next else None,
        previous_cursor=encode_cursor(rows[0]) if after is not None and rows else None,
    )


def relevance_page(
    queryset,
    *,
    query: str,
    total: int,
    page=1,
    size=None,
    widened: bool = False,
    more: bool = False,
) -> ResultPage:
    """A page of the list sorted by relevance, by offset pagination up to MAX_RELEVANCE_RESULTS.

    Ranking needs the score of every match, so keyset pagination would gain nothing: the
    database sorts all matches whatever the page. Once a query is typed the matches are
    few (tens, rarely hundreds), and nobody reads past the first pages of a ranked list, so
    the offset is bounded: beyond MAX_RELEVANCE_RESULTS the page says to refine the query or
    to sort by name, whose keyset pagination reaches every organisation. With `more` results
    than MATCH_LIMIT (a word found in thousands of organisations), only the first MATCH_LIMIT
    found are ranked: the cost of a page stays bounded whatever the size of the directory.
    """
    size = size or PAGE_SIZE
    reachable = min(total, MAX_RELEVANCE_RESULTS)
    num_pages = max(1, math.ceil(reachable / size))
    try:
        number = min(max(1, int(page)), num_pages)
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * size
    if more:
        # Thousands of results: rank the first MATCH_LIMIT the database finds (a subquery).
        first = queryset.order_by().values("pk")[:MATCH_LIMIT]
        queryset = queryset.filter(pk__in=Subquery(first))
    ranked = with_relevance(queryset.defer(*SEARCH_COLUMNS), query, widened=widened)
    rows = list(ranked.order_by("-relevance", "sort_name", "pk")[offset : offset + size])
    return ResultPage(
        rows,
        total,
        SORT_RELEVANCE,
        number=number,
        num_pages=num_pages,
        capped=more or total > MAX_RELEVANCE_RESULTS,
        more=more,
    )
