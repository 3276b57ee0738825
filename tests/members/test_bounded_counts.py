"""Bounded counting (members.search.MATCH_LIMIT): past the limit, the page says "more than",
the facets count a sample and say so, and a page costs the same whatever the matches."""

import pytest

from members import search
from members.models import Organisation
from tests.factories import OrganisationFactory, RegionFactory
from tests.helpers import assert_same_query_count


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(search, "MATCH_LIMIT", 3)
    return 3


def _organisations(count, **fields):
    return [OrganisationFactory(name=f"Hydrogène Systèmes {n}", **fields) for n in range(count)]


def test_under_the_limit_counts_are_exact(client, limit, db):
    _organisations(3)
    page = client.get("/organisations/?q=hydrogene").content.decode()
    assert "3 organisations" in page
    assert "Plus de" not in page
    assert "premières organisations trouvées" not in page


def test_past_the_limit_the_total_says_more_than_and_facets_are_a_sample(client, limit, db):
    _organisations(5)
    page = client.get("/organisations/?q=hydrogene").content.decode()
    assert "Plus de 3 organisations" in page
    assert "Comptes établis sur les 3 premières organisations trouvées" in page
    # Ranked within the pool: three cards, and a note to refine the query.
    assert page.count('class="card card--link"') == 3
    assert "précisez la recherche" in page


def test_sorted_by_name_every_match_is_reachable_past_the_limit(client, limit, db):
    _organisations(5)
    page = client.get("/organisations/?q=hydrogene&sort=name").content.decode()
    assert "Plus de 3 organisations" in page
    names = sorted(Organisation.objects.values_list("name", flat=True))
    assert all(name in page for name in names)  # 5 on the first page of 20


def test_past_the_limit_a_narrow_facet_still_gets_its_exact_total(client, limit, db):
    _organisations(5)  # in Lyon (Auvergne-Rhône-Alpes, 84)
    OrganisationFactory(
        name="Hydrogène Bretagne",
        city="Rennes",
        postcode="35000",
        region=RegionFactory(code="53"),
    )
    page = client.get("/organisations/?q=hydrogene&region=53").content.decode()
    assert "1 organisation" in page
    assert "Plus de" not in page
    assert "Hydrogène Bretagne" in page


def test_match_pool_and_bounded_count(limit, db):
    _organisations(4)
    pool = search.match_pool(Organisation.objects.all())
    assert len(list(pool.ids)) == 3 and pool.capped
    assert search.bounded_count(Organisation.objects.all()) == (3, True)
    first = list(pool.ids)[0]["pk"]
    assert search.bounded_count(Organisation.objects.filter(pk=first)) == (1, False)
    assert not search.match_pool(Organisation.objects.filter(pk=first)).capped


def test_query_count_does_not_grow_past_the_limit(client, limit, db):
    _organisations(4)  # past the limit already: one query more (the bounded total), no more
    counter = iter(range(100, 200))
    assert_same_query_count(
        client,
        "/organisations/?q=hydrogene",
        lambda: OrganisationFactory(name=f"Hydrogène Systèmes {next(counter)}"),
        shows=None,
    )
