"""The member directory's search: matching, ranking, facets, pagination, search data upkeep.

Tests marked `postgres` exercise what only PostgreSQL does (French stemming, typo tolerance
by trigrams); the others pass on both databases, SQLite using its folded-text fallback.
"""

import html
import re
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from members import search, services
from members.models import MembershipStatus, Organisation
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    RegionFactory,
    ResearchOrganisationFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

LIST = reverse("members:list")
CARD = re.compile(r'class="card__link" href="[^"]+">([^<]+)<')


def _names(response) -> list[str]:
    """The organisations listed on a directory page, in order."""
    return [html.unescape(name) for name in CARD.findall(response.content.decode())]


def _search(client, **params) -> list[str]:
    return _names(client.get(LIST, params))


def _counts(facets: search.Facets) -> dict[str, dict[str, int]]:
    return {facet.name: {v.value: v.count for v in facet.values} for facet in facets}


def _facet_counts(selected=None, query=""):
    base = Organisation.objects.public()
    return search.facet_counts(
        base=base,
        text=search.text_match(query, within=base).condition,
        selected={name: [] for name in search.FACETS} | (selected or {}),
    )


# --- Matching ---------------------------------------------------------------------------------


def test_search_energie_without_accent_finds_energie_with_accent(client):
    OrganisationFactory(name="Fltika Énergie", description="Centrales photovoltaïques.")
    OrganisationFactory(name="Ateliers Durand", description="Usinage de précision.")

    assert _search(client, q="energie") == ["Fltika Énergie"]


def test_search_ignores_case_and_accents_of_the_query(client):
    OrganisationFactory(name="Institut de l'énergie solaire", city="Perpignan")

    found = {q: _search(client, q=q) for q in ("ÉNERGIE", "Énergie", "perpignan", "PERPIGNAN")}

    assert all(names == ["Institut de l'énergie solaire"] for names in found.values()), found


def test_search_plural_finds_singular_competence(client):
    composite = CompetenceFactory(slug="materiau-composite", name="Matériau composite")
    OrganisationFactory(name="Ateliers Durand", competences=[composite])
    OrganisationFactory(name="Photonique Bretonne")

    assert _search(client, q="composites") == ["Ateliers Durand"]


def test_search_every_word_must_match(client):
    OrganisationFactory(name="Laboratoire des Matériaux", city="Pessac")
    OrganisationFactory(name="Matériaux de Lyon", city="Lyon")

    assert _search(client, q="matériaux pessac") == ["Laboratoire des Matériaux"]


def test_search_finds_free_keywords_and_description(client):
    OrganisationFactory(name="Ateliers Durand", keywords="titane, usinage 5 axes")
    OrganisationFactory(name="Photonique Bretonne", description="Sources laser femtoseconde.")

    assert _search(client, q="titane") == ["Ateliers Durand"]
    assert _search(client, q="femtoseconde") == ["Photonique Bretonne"]


def test_search_of_stopwords_only_lists_everything(client):
    OrganisationFactory(name="Ateliers Durand")
    OrganisationFactory(name="Photonique Bretonne")

    assert _search(client, q="de la") == ["Ateliers Durand", "Photonique Bretonne"]


@pytest.mark.postgres
def test_search_postgres_stems_french_words(client):
    OrganisationFactory(name="Capteurs Durand", description="Développe des capteurs connectés.")
    OrganisationFactory(name="Photonique Bretonne", description="Sources laser.")

    assert _search(client, q="développement") == ["Capteurs Durand"]


@pytest.mark.postgres
def test_search_postgres_composites_finds_materiau_composite_by_stemming():
    OrganisationFactory(name="Ateliers Durand", keywords="matériau composite")
    OrganisationFactory(name="Photonique Bretonne")

    found = Organisation.objects.filter(
        search_vector=SearchQuery("composites", config=search.SEARCH_CONFIG)
    )

    assert [o.name for o in found] == ["Ateliers Durand"]


