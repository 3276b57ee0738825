"""The directory's cache (members/directory_cache.py): served again without the search, never
across scopes of viewers, never stale after a change."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import directory_cache, services
from members.models import DirectoryVersion, MembershipStatus
from tests.factories import CompetenceFactory, MembershipFactory, OrganisationFactory

URL = "/organisations/?q=ateliers"


STORED: list[str] = []


@pytest.fixture(autouse=True)
def _cache_on(settings, monkeypatch):
    settings.DIRECTORY_CACHE_SECONDS = 300
    # The keys written, whatever the cache backend (local memory, or Redis in CI).
    STORED.clear()
    put = directory_cache.put

    def recording_put(key, fragments):
        if key:
            STORED.append(key)
        put(key, fragments)

    monkeypatch.setattr(directory_cache, "put", recording_put)


def _get(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _without_token(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _directory_keys():
    return [key for key in dict.fromkeys(STORED) if cache.get(key) is not None]


def test_second_request_is_served_from_the_cache_with_the_same_page(client, company):
    first, first_queries = _get(client)
    second, second_queries = _get(client)
    assert "Ateliers Durand" in first
    # The same page but for the form token of the language menu, masked afresh each time.
    assert _without_token(second) == _without_token(first)
    # The version is read; the match, the facets and the results are not computed again.
    assert second_queries == 1
    assert first_queries > 3


def test_a_new_organisation_shows_on_the_next_request(client, company):
    first, _queries = _get(client)
    assert "Ateliers Martin" not in first
    OrganisationFactory(name="Ateliers Martin")
    second, _queries = _get(client)
    assert "Ateliers Martin" in second
    assert "2 organisations" in second


def test_unpublishing_removes_it_from_the_cached_directory(client, company, pole):
    assert "Ateliers Durand" in _get(client)[0]
    services.update_organisation(actor=None, organisation=company, is_published=False)
    assert "Ateliers Durand" not in _get(client)[0]


def test_a_membership_changes_the_pole_counts_at_once(client, company, other_pole):
    assert "Bêta" not in _get(client, "/organisations/")[0]
    MembershipFactory(organisation=company, pole=other_pole, status=MembershipStatus.ACTIVE)
    assert "Bêta" in _get(client, "/organisations/")[0]


def test_a_competence_added_shows_in_the_facets(client, company):
    competence = CompetenceFactory(name="Cryogénie")
    assert "Cryogénie" not in _get(client, "/organisations/")[0]
    company.competences.add(competence)
    assert "Cryogénie" in _get(client, "/organisations/")[0]


def test_writes_bump_the_version(company):
    before = directory_cache.current_version()
    services.update_organisation(actor=None, organisation=company, city="Albi")
    assert directory_cache.current_version() > before


def test_an_unpublished_organisation_cached_for_its_member_never_reaches_others(
    client, unpublished, member, outsider, company
):
    url = "/organisations/?q=discrete"
    client.force_login(member)
    assert "Startup Discrète" in _get(client, url)[0]
    assert len(_directory_keys()) == 1

    client.logout()
    anonymous_page, _queries = _get(client, url)
    assert "Startup Discrète" not in anonymous_page
    assert "Aucune organisation ne correspond" in anonymous_page

    client.force_login(outsider)
    assert "Startup Discrète" not in _get(client, url)[0]
    # One entry per scope: the member's, the public one, the outsider's.
    assert len(_directory_keys()) == 3


def test_superusers_share_their_scope_and_see_unpublished(client, unpublished, admin):
    assert directory_cache.scope(admin) == "all"
    client.force_login(admin)
    assert "Startup Discrète" in _get(client, "/organisations/?q=discrete")[0]


def test_the_language_is_part_of_the_key(client, company):
    french, _queries = _get(client)
    english = client.get(URL, headers={"accept-language": "en"}).content.decode()
    assert "1 organisation" in french
    assert "Refine" in english or "organisation" in english
    assert len(_directory_keys()) == 2


def test_htmx_gets_the_same_fragments(client, company):
    _get(client)
    response = client.get(URL, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Ateliers Durand" in body
    assert 'hx-swap-oob="true"' in body
    assert "<html" not in body


def test_off_when_the_timeout_is_zero(client, settings, company):
    settings.DIRECTORY_CACHE_SECONDS = 0
    _page, first = _get(client)
    _page, second = _get(client)
    assert second == first > 1
    assert _directory_keys() == []


def test_the_version_row_is_recreated_if_missing(db):
    DirectoryVersion.objects.all().delete()
    assert directory_cache.current_version() == 0
    directory_cache.bump_version()
    assert directory_cache.current_version() == 1
