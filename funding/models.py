"""Calls for projects and their rates and thresholds (the eligibility rules)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.storage import private_storage
from funding.eligibility import Rules

# What the engine's partner categories are called on pages, in the CSV and in the PDF.
CATEGORY_LABELS = {
    "pme": _("PME"),
    "eti": _("ETI"),
    "ge": _("Grande entreprise"),
    "research": _("Recherche publique"),
    "training": _("Formation"),
    "rto": _("IRT / ITE"),
    "other": _("Autre"),
}

UNCONFIRMED = _("Non confirmé par les sources : vérifiez dans le cahier des charges de l'appel.")


def _rate(verbose_name, help_text, default=None):
    kwargs = {"default": default} if default is not None else {}
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=4, help_text=help_text, **kwargs
    )


class FunderKind(models.TextChoices):
    STATE = "state", _("État")
    BPIFRANCE = "bpifrance", _("Bpifrance")
    REGION = "region", _("Région")
    OTHER = "other", _("Autre financeur")


class Funder(models.Model):
    """Who funds the projects of a call: the State, Bpifrance, the Régions (co-funding)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    kind = models.CharField(_("nature"), max_length=10, choices=FunderKind.choices)
    region = models.ForeignKey(
        "poles.Region",
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funders",
        help_text=_("Pour un conseil régional."),
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation sur le portail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funder_roles",
        help_text=_("L'organisation dont les membres instruisent les dossiers pour ce financeur."),
    )

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    """A call for projects (e.g. AAP FUI n°21) with its aid rates and eligibility thresholds.

    Rates and shares are fractions (0.45 = 45 %). Staff edit them in the admin.
    """

    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    scheme = models.CharField(_("dispositif"), max_length=40, help_text=_("Par exemple « FUI »."))
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=200)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("date limite"))
    funders = models.ManyToManyField(
        Funder, verbose_name=_("financeurs"), related_name="calls", blank=True
    )
    decisions_released_at = models.DateTimeField(
        _("décisions communiquées le"),
        null=True,
        blank=True,
        help_text=_("Les décisions des financeurs sont communiquées aux porteurs toutes ensemble."),
    )

    rate_pme_in_territory = _rate(
        _("taux PME sur le territoire"),
        _("PME située sur le territoire d'un pôle labellisateur (part des dépenses)."),
    )
    rate_pme_elsewhere = _rate(_("taux PME hors territoire"), _("PME située ailleurs."))
    rate_eti_in_territory = _rate(
        _("taux ETI sur le territoire"),
        _("ETI située sur le territoire d'un pôle labellisateur."),
    )
    rate_other_company = _rate(
        _("taux autres entreprises"), _("Grandes entreprises, et ETI hors territoire.")
    )
    rate_research_marginal = _rate(
        _("taux recherche, coûts marginaux"),
        _(
            "Organisme de recherche ou de formation aidé sur ses coûts marginaux "
            "(100 % ; non confirmé pour FUI 25)."
        ),
        default=Decimal("1"),
    )
    rate_research_full = _rate(
        _("taux recherche, coûts complets"),
        _(
            "Organisme de recherche ou de formation aidé sur ses coûts complets "
            "(40 % ; non confirmé pour FUI 25)."
        ),
        default=Decimal("0.4"),
    )
    rate_rto = _rate(
        _("taux IRT / ITE"),
        _(
            "Non confirmé par les sources : par défaut, le même que celui de la recherche "
            "en coûts complets."
        ),
        default=Decimal("0.4"),
    )
    rate_other = _rate(
        _("taux autres organismes"),
        _("Non confirmé par les sources : par défaut 0 (collectivités, associations…)."),
        default=Decimal("0"),
    )

    min_companies = models.PositiveSmallIntegerField(
        _("entreprises indépendantes, minimum"),
        default=2,
        help_text=_("Les entreprises d'un même groupe comptent pour une."),
    )
    min_research_training = models.PositiveSmallIntegerField(
        _("organismes de recherche ou de formation, minimum"),
        default=1,
        help_text=_("Un IRT ou un ITE ne compte pas."),
    )
    territory_labelling_min = _rate(
        _("part minimale des dépenses sur le territoire des pôles labellisateurs"),
        _("Part des dépenses de R&D (0,5 = 50 %)."),
        default=Decimal("0.5"),
    )
    territory_lead_min = _rate(
        _("part minimale des dépenses sur le territoire du pôle chef de file"),
        _("Part des dépenses de R&D (0,25 = 25 %)."),
        default=Decimal("0.25"),
    )
    partner_share_max = _rate(
        _("part maximale des dépenses d'un partenaire"),
        _("Aucun partenaire ne peut porter plus que cette part (0,7 = 70 %)."),
        default=Decimal("0.7"),
    )
    lab_aid_share_max = _rate(
        _("part de l'aide aux laboratoires au-delà de laquelle justifier"),
        _("Avertissement, pas une règle bloquante (0,4 = 40 %)."),
        default=Decimal("0.4"),
    )
    aid_min_eur = models.PositiveIntegerField(
        _("aide minimale conseillée (€)"),
        default=750_000,
        help_text=_(
            "Avertissement : en dessous, le projet relève plutôt des aides à l'innovation "
            "de Bpifrance."
        ),
    )

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-closes_at"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0}) & Q(**{f"{name}__lte": 1}),
                    name=f"call_{name}_between_0_and_1",
                )
                for name in (
                    "rate_pme_in_territory",
                    "rate_pme_elsewhere",
                    "rate_eti_in_territory",
                    "rate_other_company",
                    "rate_research_marginal",
                    "rate_research_full",
                    "rate_rto",
                    "rate_other",
                    "territory_labelling_min",
                    "territory_lead_min",
                    "partner_share_max",
                    "lab_aid_share_max",
                )
            ],
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if created:
            Criterion.objects.bulk_create(
                Criterion(call=self, code=code, name=name, weight=weight, position=position)
                for position, (code, name, weight) in enumerate(DEFAULT_CRITERIA)
            )

    def rules(self) -> Rules:
        """The engine's view of this call."""
        return Rules(
            rate_pme_in_territory=self.rate_pme_in_territory,
            rate_pme_elsewhere=self.rate_pme_elsewhere,
            rate_eti_in_territory=self.rate_eti_in_territory,
            rate_other_company=self.rate_other_company,
            rate_research_marginal=self.rate_research_marginal,
            rate_research_full=self.rate_research_full,
            rate_rto=self.rate_rto,
            rate_other=self.rate_other,
            min_companies=self.min_companies,
            min_research_training=self.min_research_training,
            territory_labelling_min=self.territory_labelling_min,
            territory_lead_min=self.territory_lead_min,
            partner_share_max=self.partner_share_max,
            lab_aid_share_max=self.lab_aid_share_max,
            aid_min_eur=Decimal(self.aid_min_eur),
        )


class DossierVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise DossierImmutable(_("Un dossier déposé ne peut pas être modifié."))

    def delete(self):
        raise DossierImmutable(_("Un dossier déposé ne peut pas être supprimé."))


class DossierImmutable(Exception):
    """Raised on any attempt to change or delete a submitted dossier version."""


class DossierVersion(models.Model):
    """A frozen copy of a project as submitted to a call: written once, never updated.

    `content` holds everything the funders read: the project, every partner's part and
    budget, the labels, the eligibility verdict and the attachments' SHA-256 checksums (their
    files are copied into `DossierFile`). A later submission makes version n + 1.
    """

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("projet"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="dossiers"
    )
    number = models.PositiveIntegerField(_("version"))
    reference = models.CharField(_("référence"), max_length=60, unique=True)
    submitted_at = models.DateTimeField(_("déposé le"))
    submitted_by = models.ForeignKey(
        "members.User",
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    eligible = models.BooleanField(_("éligible"))
    total_expenses_eur = models.BigIntegerField(_("dépenses totales (€)"))
    total_aid_eur = models.BigIntegerField(_("aide totale (€)"))
    content = models.JSONField(_("contenu"))

    objects = DossierVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version de dossier")
        verbose_name_plural = _("versions de dossier")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="dossier_version_once"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise DossierImmutable(_("Un dossier déposé ne peut pas être modifié."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DossierImmutable(_("Un dossier déposé ne peut pas être supprimé."))


def dossier_file_path(instance, filename: str) -> str:
    import secrets  # noqa: PLC0415

    return f"dossiers/{instance.version.project_id}/{secrets.token_hex(12)}.pdf"


class DossierFile(models.Model):
    """A copy of an attachment as it was when the dossier version was submitted."""

    version = models.ForeignKey(
        DossierVersion,
        verbose_name=_("version de dossier"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    partner_name = models.CharField(_("partenaire"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(
        _("fichier"), upload_to=dossier_file_path, storage=private_storage, max_length=200
    )
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    objects = DossierVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DossierImmutable(_("Un dossier déposé ne peut pas être modifié."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DossierImmutable(_("Un dossier déposé ne peut pas être supprimé."))


# --- Review by the funders ------------------------------------------------------------------
#
# A "dossier" under review is a project submitted to a call (all its versions). Staff of the
# call's funders assign reviewers, who score the call's criteria; each funder records its own
# decision, and the decisions of a call are released to the applicants together.


class FunderRole(models.TextChoices):
    MANAGER = "manager", _("Gestionnaire de l'appel")
    REVIEWER = "reviewer", _("Évaluateur")


class FunderMember(models.Model):
    """A person working for a funder: a manager (assigns, decides) or a reviewer (scores)."""

    funder = models.ForeignKey(
        Funder, verbose_name=_("financeur"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        "members.User",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="funder_roles",
    )
    role = models.CharField(_("rôle"), max_length=10, choices=FunderRole.choices)

    class Meta:
        verbose_name = _("membre d'un financeur")
        verbose_name_plural = _("membres des financeurs")
        ordering = ["funder", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "user"], name="funder_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.funder}, {self.get_role_display()})"


# The FUI selection criteria (domain.md): innovation, quality of the partnership, credible
# market, economic value and jobs in France. Staff change names and weights per call.
DEFAULT_CRITERIA = (
    ("innovation", "Caractère innovant", Decimal("1")),
    ("partnership", "Qualité du partenariat", Decimal("1")),
    ("market", "Crédibilité du marché", Decimal("1")),
    ("impact", "Retombées économiques", Decimal("1")),
    ("jobs", "Emplois en France", Decimal("1")),
)


class Criterion(models.Model):
    """A scored criterion of a call (0–5), with its weight in the weighted score."""

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("intitulé"), max_length=120)
    weight = models.DecimalField(_("poids"), max_digits=4, decimal_places=2, default=Decimal("1"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("critères d'évaluation")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("Assignée")
    CONFLICT = "conflict", _("Conflit d'intérêts déclaré")
    WITHDRAWN = "withdrawn", _("Retirée")


class Assignment(models.Model):
    """A reviewer asked to review a project's dossier for a call (all its versions)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("projet"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        "members.User",
        verbose_name=_("évaluateur"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    funder = models.ForeignKey(
        Funder, verbose_name=_("pour le financeur"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
        db_index=True,
    )
    conflict_reason = models.CharField(_("motif du conflit"), max_length=500, blank=True)
    assigned_by = models.ForeignKey(
        "members.User",
        verbose_name=_("assignée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assignée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignation d'évaluation")
        verbose_name_plural = _("assignations d'évaluation")
        ordering = ["call", "project", "reviewer__email"]
        constraints = [
            models.UniqueConstraint(fields=["project", "call", "reviewer"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.project.acronym}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Remise")


class Review(models.Model):
    """A reviewer's scores and comments on one assigned dossier."""

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignation"), on_delete=models.CASCADE, related_name="review"
    )
    version = models.ForeignKey(
        DossierVersion,
        verbose_name=_("version évaluée"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    comment_committee = models.TextField(_("avis pour le comité"), blank=True)
    comment_applicants = models.TextField(_("avis pour les porteurs"), blank=True)
    submitted_at = models.DateTimeField(_("remise le"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        "members.User",
        verbose_name=_("rouverte par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self) -> str:
        return f"{self.assignment}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("évaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("critère"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once"),
            models.CheckConstraint(condition=Q(value__lte=5), name="score_at_most_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class DecisionOutcome(models.TextChoices):
    FUNDED = "funded", _("Financé")
    NOT_FUNDED = "not_funded", _("Non financé")
    MORE_INFORMATION = "more_information", _("Informations complémentaires demandées")


class Decision(models.Model):
    """One funder's decision on a project submitted to a call (several funders may co-fund).

    Held until the call's decisions are released (`released_at`); then the applicants see the
    outcome, the aid per partner and `comment_applicants`.
    """

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("projet"),
        on_delete=models.PROTECT,
        related_name="funding_decisions",
    )
    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="decisions"
    )
    funder = models.ForeignKey(
        Funder, verbose_name=_("financeur"), on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=DecisionOutcome.choices)
    comment_applicants = models.TextField(_("message aux porteurs"), blank=True)
    decided_by = models.ForeignKey(
        "members.User",
        verbose_name=_("enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("enregistrée le"), auto_now=True)
    released_at = models.DateTimeField(_("communiquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision de financement")
        verbose_name_plural = _("décisions de financement")
        ordering = ["call", "project", "funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "call", "funder"], name="decision_once_per_funder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder} : {self.project.acronym} — {self.get_outcome_display()}"

    @property
    def total_aid_eur(self) -> int:
        return sum(aid.amount_eur for aid in self.aids.all())


class DecisionAid(models.Model):
    """The aid a funder grants one partner organisation (integer euros)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("décision"), on_delete=models.CASCADE, related_name="aids"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_eur = models.PositiveBigIntegerField(_("aide (€)"))

    class Meta:
        verbose_name = _("aide accordée")
        verbose_name_plural = _("aides accordées")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "organisation"], name="decision_aid_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.amount_eur} €"