@pytest.mark.postgres
def test_search_postgres_tolerates_a_typo(client):
    aero = CompetenceFactory(slug="aeronautique-essai", name="Aéronautique et spatial")
    OrganisationFactory(name="Ateliers Durand", competences=[aero])
    OrganisationFactory(name="Photonique Bretonne")

    assert _search(client, q="aeronotique") == ["Ateliers Durand"]


@pytest.mark.postgres
def test_search_postgres_prefix_while_typing_finds_the_word(client):
    OrganisationFactory(name="Aéronautique Durand")
    OrganisationFactory(name="Photonique Bretonne")

    assert _search(client, q="aérona") == ["Aéronautique Durand"]


@pytest.mark.postgres
def test_search_postgres_enough_exact_matches_add_no_fuzzy_ones(client):
    for number in range(search.FUZZY_BELOW):
        OrganisationFactory(name=f"Robotique {number:03d}")
    OrganisationFactory(name="Cobotique Durand")  # close to "robotique", not the same word

    names = _search(client, q="robotique")

    assert "Cobotique Durand" not in names
    assert len(names) == search.FUZZY_BELOW


# --- Ranking ----------------------------------------------------------------------------------


def test_search_ranks_name_match_above_competence_above_description(client):
    OrganisationFactory(name="Ateliers Durand", description="Électrolyseurs à hydrogène vert.")
    OrganisationFactory(
        name="Photonique Bretonne",
        competences=[CompetenceFactory(slug="hydrogene-essai", name="Hydrogène vert")],
    )
    OrganisationFactory(name="Hydrogène de France")

    assert _search(client, q="hydrogene") == [
        "Hydrogène de France",
        "Photonique Bretonne",
        "Ateliers Durand",
    ]


def test_search_sorted_by_name_on_request(client):
    OrganisationFactory(name="Zèbre Hydrogène")
    OrganisationFactory(name="Ateliers Durand", description="Hydrogène vert.")

    assert _search(client, q="hydrogene", sort="name") == ["Ateliers Durand", "Zèbre Hydrogène"]


def test_search_name_sort_ignores_accents_and_case(client):
    for name in ("Zèbre", "École Centrale", "abeille", "Ecluse"):
        OrganisationFactory(name=name)

    assert _search(client) == ["abeille", "Ecluse", "École Centrale", "Zèbre"]


# --- Visibility -------------------------------------------------------------------------------


def test_search_unpublished_is_neither_listed_nor_counted_for_outsider(client_for, outsider):
    OrganisationFactory(name="Hydrogène Public")
    OrganisationFactory(name="Hydrogène Discret", is_published=False)

    response = client_for(outsider).get(LIST, {"q": "hydrogene"})

    assert _names(response) == ["Hydrogène Public"]
    assert "Hydrogène Discret" not in response.content.decode()
    assert "1 organisation" in page_text(response)
    assert _shown_count(response, "kind", "company") == 1


def _body(response) -> str:
    return response.content.decode().replace("\n", " ")


def _shown_count(response, facet: str, value: str) -> int:
    """The count a facet value shows on the page."""
    match = re.search(
        rf'id="facette-{facet}-{value}".*?class="facet__count">.*?\)?</span>(\d+)<', _body(response)
    )
    return int(match.group(1))


def test_search_unpublished_is_listed_for_its_people(client_for, member, unpublished):
    response = client_for(member).get(LIST, {"q": "discrete"})

    assert _names(response) == ["Startup Discrète"]


# --- Facets -----------------------------------------------------------------------------------


