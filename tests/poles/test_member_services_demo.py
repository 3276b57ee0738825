"""The demo services: the demo pôle's five kinds, and the demo company's requests."""

import random

import pytest
from django.utils import timezone

from members.models import AffiliationRole
from poles.demo_services import seed_services
from poles.models import PoleService, ServiceRequest
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_seed_services_covers_every_kind_and_status():
    pole = PoleFactory(slug="systematic", name="Systematic")
    PoleFactory(slug="cap-digital", name="Cap Digital")
    company = OrganisationFactory(name="Cobotix (démo)")
    MembershipFactory(organisation=company, pole=pole)
    AffiliationFactory(
        user=UserFactory(email="entreprise@poles.example"),
        organisation=company,
        role=AffiliationRole.ADMIN,
    )
    PoleStaffFactory(pole=pole, user__email="animateur@poles.example")

    figures = seed_services(random.Random(1), now=timezone.now())

    demo = PoleService.objects.filter(pole=pole)
    assert set(demo.values_list("kind", flat=True)) == {
        "competences",
        "propriete_industrielle",
        "financement",
        "international",
        "croissance",
    }
    assert PoleService.objects.filter(pole__slug="cap-digital").exists()
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {
        "new",
        "in_progress",
        "done",
        "declined",
    }
    assert figures == {
        "pôle services offered": PoleService.objects.count(),
        "service requests": 4,
    }
    assert seed_services(random.Random(1), now=timezone.now()) == {}
