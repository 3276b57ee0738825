"""The demo platforms: labo@ has a request to answer, entreprise@ an accepted one."""

import random

import pytest
from django.utils import timezone

from members.demo_platforms import seed_platforms
from members.models import AffiliationRole, Platform, PlatformAccessRequest
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_seed_platforms_gives_the_demo_accounts_requests():
    pole = PoleFactory(slug="systematic", name="Systematic")
    company = OrganisationFactory(name="Cobotix (démo)")
    lab = ResearchOrganisationFactory(name="Laboratoire (démo)")
    for email, organisation in (
        ("entreprise@poles.example", company),
        ("labo@poles.example", lab),
    ):
        AffiliationFactory(
            user=UserFactory(email=email), organisation=organisation, role=AffiliationRole.ADMIN
        )
    PoleStaffFactory(pole=pole, user__email="animateur@poles.example")
    for number in range(4):
        ResearchOrganisationFactory(name=f"Laboratoire {number}")
        AffiliationFactory(organisation=OrganisationFactory(name=f"Entreprise {number}"))

    figures = seed_platforms(random.Random(1), now=timezone.now())

    assert figures["shared platforms"] == Platform.objects.count() >= 10
    to_answer = PlatformAccessRequest.objects.get(platform__owner_organisation=lab)
    assert (to_answer.organisation, to_answer.status) == (company, "new")
    accepted = PlatformAccessRequest.objects.get(organisation=company, status="accepted")
    assert accepted.platform.owner_pole == pole
    assert len({p.region_id for p in Platform.objects.all()}) >= 3
    assert seed_platforms(random.Random(1), now=timezone.now()) == {}
