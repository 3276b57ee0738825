import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funding import services

INVALID_INPUT = 2


class Command(BaseCommand):
    help = (
        "Évalue l'éligibilité FUI d'un consortium décrit dans un fichier JSON et affiche le "
        "verdict en JSON. Les labels des pôles sont considérés comme obtenus. Entrée "
        "invalide : code de sortie 2 et une ligne sur la sortie d'erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="Fichier JSON (call, labelling_poles, partners)."
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                f"lecture impossible de {path} : {exc}", returncode=INVALID_INPUT
            ) from None
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON invalide : {exc}", returncode=INVALID_INPUT) from None
        try:
            verdict = services.evaluate_request(data)
        except services.EligibilityInputError as exc:
            raise CommandError(str(exc), returncode=INVALID_INPUT) from None
        self.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False))