@pytest.fixture
def network():
    """Four organisations spread over kinds, sizes, regions, pôles and competences."""
    alpha = PoleFactory(slug="alpha", short_name="Alpha")
    beta = PoleFactory(slug="beta", short_name="Beta")
    robots = CompetenceFactory(slug="robots", name="Robots")
    optics = CompetenceFactory(slug="optique", name="Optique")
    occitanie, bretagne = RegionFactory(code="76"), RegionFactory(code="53")
    micro = OrganisationFactory(
        name="Micro Robots",
        headcount=5,
        turnover_eur=800_000,
        balance_sheet_eur=500_000,
        region=occitanie,
        competences=[robots],
    )
    sme = OrganisationFactory(name="PME Optique", region=bretagne, competences=[optics])
    large = OrganisationFactory(
        name="Grand Groupe",
        headcount=9000,
        turnover_eur=3_000_000_000,
        balance_sheet_eur=3_000_000_000,
        region=occitanie,
        competences=[robots, optics],
    )
    lab = ResearchOrganisationFactory(name="Labo Robots", region=bretagne, competences=[robots])
    for organisation in (micro, sme, lab):
        MembershipFactory(organisation=organisation, pole=alpha)
    MembershipFactory(organisation=large, pole=beta)
    MembershipFactory(organisation=sme, pole=beta, status=MembershipStatus.PENDING)
    return micro, sme, large, lab


def test_facet_counts_without_selection_count_every_value(network):
    facets = _facet_counts()

    assert facets.total == 4
    assert _counts(facets) == {
        "kind": {"company": 3, "research": 1},
        "size": {"pme": 2, "ge": 1},
        "region": {"76": 2, "53": 2},
        "pole": {"alpha": 3, "beta": 1},  # active memberships only
        "competence": {"robots": 3, "optique": 2},
    }


def test_facet_counts_are_disjunctive(network):
    facets = _facet_counts({"kind": ["company"], "region": ["76"]})

    counts = _counts(facets)
    assert facets.total == 2  # Micro Robots, Grand Groupe
    assert counts["kind"] == {"company": 2}  # ignores the kind filter, applies the region
    assert counts["region"] == {"76": 2, "53": 1}  # ignores the region, applies the kind
    assert counts["size"] == {"pme": 1, "ge": 1}
    assert counts["pole"] == {"alpha": 1, "beta": 1}
    assert counts["competence"] == {"robots": 2, "optique": 1}
    selected = {(f.name, v.value) for f in facets for v in f.values if v.selected}
    assert selected == {("kind", "company"), ("region", "76")}


def test_facet_counts_apply_the_text_query(network):
    facets = _facet_counts(query="robots")

    assert facets.total == 3
    assert _counts(facets)["kind"] == {"company": 2, "research": 1}


def test_facet_selected_value_without_results_is_still_shown(network):
    facets = _facet_counts({"region": ["53"], "pole": ["beta"]})

    pole = next(facet for facet in facets if facet.name == "pole")
    assert [(v.value, v.count, v.selected) for v in pole.values] == [
        ("alpha", 2, False),
        ("beta", 0, True),
    ]
    assert facets.total == 0


def test_facet_competences_are_bounded_to_the_most_frequent(network):
    for number in range(search.FACET_LIMIT + 2):
        OrganisationFactory(
            competences=[CompetenceFactory(slug=f"rare-{number:02d}", name=f"Rare {number:02d}")]
        )

    facets = _facet_counts({"competence": ["rare-16"]})

    competence = next(facet for facet in facets if facet.name == "competence")
    assert competence.limited
    assert len(competence.values) == search.FACET_LIMIT + 1
    assert [v.value for v in competence.values[:2]] == ["robots", "optique"]
    assert ("rare-16", True) in [(v.value, v.selected) for v in competence.values]


def test_directory_filters_combine_across_facets_and_within_a_facet(client, network):
    assert _search(client, kind="company", size="pme") == ["Micro Robots", "PME Optique"]
    assert _search(client, region=["76", "53"], competence="optique") == [
        "Grand Groupe",
        "PME Optique",
    ]
    assert set(_search(client, q="robots", pole="alpha")) == {"Labo Robots", "Micro Robots"}
    assert _search(client, q="robots", pole="alpha", kind="research") == ["Labo Robots"]
    assert _search(client, size="eti") == []


def test_directory_shows_facets_as_checkboxes_with_counts(client, network):
    body = _body(client.get(LIST, {"kind": "company"}))

    assert re.search(r'name="kind" value="company" id="facette-kind-company" checked', body)
    assert re.search(r'name="kind" value="research" id="facette-kind-research">', body)
    assert re.search(r'Alpha</span>\s*<span class="facet__count">.*?>\(</span>2<', body)
    assert "PME (dont micro)" in body


