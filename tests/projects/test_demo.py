"""Demo partner searches, on top of the demo network."""

import random

import pytest

from members import demo as member_demo
from projects.demo import seed_partner_searches
from projects.models import InterestStatus, PartnerSearch

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_network():
    """The demo network without its partner searches (seed_demo adds them: removed here)."""
    member_demo.seed_demo(organisations=40, seed=3)
    PartnerSearch.objects.all().delete()


def _snapshot():
    return sorted(
        PartnerSearch.objects.values_list("organisation__name", "title", "kinds_wanted", "status")
    )


def test_seed_partner_searches_gives_demo_company_a_search_with_pending_interest(demo_network):
    result = seed_partner_searches(random.Random(1))

    search = PartnerSearch.objects.get(author__email="entreprise@poles.example")
    assert search.is_live
    assert search.organisation.name == "Cobotix (démo)"
    pending = search.interests.filter(status=InterestStatus.PENDING)
    assert "labo@poles.example" in set(pending.values_list("user__email", flat=True))
    assert result.partner_searches == PartnerSearch.objects.count() > 5
    assert result.interests >= 2


def test_seed_demo_includes_partner_searches_and_counts_them():
    result = member_demo.seed_demo(organisations=40, seed=3)

    assert result.partner_searches == PartnerSearch.objects.count() > 5
    assert result.interests >= 2
    assert PartnerSearch.objects.filter(author__email="entreprise@poles.example").exists()


def test_seed_partner_searches_same_seed_same_searches_and_second_run_adds_nothing(
    demo_network,
):
    seed_partner_searches(random.Random(7))
    first = _snapshot()
    PartnerSearch.objects.all().delete()
    seed_partner_searches(random.Random(7))

    again = seed_partner_searches(random.Random(8))

    assert _snapshot() == first
    assert (again.partner_searches, again.interests) == (0, 0)
