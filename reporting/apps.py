from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Dashboards and open data: reads across the other apps, which never import it."""

    name = "reporting"
    verbose_name = _("Tableaux de bord et données ouvertes")
