"""Hypothesis profiles and the data the fuzz tests send valid values from.

`HYPOTHESIS_PROFILE=ci` (the default) is cheap and reproducible: few examples per test,
derandomized, no example database. `HYPOTHESIS_PROFILE=deep` runs ten times as many examples
with a random seed, to look further locally: `HYPOTHESIS_PROFILE=deep pytest tests/fuzz`.
"""

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import (
    CompetenceFactory,
    EventFactory,
    InterestFactory,
    PartnerSearchFactory,
    PlatformFactory,
    PoleServiceFactory,
    RegionFactory,
    make_funded_project,
)

COMMON = {
    "deadline": None,
    # The tests take pytest-django's function-scoped fixtures (database, personas): they are
    # built once per test, and every example runs against the same data.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
hypothesis_settings.register_profile(
    "ci", max_examples=25, derandomize=True, database=None, **COMMON
)
hypothesis_settings.register_profile("deep", max_examples=250, **COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # allauth's rate limits would answer 429 after a few tries and hide what the forms do.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def fuzz_world(pole, other_pole, company, lab, member, lab_member, outsider):
    """Something of everything the public pages list, so that filters have rows to work on."""
    robotics = CompetenceFactory(slug="robotique-fuzz", name="Robotique fuzz")
    vision = CompetenceFactory(slug="vision-fuzz", name="Vision fuzz")
    company.competences.add(robotics)
    RegionFactory(code="11")
    event = EventFactory(pole=pole, slug="atelier-alpha", title="Atelier Alpha")
    EventFactory(pole=other_pole, slug="webinaire-beta", kind="webinaire", capacity=None)
    service = PoleServiceFactory(pole=pole, title="Diagnostic brevets", members_only=False)
    platform = PlatformFactory(owner_organisation=lab, slug="banc-essais", competences=[vision])
    posting = PartnerSearchFactory(
        author=member, organisation=company, title="Cherche laboratoire", competences=[vision]
    )
    interest = InterestFactory(posting=posting, organisation=lab, user=lab_member)
    funded = make_funded_project(
        coordinator=company, partners=[lab], poles=[pole], acronym="FUZZ", title="Projet fuzz"
    )
    return {
        "event": event,
        "service": service,
        "platform": platform,
        "posting": posting,
        "interest": interest,
        "funded": funded,
    }
