from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Membres")

    def ready(self):
        from members import directory_cache

        directory_cache.connect()
