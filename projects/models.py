"""Collaboration: partner searches, the interests organisations express in them, follows.

A partner search ("recherche de partenaires") is posted by a member on behalf of one of his
organisations; other members' organisations express interest, the author accepts or declines.
Status changes go through `projects.services` only (see `services.STATUS_TRANSITIONS`).

Expiry: a search is live until the end of its `expires_on` day (Europe/Paris). From the next
day it leaves the lists whatever its stored status (`.open()` compares the date); the nightly
`expire_partner_searches` command then records the fact (status `expired`, audit, e-mail to the
author). The author may extend an expired search, which opens it again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from members.models import Affiliation, Competence, Organisation, OrganisationKind
from poles.models import Pole, PoleStaff, Region


class PartnerSearchStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Clôturée")
    EXPIRED = "expired", _("Expirée")
    HIDDEN = "hidden", _("Masquée par la modération")


def validate_kind_codes(value: str) -> None:
    """`kinds_wanted` holds known organisation kinds, comma-separated, each once."""
    if not value:
        return
    codes = value.split(",")
    unknown = [code for code in codes if code not in OrganisationKind.values]
    if unknown or len(set(codes)) != len(codes):
        raise ValidationError(
            _("Types d'organisation inconnus : %(codes)s."), params={"codes": value}
        )


def join_kinds(kinds) -> str:
    """The stored form of a set of kinds: known codes in the order of OrganisationKind."""
    chosen = set(kinds or ())
    return ",".join(code for code in OrganisationKind.values if code in chosen)


class PartnerSearchQuerySet(models.QuerySet):
    def open(self):
        """Searches anyone signed in may answer: open and not past their expiry date."""
        return self.filter(status=PartnerSearchStatus.OPEN, expires_on__gte=timezone.localdate())

    def expired(self):
        """Searches past their expiry date, whether or not the nightly command has run."""
        return self.filter(
            Q(status=PartnerSearchStatus.EXPIRED)
            | Q(status=PartnerSearchStatus.OPEN, expires_on__lt=timezone.localdate())
        )

    def due_to_expire(self):
        """Still marked open but past their expiry date: what `expire_partner_searches` sweeps."""
        return self.filter(status=PartnerSearchStatus.OPEN, expires_on__lt=timezone.localdate())

    def wanting_kind(self, kind: str):
        """Searches that list `kind` among the kinds of partner they want."""
        return self.filter(
            Q(kinds_wanted=kind)
            | Q(kinds_wanted__startswith=f"{kind},")
            | Q(kinds_wanted__endswith=f",{kind}")
            | Q(kinds_wanted__contains=f",{kind},")
        )

    def of_organisations_of(self, user):
        """Searches posted for one of the organisations `user` works for."""
        return self.filter(
            organisation_id__in=Affiliation.objects.filter(user=user).values("organisation_id")
        )

    def visible_to(self, user):
        """What `user` may open.

        Everyone signed in: open searches not past their expiry date. Besides, the people of
        the posting organisation see all of its searches (closed, expired, hidden); people
        whose organisation expressed interest keep seeing the search; a pôle's staff see the
        hidden searches of their pôle; superusers see everything. Anonymous: nothing.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        mine = Affiliation.objects.filter(user=user).values("organisation_id")
        return self.filter(
            Q(status=PartnerSearchStatus.OPEN, expires_on__gte=timezone.localdate())
            | Q(author=user)
            | Q(organisation_id__in=mine)
            | Q(pk__in=Interest.objects.filter(organisation_id__in=mine).values("posting_id"))
            | Q(
                status=PartnerSearchStatus.HIDDEN,
                pole_id__in=PoleStaff.objects.filter(user=user).values("pole_id"),
            )
        )


