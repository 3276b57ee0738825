from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members import imports
from poles.models import Pole


class Command(BaseCommand):
    help = (
        "Importe des organisations depuis un fichier CSV UTF-8 (en-tête : "
        + ",".join(imports.COLUMNS)
        + ") : les lignes valides sont créées ou mises à jour, les autres signalées avec leur "
        "numéro de ligne. La dernière ligne affichée est « imported N, updated M, rejected K »."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier CSV à importer.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie le fichier et affiche le bilan sans rien enregistrer.",
        )
        parser.add_argument(
            "--pole",
            metavar="SLUG",
            help="Rattache chaque organisation importée à ce pôle (adhésion active).",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        pole = None
        if options["pole"]:
            pole = Pole.objects.filter(slug=options["pole"]).first()
            if pole is None:
                raise CommandError(_("pôle inconnu « %(value)s »") % {"value": options["pole"]})
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("fichier introuvable : %(path)s") % {"path": path}) from None
        except OSError as exc:
            raise CommandError(
                _("lecture impossible de %(path)s : %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            ) from None
        try:
            report = imports.import_organisations(
                actor=None, data=data, pole=pole, dry_run=options["dry_run"], source=path.name
            )
        except imports.ImportFileError as exc:
            raise CommandError(f"{path} : {exc}") from None

        problems = [(p.line, p.message, False) for p in report.rejections] + [
            (p.line, p.message, True) for p in report.warnings
        ]
        for line, message, is_warning in sorted(problems, key=lambda p: p[0]):
            if is_warning:
                self.stdout.write(
                    _("ligne %(line)d (avertissement) : %(message)s")
                    % {"line": line, "message": message}
                )
            else:
                self.stdout.write(
                    _("ligne %(line)d : %(message)s") % {"line": line, "message": message}
                )
        if report.dry_run:
            self.stdout.write(_("simulation : rien n'a été enregistré"))
        self.stdout.write(report.summary())
