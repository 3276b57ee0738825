"""`manage.py backup` and `manage.py restore`: a database round-trips with every row."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Membership, Organisation
from projects.models import Project
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory


def _row_counts() -> dict[str, int]:
    """Rows in every table the portal owns (many-to-many tables included)."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_finds_every_row(tmp_path, capsys):
    organisation = OrganisationFactory(name="Usinage Garonne")
    OrganisationFactory.create_batch(2)
    membership = MembershipFactory(organisation=organisation)
    project = ProjectFactory(coordinator=organisation, acronym="ROUNDTRIP")
    before = _row_counts()
    dump = tmp_path / "poles.dump"

    call_command("backup", output=str(dump))
    written = capsys.readouterr().out
    call_command("flush", interactive=False, verbosity=0)
    assert Organisation.objects.count() == 0
    call_command("restore", str(dump), yes=True)

    assert written.strip() == f"backup written: {dump} ({dump.stat().st_size} bytes)"
    assert dump.stat().st_size > 0
    assert _row_counts() == before
    assert sum(before.values()) > 0
    assert Organisation.objects.get(pk=organisation.pk).name == "Usinage Garonne"
    assert Membership.objects.get(pk=membership.pk).organisation_id == organisation.pk
    assert Project.objects.get(pk=project.pk).acronym == "ROUNDTRIP"
    # The sequences came back too: a new row does not collide with a restored one.
    assert OrganisationFactory().pk > organisation.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_default_file_is_dated_under_var_backups(settings, tmp_path, capsys):
    settings.BASE_DIR = tmp_path

    call_command("backup")

    out = capsys.readouterr().out.strip()
    match = re.fullmatch(r"backup written: (\S+) \((\d+) bytes\)", out)
    assert match, out
    [written] = (tmp_path / "var" / "backups").iterdir()
    assert re.fullmatch(r"poles-\d{8}-\d{6}\.dump", written.name)
    assert match.groups() == (str(written), str(written.stat().st_size))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_of_a_bad_file_fails_with_one_line_and_changes_nothing(tmp_path):
    OrganisationFactory(name="Toujours là")
    bad = tmp_path / "bad.dump"
    bad.write_bytes(b"not a dump")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), yes=True)

    assert str(refused.value).startswith("pg_restore failed (exit 1): ")
    assert "\n" not in str(refused.value)
    assert Organisation.objects.filter(name="Toujours là").exists()


@pytest.mark.django_db
def test_backup_on_sqlite_refuses_with_one_line(settings, tmp_path):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")

    with pytest.raises(CommandError) as refused:
        call_command("backup", output=str(tmp_path / "x.dump"))

    assert str(refused.value) == (
        "backup needs PostgreSQL (DATABASE_URL=postgres://…), this database is sqlite."
    )
    assert not (tmp_path / "x.dump").exists()


@pytest.mark.django_db
def test_restore_missing_file_refuses_with_one_line(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "absent.dump"), yes=True)

    assert str(refused.value) == f"no such backup file: {tmp_path / 'absent.dump'}"


@pytest.mark.django_db
def test_restore_without_yes_refuses_and_changes_nothing(tmp_path):
    OrganisationFactory(name="Intacte")
    dump = tmp_path / "poles.dump"
    dump.write_bytes(b"PGDMP")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(dump))

    assert "run it again with --yes" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert Organisation.objects.filter(name="Intacte").exists()
