"""Models and migrations agree."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_no_model_change_without_migration():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert out.getvalue().strip() == "No changes detected"