class PartnerSearch(models.Model):
    """A member's call for partners for a project (what it is, whom it looks for, until when)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.CASCADE,
        related_name="partner_searches",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partner_searches",
        help_text=_("L'organisation qui cherche des partenaires ; l'auteur y est rattaché."),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(
        _("description"),
        help_text=_("Le projet, ce que vous cherchez chez un partenaire, ce que vous apportez."),
    )
    competences_wanted = models.ManyToManyField(
        Competence,
        verbose_name=_("compétences recherchées"),
        related_name="partner_searches",
    )
    kinds_wanted = models.CharField(
        _("types de partenaires recherchés"),
        max_length=100,
        blank=True,
        validators=[validate_kind_codes],
        help_text=_("Codes de types d'organisation séparés par des virgules ; vide : tous."),
    )
    region_wanted = models.ForeignKey(
        Region,
        verbose_name=_("région visée"),
        on_delete=models.PROTECT,
        related_name="partner_searches",
        null=True,
        blank=True,
    )
    pole = models.ForeignKey(
        Pole,
        verbose_name=_("pôle"),
        on_delete=models.SET_NULL,
        related_name="partner_searches",
        null=True,
        blank=True,
        help_text=_("Le pôle dans lequel le projet se monte, le cas échéant."),
    )
    target_call = models.CharField(
        _("appel visé"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « AAP FUI 21 » ou « PSPC-Régions 2026 »."),
    )
    expires_on = models.DateField(
        _("date d'expiration"),
        help_text=_("La recherche disparaît des listes le lendemain de cette date."),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=PartnerSearchStatus.choices,
        default=PartnerSearchStatus.OPEN,
        db_index=True,
    )
    moderation_note = models.CharField(_("motif de modération"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("publiée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = PartnerSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("recherche de partenaires")
        verbose_name_plural = _("recherches de partenaires")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "expires_on"], name="partnersearch_status_exp_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"pk": self.pk})

    @property
    def kind_codes(self) -> list[str]:
        return [code for code in self.kinds_wanted.split(",") if code]

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [str(labels[code]) for code in self.kind_codes if code in labels]

    @property
    def is_past_expiry(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_live(self) -> bool:
        """Open and not past its expiry date: it takes interests and shows in the lists."""
        return self.status == PartnerSearchStatus.OPEN and not self.is_past_expiry

    @property
    def display_status(self) -> str:
        """The status as people see it: an open search past its date reads « Expirée »."""
        if self.status == PartnerSearchStatus.OPEN and self.is_past_expiry:
            return PartnerSearchStatus.EXPIRED
        return self.status

    def get_display_status_display(self) -> str:
        return str(PartnerSearchStatus(self.display_status).label)


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")


class Interest(models.Model):
    """An organisation's expression of interest in a partner search, and the author's answer."""

    posting = models.ForeignKey(
        PartnerSearch,
        verbose_name=_("recherche de partenaires"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="partner_search_interests",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exprimé par"),
        on_delete=models.CASCADE,
        related_name="partner_search_interests",
    )
    contribution = models.TextField(
        _("ce que nous apportons"),
        help_text=_("Compétences, moyens, références que votre organisation mettrait au projet."),
    )
    motivation = models.TextField(
        _("pourquoi ce projet nous intéresse"),
        help_text=_("Ce que votre organisation attend du projet."),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=InterestStatus.choices,
        default=InterestStatus.PENDING,
        db_index=True,
    )
    answer = models.TextField(_("réponse de l'auteur"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    created_at = models.DateTimeField(_("exprimé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("intérêt")
        verbose_name_plural = _("intérêts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "organisation"], name="interest_unique_posting_organisation"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False),
                name="interest_answered_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.posting}"


class Follow(models.Model):
    """A member follows a partner search: he is told when its author updates it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="partner_search_follows",
    )
    posting = models.ForeignKey(
        PartnerSearch,
        verbose_name=_("recherche de partenaires"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(fields=["user", "posting"], name="follow_unique_user_posting"),
        ]

    def __str__(self) -> str:
        return f"{self.user} suit {self.posting}"


# --- Collaborative R&D projects and their consortia ----------------------------------------
#
# A project is created by a member for his organisation, which coordinates it. Other
# organisations join through an invitation their admin accepts; each partner fills its own
# part (role, work, region of R&D, expenses). The coordinator asks pôles for labels, then
# submits the project to a call: `funding.DossierVersion` freezes a copy. Status changes go
# through `projects.consortium` only (see `PROJECT_TRANSITIONS` there).


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idée")
    CONSORTIUM = "consortium", _("Consortium en constitution")
    LABELLING = "labelling", _("En labellisation")
    LABELLED = "labelled", _("Labellisé")
    SUBMITTED = "submitted", _("Déposé")
    FUNDED = "funded", _("Financé")
    NOT_FUNDED = "not_funded", _("Non financé")
    WITHDRAWN = "withdrawn", _("Abandonné")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects `user` may read: its consortium, the staff of the pôles asked for a label.

        Confidential by default: everyone else gets nothing (and the views answer 404).
        Funders reviewing a call see its dossiers through `funding` (issue 5).
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Two small subqueries, not joins and DISTINCT: PostgreSQL answers "is project 1
        # visible?" from the indexes instead of joining every partner's people.
        mine = Affiliation.objects.filter(user=user).values("organisation_id")
        return self.filter(
            Q(pk__in=ProjectPartner.objects.filter(organisation_id__in=mine).values("project_id"))
            | Q(pk__in=LabelRequest.objects.filter(pole__staff__user=user).values("project_id"))
        )

    def published(self):
        return self.filter(is_published=True).exclude(status=ProjectStatus.WITHDRAWN)


class Project(models.Model):
    """A collaborative R&D project, assembled on the portal and submitted to a call."""

    acronym = models.CharField(_("acronyme"), max_length=30)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"))
    competences = models.ManyToManyField(
        Competence, verbose_name=_("compétences"), related_name="projects", blank=True
    )
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    call = models.ForeignKey(
        "funding.Call",
        verbose_name=_("appel visé"),
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,
        blank=True,
    )
    coordinator = models.ForeignKey(
        Organisation,
        verbose_name=_("coordinateur"),
        on_delete=models.PROTECT,
        related_name="coordinated_projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    partner_search = models.ForeignKey(
        PartnerSearch,
        verbose_name=_("recherche de partenaires"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("La recherche dont les intérêts acceptés peuvent être invités."),
    )
    origin_event = models.ForeignKey(
        "poles.Event",
        verbose_name=_("né à l'événement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("L'événement ou le rendez-vous d'affaires où le projet est né."),
    )
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=ProjectStatus.choices,
        default=ProjectStatus.IDEA,
        db_index=True,
    )
    is_published = models.BooleanField(
        _("publié"),
        default=False,
        help_text=_(
            "Acronyme, titre et résumé visibles sur la fiche des partenaires. "
            "Le reste du projet reste confidentiel."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.acronym} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("consortium:detail", args=[self.pk])


class CostBasis(models.TextChoices):
    MARGINAL = "marginal", _("Coûts marginaux")
    FULL = "full", _("Coûts complets")


EXPENSE_FIELDS = (
    "expenses_personnel_eur",
    "expenses_overhead_eur",
    "expenses_equipment_eur",
    "expenses_subcontracting_eur",
    "expenses_other_eur",
)


def _expense(verbose_name):
    return models.PositiveBigIntegerField(verbose_name, default=0)


class ProjectPartner(models.Model):
    """An organisation in a project's consortium, and its part of the work and budget.

    `version` grows by one at each save of the part: an edit based on an older version is
    refused (`consortium.update_part`), so that two people never overwrite each other.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="project_parts",
    )
    role = models.CharField(
        _("rôle"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « intégrateur », « fournisseur du capteur », « essais »."),
    )
    work_summary = models.TextField(_("travaux"), blank=True)
    rd_region = models.ForeignKey(
        Region,
        verbose_name=_("région des travaux de R&D"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Où le partenaire réalise ses travaux, pas son siège."),
    )
    expenses_personnel_eur = _expense(_("frais de personnel (€)"))
    expenses_overhead_eur = _expense(_("frais généraux (€)"))
    expenses_equipment_eur = _expense(_("équipements (€)"))
    expenses_subcontracting_eur = _expense(_("sous-traitance (€)"))
    expenses_other_eur = _expense(_("autres dépenses (€)"))
    cost_basis = models.CharField(
        _("assiette des coûts"),
        max_length=10,
        choices=CostBasis.choices,
        blank=True,
        help_text=_("Pour les organismes de recherche et de formation."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    joined_at = models.DateTimeField(_("entré le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partenaire du projet")
        verbose_name_plural = _("partenaires du projet")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="project_partner_once"
            ),
            models.CheckConstraint(
                condition=Q(cost_basis__in=["", *CostBasis.values]),
                name="project_partner_cost_basis_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.project.acronym})"

    @property
    def is_coordinator(self) -> bool:
        return self.organisation_id == self.project.coordinator_id

    @property
    def total_expenses_eur(self) -> int:
        return sum(getattr(self, name) for name in EXPENSE_FIELDS)

    def expenses(self) -> list[tuple[str, int]]:
        """(label, amount) per category, in the order of the budget table."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in EXPENSE_FIELDS
        ]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Déclinée")
    CANCELLED = "cancelled", _("Annulée")


class InvitationSource(models.TextChoices):
    DIRECTORY = "directory", _("Annuaire")
    INTEREST = "interest", _("Intérêt pour une recherche de partenaires")
    EMAIL = "email", _("Organisation absente du portail")


class Invitation(models.Model):
    """The coordinator's invitation to an organisation to join the consortium.

    An organisation not yet on the portal is invited by SIRET and e-mail: `organisation` is
    empty until someone registers an organisation with that SIREN, whose admins then see it.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="project_invitations",
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    email = models.EmailField(_("e-mail de la personne invitée"), blank=True)
    source = models.CharField(_("origine"), max_length=10, choices=InvitationSource.choices)
    interest = models.ForeignKey(
        Interest,
        verbose_name=_("intérêt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
        db_index=True,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réponse de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation au consortium")
        verbose_name_plural = _("invitations au consortium")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(siret=""),
                name="invitation_has_organisation_or_siret",
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=Q(status="pending"),
                name="invitation_pending_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["project", "siret"],
                condition=Q(status="pending", organisation__isnull=True),
                name="invitation_pending_once_per_siret",
            ),
        ]

    def __str__(self) -> str:
        who = self.organisation or self.siret
        return f"{self.project.acronym} → {who}"

    @property
    def siren(self) -> str:
        return self.siret[:9]


def attachment_path(instance, filename: str) -> str:
    """Private storage path: one folder per project and partner, a random name."""
    import secrets  # noqa: PLC0415

    return (
        f"projects/{instance.partner.project_id}/{instance.partner_id}/{secrets.token_hex(12)}.pdf"
    )


class AttachmentKind(models.TextChoices):
    SUPPORT_LETTER = "support_letter", _("Lettre de soutien")
    OTHER = "other", _("Autre pièce")


class PartAttachment(models.Model):
    """A PDF attached to a partner's part; served only to those who may see the project."""

    partner = models.ForeignKey(
        ProjectPartner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("nature"), max_length=20, choices=AttachmentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(
        _("fichier PDF"), upload_to=attachment_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("nom d'origine"), max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class LabelStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandé")
    LABELLED = "labelled", _("Labellisé")
    REFUSED = "refused", _("Non labellisé")


class LabelRequest(models.Model):
    """A request to a pôle's labelling committee, and its decision.

    `rank` 0 is the lead pôle (pôle chef de file). A label counts for a call only if its
    committee date is on or before the call's deadline day (Europe/Paris).
    """

    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        on_delete=models.CASCADE,
        related_name="label_requests",
    )
    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.PROTECT, related_name="label_requests"
    )
    rank = models.PositiveSmallIntegerField(
        _("rang"), default=0, help_text=_("0 : pôle chef de file.")
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=LabelStatus.choices,
        default=LabelStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    committee_date = models.DateField(_("date du comité"), null=True, blank=True)
    comments = models.TextField(
        _("avis au consortium"),
        blank=True,
        help_text=_("Communiqué au consortium avec la décision."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décision enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décision enregistrée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de label")
        verbose_name_plural = _("demandes de label")
        ordering = ["project", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "pole"], name="label_request_once"),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(committee_date__isnull=False),
                name="label_decision_has_committee_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.acronym} — {self.pole}"

    @property
    def is_lead(self) -> bool:
        return self.rank == 0

    def counts_for(self, call) -> bool:
        """Whether this label counts for `call`: granted on or before its deadline day."""
        if self.status != LabelStatus.LABELLED or self.committee_date is None:
            return False
        if call is None:
            return True
        deadline_day = timezone.localtime(call.closes_at).date()
        return self.committee_date <= deadline_day


class OutcomeStage(models.TextChoices):
    FINAL = "final", _("Fin de projet")
    FOLLOW_UP = "follow_up", _("Suivi après le projet")


class OutcomeReport(models.Model):
    """What a funded project brought, reported by its coordinator at the end and later.

    Figures are cumulative at `as_of` for the whole consortium: the latest report of a project
    is the one the dashboards count. `public_summary` appears on the project's public record.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="outcomes"
    )
    stage = models.CharField(_("étape"), max_length=12, choices=OutcomeStage.choices)
    as_of = models.DateField(_("à la date du"))
    products_on_market = models.PositiveIntegerField(
        _("produits ou services mis sur le marché"), default=0
    )
    products_description = models.TextField(_("lesquels"), blank=True)
    jobs_created = models.PositiveIntegerField(_("emplois créés"), default=0)
    jobs_kept = models.PositiveIntegerField(_("emplois maintenus"), default=0)
    patents_filed = models.PositiveIntegerField(_("brevets déposés"), default=0)
    follow_on_funding_eur = models.PositiveBigIntegerField(
        _("financements obtenus ensuite (€)"), default=0
    )
    follow_on_funding_sources = models.CharField(
        _("origine de ces financements"), max_length=255, blank=True
    )
    public_summary = models.TextField(
        _("résumé public des retombées"),
        blank=True,
        help_text=_("Publié sur la fiche publique du projet financé."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclaré par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("bilan des retombées")
        verbose_name_plural = _("bilans des retombées")
        ordering = ["project", "-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "as_of"], name="outcome_once_per_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.acronym} — {self.get_stage_display()} ({self.as_of})"
