"""`manage.py restore FILE --yes`: pg_restore a `backup` file into the default database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.management.commands.backup import client_arguments, postgres_settings, run_client

PG_RESTORE = "/usr/bin/pg_restore"


class Command(BaseCommand):
    help = (
        "Restaure dans la base PostgreSQL du portail un fichier écrit par `backup` "
        "(pg_restore --clean --if-exists --no-owner, en une seule transaction) : les données "
        "actuelles sont remplacées. Demande --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Le fichier écrit par `backup`.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirme le remplacement des données actuelles par celles du fichier.",
        )

    def handle(self, *args, file, yes=False, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"no such backup file: {source}")
        if not yes:
            name = connections["default"].settings_dict["NAME"]
            raise CommandError(
                f"restore replaces every row of database {name}: run it again with --yes."
            )
        settings_dict = postgres_settings("restore")
        arguments, env = client_arguments(settings_dict)
        # Our own connection would hold locks on the tables pg_restore drops.
        connections["default"].close()
        # One transaction: a restore that fails leaves the database as it was.
        run_client(
            [
                PG_RESTORE,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(source),
            ],
            env,
            "pg_restore",
        )
        self.stdout.write(f"restored {source} into {settings_dict['NAME']}")
