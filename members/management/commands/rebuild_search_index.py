from django.core.management.base import BaseCommand

from members import search


class Command(BaseCommand):
    help = (
        "Recalcule les données de recherche de toutes les organisations (texte, vecteur "
        "plein texte, nom de tri), par exemple après une modification hors des services."
    )

    def handle(self, *args, **options):
        count = search.refresh_all_search_data()
        self.stdout.write(f"refreshed {count} organisations")
