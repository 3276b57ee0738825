from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from members.demo import current_totp_code


class Command(BaseCommand):
    help = (
        "Affiche le code à 6 chiffres que montre en ce moment l'application d'authentification "
        "d'un compte de démonstration (pour se connecter à la démo ; jamais en production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="L'adresse du compte, par exemple admin@poles.example.")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp refuses to run with DJANGO_DEBUG off.")
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        code = current_totp_code(user) if user is not None else None
        if code is None:
            raise CommandError(f"{email} has no authenticator app (TOTP) on this database.")
        self.stdout.write(code)
