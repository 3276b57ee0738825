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


# --- Animation: events, registrations and business meetings -----------------------------------


class EventKind(models.TextChoices):
    WORKSHOP = "atelier", _("Atelier")
    BUSINESS_MEETINGS = "rdv_affaires", _("Rendez-vous d'affaires")
    TRAINING = "formation", _("Formation")
    CONFERENCE = "conference", _("Conférence")
    WEBINAR = "webinaire", _("Webinaire")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        from django.utils import timezone

        return self.filter(ends_at__gte=now or timezone.now())

    def with_seat_counts(self):
        """Annotate `confirmed_count` and `waiting_count` (registrations by status)."""
        return self.annotate(
            confirmed_count=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                distinct=True,
            ),
            waiting_count=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.WAITING),
                distinct=True,
            ),
        )


class Event(models.Model):
    """An event a pôle runs: workshop, business meetings, training, conference, webinar.

    Prices are information only (members pay the pôle outside the portal). A rendez-vous
    d'affaires may open one-to-one meetings (`meetings_starts_at` … `meetings_ends_at`, cut
    into `meeting_minutes` slots, `meeting_tables` meetings at the same time).
    """

    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.PROTECT, related_name="events"
    )
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices, db_index=True)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    venue = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    online_url = models.URLField(
        _("lien en ligne"), blank=True, help_text=_("Pour un webinaire ou une session à distance.")
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    members_only = models.BooleanField(
        _("réservé aux adhérents"),
        default=False,
        help_text=_("Seuls les membres d'organisations adhérentes du pôle peuvent s'inscrire."),
    )
    member_price_eur = models.DecimalField(
        _("tarif adhérent (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    non_member_price_eur = models.DecimalField(
        _("tarif non-adhérent (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        _("clôture des inscriptions"), null=True, blank=True, help_text=_("Vide : au début.")
    )
    is_published = models.BooleanField(_("publié"), default=False, db_index=True)
    is_cancelled = models.BooleanField(_("annulé"), default=False)
    meetings_starts_at = models.DateTimeField(_("début des rendez-vous"), null=True, blank=True)
    meetings_ends_at = models.DateTimeField(_("fin des rendez-vous"), null=True, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(
        _("durée d'un rendez-vous (minutes)"), default=20
    )
    meeting_tables = models.PositiveSmallIntegerField(
        _("tables"), default=10, help_text=_("Rendez-vous menés en même temps.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(meetings_ends_at__isnull=True)
                | Q(meetings_starts_at__isnull=True)
                | Q(meetings_ends_at__gt=models.F("meetings_starts_at")),
                name="event_meetings_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=5) & Q(meeting_tables__gte=1),
                name="event_meeting_slot_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def has_meetings(self) -> bool:
        return (
            self.kind == EventKind.BUSINESS_MEETINGS
            and self.meetings_starts_at is not None
            and self.meetings_ends_at is not None
        )


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("En liste d'attente")
    CANCELLED = "cancelled", _("Annulé")


class Registration(models.Model):
    """A person's seat at an event, or his place on its waiting list (ordered by `queued_at`).

    One row per person and event: cancelling and registering again reuses it, at the end of
    the queue. For business meetings the person's organisation and what he offers and seeks
    are shown to the other participants.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=RegistrationStatus.choices, db_index=True
    )
    queued_at = models.DateTimeField(_("inscrit le"))
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("présent (émargement)"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émargé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offer = models.TextField(
        _("ce que je propose"), blank=True, help_text=_("Vu des autres participants.")
    )
    seeking = models.TextField(
        _("ce que je cherche"), blank=True, help_text=_("Vu des autres participants.")
    )
    meetings_opt_in = models.BooleanField(
        _("ouvert aux rendez-vous"),
        default=True,
        help_text=_("Les autres participants peuvent me demander un rendez-vous."),
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_user"),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.event}"


class MeetingStatus(models.TextChoices):
    PENDING = "pending", _("Demandé")
    ACCEPTED = "accepted", _("Accepté")
    DECLINED = "declined", _("Refusé")
    CANCELLED = "cancelled", _("Annulé")


class Meeting(models.Model):
    """A one-to-one meeting asked by one participant of a rendez-vous d'affaires of another.

    Accepted, it gets a slot (`starts_at`) and a table; each participant's `AgendaEntry` rows
    make the database refuse a second meeting at the same time for anyone.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="meetings"
    )
    requester = models.ForeignKey(
        Registration,
        verbose_name=_("demandeur"),
        on_delete=models.CASCADE,
        related_name="meetings_requested",
    )
    recipient = models.ForeignKey(
        Registration,
        verbose_name=_("destinataire"),
        on_delete=models.CASCADE,
        related_name="meetings_received",
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PENDING,
        db_index=True,
    )
    starts_at = models.DateTimeField(_("créneau"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rendez-vous d'affaires")
        # Same word in French; a context gives English its plural.
        verbose_name_plural = pgettext_lazy("pluriel", "rendez-vous d'affaires")
        ordering = ["event", "starts_at", "table", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("recipient")), name="meeting_two_people"
            ),
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="meeting_one_open_request_per_pair",
            ),
            models.UniqueConstraint(
                fields=["event", "starts_at", "table"],
                condition=Q(status="accepted"),
                name="meeting_table_once_per_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(starts_at__isnull=False) & Q(table__isnull=False)),
                name="meeting_accepted_has_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester.user} ↔ {self.recipient.user} — {self.event}"


class AgendaEntry(models.Model):
    """A participant's busy slot: one row per participant of an accepted meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("rendez-vous"), on_delete=models.CASCADE, related_name="entries"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="agenda",
    )
    starts_at = models.DateTimeField(_("créneau"))

    class Meta:
        verbose_name = _("créneau d'agenda")
        verbose_name_plural = _("créneaux d'agenda")
        ordering = ["registration", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "starts_at"], name="agenda_no_double_booking"
            ),
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="agenda_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.user} — {self.starts_at}"


# --- Services a pôle offers its members ---------------------------------------------------------


class ServiceKind(models.TextChoices):
    SKILLS = "competences", _("Formation et compétences")
    IP = "propriete_industrielle", _("Propriété industrielle")
    FINANCING = "financement", _("Financement privé et rencontres investisseurs")
    INTERNATIONAL = "international", _("Missions internationales")
    GROWTH = "croissance", _("Accompagnement de la croissance")


class PoleService(models.Model):
    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.CASCADE, related_name="services"
    )
    kind = models.CharField(_("type"), max_length=30, choices=ServiceKind.choices, db_index=True)
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    conditions = models.CharField(
        _("conditions"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : inclus dans l'adhésion, 500 € HT la journée…"),
    )
    members_only = models.BooleanField(_("réservé aux adhérents"), default=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    is_active = models.BooleanField(_("proposé"), default=True, db_index=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("service du pôle")
        verbose_name_plural = _("services des pôles")
        ordering = ["pole__name", "kind", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.pole})"


class ServiceRequestStatus(models.TextChoices):
    NEW = "new", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Traitée")
    DECLINED = "declined", _("Refusée")


class ServiceRequest(models.Model):
    service = models.ForeignKey(
        PoleService, verbose_name=_("service"), on_delete=models.CASCADE, related_name="requests"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="service_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="service_requests",
    )
    message = models.TextField(_("besoin"))
    status = models.CharField(
        _("statut"),
        max_length=15,
        choices=ServiceRequestStatus.choices,
        default=ServiceRequestStatus.NEW,
        db_index=True,
    )
    staff_notes = models.TextField(_("suivi (interne au pôle)"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suivie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("demande de service")
        verbose_name_plural = _("demandes de service")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.service.title}"
