"""The demo's past call, funded projects and outcome reports (`projects.demo_outcomes`)."""

import random

import pytest
from django.utils import timezone

from funding.dossiers import call_is_open
from funding.models import Call
from members import demo as member_demo
from projects import outcomes
from projects.demo_outcomes import PAST_CALL, seed_outcomes
from projects.models import OutcomeReport, Project, ProjectStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo network (`seed_demo` calls `seed_outcomes` last)."""
    member_demo.seed_demo(organisations=60, seed=3)


def test_demo_past_call_is_closed_with_funded_projects_of_cobotix(demo):
    call = Call.objects.get(slug=PAST_CALL)
    cobotix = Project.objects.get(acronym="OPTICOBOT")

    assert not call_is_open(call)
    assert call.decisions_released_at < timezone.now()
    assert cobotix.coordinator.name == "Cobotix (démo)"
    assert cobotix in outcomes.funded_projects()
    assert not cobotix.outcomes.exists()  # the demo user reports them
    assert {label.pole.slug for label in cobotix.label_requests.filter(status="labelled")} >= {
        "systematic"
    }
    assert cobotix.label_requests.filter(status="labelled").count() == 2


def test_demo_funded_projects_have_released_aid_and_outcomes(demo):
    funded = list(outcomes.funded_projects().filter(call__slug=PAST_CALL))
    records = [outcomes.public_record(p) for p in outcomes.with_public_record(
        outcomes.funded_projects().filter(call__slug=PAST_CALL))]  # fmt: skip

    assert len(funded) >= 2
    assert all(record.total_aid_eur > 0 and len(record.partners) == 3 for record in records)
    stages = set(OutcomeReport.objects.values_list("stage", flat=True))
    assert stages == {"final", "follow_up"}
    assert Project.objects.filter(acronym="THERMOLINK", status=ProjectStatus.NOT_FUNDED).exists()


def test_demo_outcomes_run_twice_adds_nothing(demo):
    before = OutcomeReport.objects.count()

    assert seed_outcomes(random.Random(1), now=timezone.now()) == {}
    assert OutcomeReport.objects.count() == before
