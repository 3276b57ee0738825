from django.core.management.base import BaseCommand

from projects.services import expire_partner_searches


class Command(BaseCommand):
    help = (
        "Marque « expirées » les recherches de partenaires ouvertes dont la date d'expiration "
        "est passée, et prévient leurs auteurs. Sans effet si on la relance le même jour "
        "(à lancer chaque nuit par cron)."
    )

    def handle(self, *args, **options):
        count = expire_partner_searches(actor=None)
        self.stdout.write(f"expired {count}")
