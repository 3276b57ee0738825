"""The controlled vocabulary of competences comes with the migrations (and survives the
browser tests, which flush the database: see tests/browser/conftest.py)."""

import pytest

from members.models import Competence, CompetenceFamily


@pytest.mark.django_db
def test_competence_vocabulary_is_seeded_in_every_family():
    families = set(Competence.objects.values_list("family", flat=True))

    assert families == set(CompetenceFamily.values)
    assert Competence.objects.get(slug="hydrogene").name == "Hydrogène"
    assert Competence.objects.count() >= 50
