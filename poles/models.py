"""The network: regions, pôles and the staff who animate them."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Region(models.Model):
    """A French region, by its INSEE code (since 2016)."""

    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PoleCategory(models.TextChoices):
    MONDIAL = "mondial", _("Mondial")
    VOCATION_MONDIALE = "vocation_mondiale", _("À vocation mondiale")
    NATIONAL = "national", pgettext_lazy("catégorie de pôle", "National")


class ThemeFamily(models.TextChoices):
    """A coarse grouping of the pôles' free-text themes, so that they can be filtered."""

    AERO = "aero", _("Aéronautique et spatial")
    DIGITAL = "numerique", _("Numérique et électronique")
    HEALTH = "sante", _("Santé et biotechnologies")
    ENERGY = "energie", _("Énergie")
    MOBILITY = "mobilite", _("Transports et mobilité")
    AGRIFOOD = "agro", _("Agriculture et alimentation")
    MATERIALS = "materiaux", _("Matériaux, chimie et procédés")
    SEA = "mer", _("Mer")
    ENVIRONMENT = "environnement", _("Eau, environnement, construction")
    SERVICES = "services", _("Services, finance, industries créatives")


class PoleQuerySet(models.QuerySet):
    def with_member_counts(self):
        """Annotate `member_count`: organisations with an active membership."""
        return self.annotate(
            member_count=Count("memberships", filter=Q(memberships__status="active"), distinct=True)
        )


class Pole(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=80)
    category = models.CharField(_("catégorie"), max_length=20, choices=PoleCategory.choices)
    theme = models.CharField(_("thématique"), max_length=200)
    theme_family = models.CharField(
        _("famille thématique"), max_length=20, choices=ThemeFamily.choices, db_index=True
    )
    main_region = models.ForeignKey(
        Region,
        verbose_name=_("région principale"),
        on_delete=models.PROTECT,
        related_name="main_poles",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("territoire"),
        related_name="poles",
        help_text=_("Régions qui forment le territoire du pôle."),
    )
    regions_2014 = models.CharField(_("régions en 2014"), max_length=200, blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("Pages publiques d'où viennent ces informations.")
    )

    objects = PoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("pôle")
        verbose_name_plural = _("pôles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("poles:detail", kwargs={"slug": self.slug})

    @property
    def source_urls(self) -> list[str]:
        return [part.strip() for part in self.sources.split(" ; ") if part.strip()]


class PoleStaffRole(models.TextChoices):
    ANIMATOR = "animator", _("Animateur")
    MANAGER = "manager", _("Responsable")


class PoleStaff(models.Model):
    """A person employed by a pôle; animators manage its members in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="pole_roles",
    )
    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=PoleStaffRole.choices, default=PoleStaffRole.ANIMATOR
    )

    class Meta:
        verbose_name = _("équipe du pôle")
        verbose_name_plural = _("équipes des pôles")
        constraints = [
            models.UniqueConstraint(fields=["user", "pole"], name="polestaff_unique_user_pole"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.pole} ({self.get_role_display()})"
