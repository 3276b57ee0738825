"""A partner search of `company` (written by `member`) in Pôle Alpha, and its vocabulary."""

import pytest

from members.models import OrganisationKind
from tests.factories import CompetenceFactory, PartnerSearchFactory, RegionFactory


@pytest.fixture
def composites(db):
    return CompetenceFactory(name="Matériaux composites", slug="materiaux-composites")


@pytest.fixture
def additive(db):
    return CompetenceFactory(name="Fabrication additive")


@pytest.fixture
def robotics(db):
    return CompetenceFactory(name="Robotique et cobotique", slug="robotique")


@pytest.fixture
def search(member, company, pole, composites, additive, robotics):
    """Open, by `member` for `company`: a lab in composites, additive manufacturing, robotics."""
    return PartnerSearchFactory(
        author=member,
        organisation=company,
        title="Démonstrateur de drone composite",
        description="Un drone d'inspection à structure composite imprimée.",
        competences=[composites, additive, robotics],
        kinds_wanted=[OrganisationKind.RESEARCH],
        region_wanted=RegionFactory(code="76"),
        pole=pole,
        target_call="AAP FUI 21",
    )