def test_directory_ignores_invalid_parameters(client, network):
    response = client.get(
        LIST, {"kind": "nothing", "pole": "<script>", "after": "garbage", "page": "x"}
    )

    assert len(_names(response)) == 4
    assert "<script>" not in response.content.decode()


def test_directory_htmx_returns_results_and_facets_out_of_band(client, network):
    response = client.get(LIST, {"q": "optique"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert 'id="facettes"' in body and 'hx-swap-oob="true"' in body
    assert _names(response) == ["PME Optique", "Grand Groupe"]


# --- Pagination -------------------------------------------------------------------------------


def _follow(client, url, rel):
    match = re.search(rf'href="([^"]+)" rel="{rel}"', client.get(url).content.decode())
    return LIST + match.group(1).replace("&amp;", "&") if match else None


def test_keyset_pagination_walks_every_organisation_once_both_ways(client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 3)
    for name in ("Zèbre", "École", "abeille", "Ecluse", "Delta", "delta", "Beta", "Alpha"):
        OrganisationFactory(name=name)

    pages, url = [], LIST
    while url:
        pages.append(_names(client.get(url)))
        last, url = url, _follow(client, url, "next")
    back, url = [], last
    while url:
        back.insert(0, _names(client.get(url)))
        url = _follow(client, url, "prev")

    assert pages == [
        ["abeille", "Alpha", "Beta"],
        ["Delta", "delta", "Ecluse"],
        ["École", "Zèbre"],
    ]
    assert back == pages


def test_keyset_pagination_neither_repeats_nor_skips_when_an_organisation_is_added(client):
    for number in range(5):
        OrganisationFactory(name=f"Entreprise B{number}")
    first = search.name_page(Organisation.objects.all(), total=5, size=2)

    OrganisationFactory(name="Entreprise A0")  # sorts before the cursor
    second = search.name_page(Organisation.objects.all(), total=6, after=first.next_cursor, size=2)

    assert [o.name for o in first.organisations] == ["Entreprise B0", "Entreprise B1"]
    assert [o.name for o in second.organisations] == ["Entreprise B2", "Entreprise B3"]


def test_keyset_cursor_is_the_sort_name_and_id_in_the_url(client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 1)
    first, _second = OrganisationFactory(name="Énergie A"), OrganisationFactory(name="Énergie B")

    body = client.get(LIST).content.decode()

    assert f'href="?after=energie+a%7C{first.pk}" rel="next"' in body


def test_relevance_pagination_is_bounded(client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    monkeypatch.setattr(search, "MAX_RELEVANCE_RESULTS", 4)
    for number in range(7):
        OrganisationFactory(name=f"Hydrogène {number}")

    last = client.get(LIST, {"q": "hydrogene", "page": "9"})

    assert len(_names(last)) == 2
    assert "7 organisations" in page_text(last)
    assert "Page 2 sur 2" in page_text(last)
    assert "triez par nom pour parcourir toute la liste" in page_text(last)


# --- Query counts -----------------------------------------------------------------------------


@pytest.fixture
def search_url(pole):
    competence = CompetenceFactory(slug="hydrogene-essai", name="Hydrogène")
    query = (
        "?q=hydrogene&kind=company&size=pme&region=84"
        f"&pole={pole.slug}&competence={competence.slug}"
    )

    def add_organisation():
        organisation = OrganisationFactory(
            description="Électrolyseurs à hydrogène.", competences=[competence]
        )
        MembershipFactory(organisation=organisation, pole=pole)
        return organisation

    return LIST + query, add_organisation


def test_directory_query_count_same_with_one_or_three_organisations(client, search_url):
    url, add_organisation = search_url

    assert_same_query_count(client, url, add_organisation)


def test_directory_query_count_same_when_sorted_by_name(client, search_url):
    url, add_organisation = search_url

    assert_same_query_count(client, url + "&sort=name", add_organisation)


@pytest.mark.postgres
def test_directory_with_every_facet_renders_in_ten_queries_at_most(
    client_for, member, search_url, django_assert_max_num_queries
):
    url, add_organisation = search_url
    for _number in range(30):
        add_organisation()
    client = client_for(member)

    with django_assert_max_num_queries(10):
        response = client.get(url)

    assert len(_names(response)) == search.PAGE_SIZE
    assert "30 organisations" in page_text(response)


# --- Keeping the search data up to date -------------------------------------------------------


def test_update_organisation_refreshes_the_search_data(client):
    organisation = OrganisationFactory(name="Ateliers Durand", keywords="titane")
    optics = CompetenceFactory(slug="optique-essai", name="Optique adaptative")

    services.update_organisation(
        actor=None,
        organisation=organisation,
        name="Photonique Bretonne",
        keywords="laser",
        competences=[optics],
    )

    organisation.refresh_from_db()
    assert organisation.sort_name == "photonique bretonne"
    assert _search(client, q="adaptative") == ["Photonique Bretonne"]
    assert _search(client, q="laser") == ["Photonique Bretonne"]
    assert _search(client, q="titane") == []
    assert _search(client, q="durand") == []


def _refresh_queries():
    return 3 if connection.vendor == "postgresql" else 2


def test_refresh_search_data_costs_one_query_whatever_the_count(django_assert_num_queries):
    organisations = [OrganisationFactory() for _number in range(3)]
    Organisation.objects.update(search_text="", search_names="", sort_name="")

    # The UPDATE, the directory's version bumped (its cached pages are stale), and on
    # PostgreSQL the new words added to the lexicon of the typo tolerance.
    with django_assert_num_queries(_refresh_queries()):
        updated = search.refresh_search_data([o.pk for o in organisations])

    assert updated == 3
    assert Organisation.objects.filter(search_text="").count() == 0


def test_rebuild_search_index_refreshes_every_organisation(client):
    OrganisationFactory(name="Fltika Énergie")
    OrganisationFactory(name="Ateliers Durand")
    Organisation.objects.update(search_text="", search_names="", sort_name="", search_vector=None)
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert out.getvalue() == "refreshed 2 organisations\n"
    assert _search(client, q="energie") == ["Fltika Énergie"]


def test_seed_demo_fills_the_search_data(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--organisations", "12", "--seed", "5", stdout=StringIO())

    organisations = Organisation.objects.prefetch_related("competences")
    assert all(o.sort_name == search.fold(o.name) for o in organisations)
    assert all(
        search.fold(competence.name) in o.search_names
        for o in organisations
        for competence in o.competences.all()
    )
    assert any(o.competences.all() for o in organisations)


def test_deferred_refresh_refreshes_once_at_the_end(django_assert_num_queries):
    block = search.deferred_refresh()
    block.__enter__()
    for number in range(3):
        OrganisationFactory(name=f"Énergie {number}")
    unrefreshed = Organisation.objects.filter(sort_name="").count()

    with django_assert_num_queries(_refresh_queries()):  # as above
        block.__exit__(None, None, None)

    assert unrefreshed == 3
    assert sorted(Organisation.objects.values_list("sort_name", flat=True)) == [
        "energie 0",
        "energie 1",
        "energie 2",
    ]


def test_search_help_promises_typo_tolerance_only_where_it_exists(client):
    from django.db import connection

    text = page_text(client.get(reverse("members:list")))

    assert "Les accents et les majuscules sont ignorés" in text
    assert ("fautes de frappe légères sont tolérées" in text) == (connection.vendor == "postgresql")


@pytest.mark.postgres
def test_the_lexicon_learns_the_words_of_new_organisations_and_widens_typos(client):
    from members.models import SearchWord

    OrganisationFactory(name="Photonique Armoricaine", description="Lasers.")
    assert SearchWord.objects.filter(word__in=["photonique", "armoricaine"]).count() == 2
    assert search._close_words(["fotonique"])["fotonique"] == ["photonique"]
    page = client.get(reverse("members:list"), {"q": "fotonique"}).content.decode()
    assert "Photonique Armoricaine" in page
