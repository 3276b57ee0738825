from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the database's backup and restore commands (pg_dump / pg_restore)."""

    name = "ops"
    verbose_name = _("Exploitation")
