"""`manage.py backup [--output FILE]`: a pg_dump (custom format) of the default database."""

import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

PG_DUMP = "/usr/bin/pg_dump"


def postgres_settings(command: str) -> dict:
    """The default database's settings; refuses (one line) when it is not PostgreSQL."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        raise CommandError(
            f"{command} needs PostgreSQL (DATABASE_URL=postgres://…), "
            f"this database is {connection.vendor}."
        )
    return connection.settings_dict


def client_arguments(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore and their environment.

    The password goes through PGPASSWORD, never on the command line (visible in `ps`).
    """
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    arguments += ["--no-password", "--dbname", str(settings_dict["NAME"])]
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    if options.get("connect_timeout"):
        env["PGCONNECT_TIMEOUT"] = str(options["connect_timeout"])
    return arguments, env


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def run_client(command: list[str], env: dict[str, str], name: str) -> None:
    """Run pg_dump / pg_restore; any failure becomes a one-line CommandError."""
    try:
        completed = subprocess.run(  # noqa: S603 (an argument list, no shell)
            command, env=env, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise CommandError(f"{name} could not run: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        raise CommandError(
            f"{name} failed (exit {completed.returncode}): {last_line(completed.stderr)}"
        )


class Command(BaseCommand):
    help = (
        "Sauvegarde la base PostgreSQL du portail avec pg_dump (format custom), par défaut "
        "dans var/backups/poles-AAAAMMJJ-HHMMSS.dump ; se restaure avec `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="Le fichier à écrire (défaut : var/backups/poles-AAAAMMJJ-HHMMSS.dump).",
        )

    def handle(self, *args, output=None, **options):
        settings_dict = postgres_settings("backup")
        if output:
            target = Path(output)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.BASE_DIR) / "var" / "backups" / f"poles-{stamp}.dump"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
        if target.is_dir():
            raise CommandError(f"{target} is a directory, give a file name.")
        # Written beside the target then renamed: a failed dump leaves no half-written file.
        partial = target.with_name(target.name + ".partial")
        arguments, env = client_arguments(settings_dict)
        try:
            run_client(
                [PG_DUMP, "--format=custom", "--file", str(partial), *arguments], env, "pg_dump"
            )
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"backup written: {target} ({target.stat().st_size} bytes)")
