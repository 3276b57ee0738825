from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from poles import services


class Command(BaseCommand):
    help = "Charge les 18 régions et les 71 pôles de 2014 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=services.POLES_CSV,
            help="Fichier CSV des pôles (par défaut, la copie du projet).",
        )

    def handle(self, *args, **options):
        try:
            result = services.load_poles(options["file"])
        except services.PoleDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"regions {result.regions}, poles created {result.created}, updated {result.updated}"
        )
