"""Who is in the network: people, organisations, their affiliations and memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import identifiers, sizes
from poles.models import Pole, Region


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person; signs in with his e-mail address."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    language = models.CharField(
        _("langue"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="fr",
        help_text=_("La langue des pages et des e-mails ; mise à jour quand il en change."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email


class CompetenceFamily(models.TextChoices):
    DIGITAL = "numerique", _("Numérique")
    MATERIALS = "materiaux", _("Matériaux et procédés")
    ENERGY = "energie", _("Énergie et environnement")
    HEALTH = "sante", _("Santé et vivant")
    SYSTEMS = "systemes", _("Systèmes et mobilité")
    AGRIFOOD = "agro", _("Agro et bioressources")
    BUSINESS = "services", _("Services et usages")


class Competence(models.Model):
    """An entry of the controlled vocabulary of competences."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    family = models.CharField(_("famille"), max_length=20, choices=CompetenceFamily.choices)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    RESEARCH = "research", _("Recherche publique")
    TRAINING = "training", _("Formation")
    RTO = "rto", _("IRT / ITE")
    OTHER = "other", _("Autre")


class SizeCategory(models.TextChoices):
    MICRO = sizes.MICRO, _("Microentreprise (PME)")
    PME = sizes.PME, _("PME")
    ETI = sizes.ETI, _("ETI")
    GE = sizes.GE, _("Grande entreprise")


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """Organisations whose public page anyone may see."""
        return self.filter(is_published=True)


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siren = models.CharField(
        _("SIREN"), max_length=20, blank=True, help_text=_("9 chiffres (entreprises).")
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=20,
        blank=True,
        help_text=_("14 chiffres : le SIREN suivi du NIC de l'établissement."),
    )
    rnsr = models.CharField(
        _("RNSR"),
        max_length=16,
        blank=True,
        help_text=_("Répertoire national des structures de recherche, ex. 200212720X."),
    )
    uai = models.CharField(
        _("UAI"),
        max_length=16,
        blank=True,
        help_text=_("Établissements d'enseignement : 7 chiffres et une lettre, ex. 0751717J."),
    )
    group_name = models.CharField(
        _("groupe"),
        max_length=200,
        blank=True,
        help_text=_("Groupe auquel l'entreprise appartient, le cas échéant."),
    )
    headcount = models.PositiveIntegerField(
        _("effectif"),
        null=True,
        blank=True,
        help_text=_("En équivalents temps plein, au niveau du groupe."),
    )
    turnover_eur = models.BigIntegerField(
        _("chiffre d'affaires (€)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    balance_sheet_eur = models.BigIntegerField(
        _("total du bilan (€)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    size_category = models.CharField(
        _("catégorie d'entreprise"),
        max_length=10,
        choices=SizeCategory.choices,
        blank=True,
        editable=False,
        help_text=_("Déduite de l'effectif, du chiffre d'affaires et du bilan (décret 2008-1354)."),
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
    )
    website = models.URLField(_("site web"), blank=True)
    contact_email = models.EmailField(
        _("e-mail de contact"), blank=True, help_text=_("Visible des seuls membres connectés.")
    )
    phone = models.CharField(
        _("téléphone"),
        max_length=30,
        blank=True,
        help_text=_("Visible des seuls membres connectés."),
    )
    description = models.TextField(_("description"), blank=True)
    competences = models.ManyToManyField(
        Competence, verbose_name=_("compétences"), related_name="organisations", blank=True
    )
    keywords = models.CharField(
        _("mots-clés"),
        max_length=500,
        blank=True,
        help_text=_("Mots-clés libres, séparés par des virgules."),
    )
    is_published = models.BooleanField(
        _("page publique"), default=True, help_text=_("Visible dans l'annuaire public.")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    # Search data, derived from the fields above and the competences by
    # members.search.refresh_search_data (which the services call); never edited by hand.
    # `sort_name`: the name in lower case without accents, so that "École" sorts among the E
    # (PostgreSQL's C collation and SQLite would put it after Z); keyset pagination runs on it.
    sort_name = models.TextField(_("nom pour le tri"), blank=True, editable=False)
    # Lower case, no accents: name, competences, keywords and city (PostgreSQL: trigram
    # typo tolerance, GIN gin_trgm_ops index created by migration 0005 on PostgreSQL only).
    search_names = models.TextField(_("texte de recherche court"), blank=True, editable=False)
    # The same plus the description: the word matching of the SQLite fallback.
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)
    # PostgreSQL full-text vector (french_unaccent, weights A name, B competences and keywords,
    # C city, D description), GIN index created by migration 0005; stays NULL on SQLite.
    search_vector = SearchVectorField(
        _("vecteur de recherche"), null=True, blank=True, editable=False
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="organisation_unique_siret"
            ),
            models.UniqueConstraint(
                fields=["rnsr"], condition=~Q(rnsr=""), name="organisation_unique_rnsr"
            ),
            models.UniqueConstraint(
                fields=["uai"], condition=~Q(uai=""), name="organisation_unique_uai"
            ),
            models.CheckConstraint(
                condition=Q(kind="company") | Q(size_category=""),
                name="organisation_size_only_for_companies",
            ),
        ]
        indexes = [
            models.Index(fields=["siren"], name="organisation_siren_idx"),
            models.Index(fields=["kind", "size_category"], name="organisation_kind_size_idx"),
            models.Index(fields=["sort_name", "id"], name="organisation_sort_name_idx"),
            # The two GIN indexes of the search (search_vector, search_names gin_trgm_ops) exist
            # on PostgreSQL only: migration 0005 creates them, they cannot be declared here.
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation", kwargs={"slug": self.slug})

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def is_sme(self) -> bool:
        return sizes.is_sme(self.size_category)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field, cleaner in (
            ("siren", identifiers.clean_siren),
            ("siret", identifiers.clean_siret),
            ("rnsr", identifiers.clean_rnsr),
            ("uai", identifiers.clean_uai),
        ):
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, cleaner(value))
                except identifiers.IdentifierError as exc:
                    errors[field] = gettext(str(exc))
        if self.siret and not errors.get("siret"):
            if not self.siren:
                self.siren = self.siret[:9]
            elif not errors.get("siren") and self.siret[:9] != self.siren:
                errors["siret"] = _("Le SIRET doit commencer par le SIREN de l'organisation.")
        if self.kind == OrganisationKind.COMPANY and not (self.siren or self.siret or errors):
            errors["siren"] = _("Une entreprise est identifiée par son SIREN ou son SIRET.")
        if errors:
            raise ValidationError(errors)
        self.size_category = self.compute_size_category()

    def compute_size_category(self) -> str:
        if self.kind != OrganisationKind.COMPANY:
            return ""
        return sizes.size_category(self.headcount, self.turnover_eur, self.balance_sheet_eur) or ""

    @property
    def rnsr_warning(self) -> str:
        """A warning, not an error: the RNSR check letter rule is not documented anywhere."""
        if self.rnsr and len(self.rnsr) == 10 and not identifiers.rnsr_letter_matches(self.rnsr):
            return str(
                _("La lettre de ce numéro RNSR ne suit pas la règle habituelle : vérifiez-le.")
            )
        return ""


class AffiliationRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Membre")


class Affiliation(models.Model):
    """A person working for an organisation; admins manage its profile."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=AffiliationRole.choices, default=AffiliationRole.MEMBER
    )
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    is_contact = models.BooleanField(
        _("contact affiché"),
        default=True,
        help_text=_("Nom, fonction et e-mail montrés aux membres connectés sur la fiche."),
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="affiliation_unique_user_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Échue")
    REFUSED = "refused", _("Refusée")


class College(models.TextChoices):
    LARGE_COMPANIES = "ge", _("Grandes entreprises et ETI")
    SME = "pme", _("PME")
    RESEARCH_TRAINING = "recherche", _("Recherche et formation")
    AUTHORITIES = "collectivites", _("Collectivités et institutions")
    OTHER = "autres", _("Autres membres")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def for_staff(self, user):
        """Memberships in the pôles where `user` is staff (all of them for a superuser)."""
        if user.is_superuser:
            return self
        return self.filter(pole__staff__user=user)


class Membership(models.Model):
    """An organisation's membership of a pôle (the pôle's association)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
        db_index=True,
    )
    college = models.CharField(_("collège"), max_length=20, choices=College.choices)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    renewal_reminded_for = models.DateField(
        _("relance envoyée pour l'échéance du"),
        null=True,
        blank=True,
        help_text=_("Échéance dont la relance de renouvellement est partie (une seule fois)."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["pole__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "pole"], name="membership_unique_organisation_pole"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.pole}"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    DECLINED = "declined", _("Refusée")


class OrganisationJoinRequest(models.Model):
    """A user asks to work for an existing organisation; one of its admins decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="organisation_join_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    job_title = models.CharField(_("fonction"), max_length=120, blank=True)
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande de rattachement")
        verbose_name_plural = _("demandes de rattachement")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending_per_user_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


# --- Fees ---------------------------------------------------------------------------------------


class FeeScale(models.Model):
    """A pôle's yearly fee for a collège (and, optionally, a company size)."""

    pole = models.ForeignKey(
        Pole, verbose_name=_("pôle"), on_delete=models.CASCADE, related_name="fee_scales"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    college = models.CharField(_("collège"), max_length=20, choices=College.choices)
    size_category = models.CharField(
        _("taille"),
        max_length=10,
        choices=SizeCategory.choices,
        blank=True,
        help_text=_("Vide : toutes les tailles du collège."),
    )
    amount_eur = models.PositiveIntegerField(_("cotisation (€ HT)"))

    class Meta:
        verbose_name = _("barème de cotisation")
        verbose_name_plural = _("barèmes de cotisation")
        ordering = ["pole__name", "-year", "college", "size_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "year", "college", "size_category"], name="feescale_unique_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pole} {self.year} — {self.get_college_display()}"


class FeeCallStatus(models.TextChoices):
    DUE = "due", _("À payer")
    PAID = "paid", _("Payée")
    CANCELLED = "cancelled", _("Annulée")


class FeeCall(models.Model):
    """The fee a membership owes for a year, and whether it is paid (payment happens outside)."""

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("adhésion"),
        on_delete=models.CASCADE,
        related_name="fee_calls",
    )
    year = models.PositiveSmallIntegerField(_("année"))
    reference = models.CharField(_("référence"), max_length=40, unique=True)
    amount_eur = models.PositiveIntegerField(_("montant (€ HT)"))
    issued_on = models.DateField(_("émis le"))
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=FeeCallStatus.choices,
        default=FeeCallStatus.DUE,
        db_index=True,
    )
    paid_on = models.DateField(_("payée le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appel de cotisation")
        verbose_name_plural = _("appels de cotisation")
        ordering = ["-year", "membership__pole__name", "membership__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="feecall_once_per_year"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="feecall_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.membership}"


# --- Shared platforms, demonstrators and equipment ----------------------------------------------


class PlatformKind(models.TextChoices):
    PLATFORM = "plateforme", _("Plateforme technologique")
    DEMONSTRATOR = "demonstrateur", _("Démonstrateur")
    EQUIPMENT = "equipement", _("Équipement")
    LIVING_LAB = "living_lab", _("Living lab, terrain d'essai")


class Platform(models.Model):
    """A platform, demonstrator or piece of equipment a member or a pôle opens to others."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=PlatformKind.choices, db_index=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation propriétaire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="platforms",
    )
    owner_pole = models.ForeignKey(
        Pole,
        verbose_name=_("pôle propriétaire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="platforms",
    )
    description = models.TextField(_("ce qu'elle permet"))
    equipment = models.TextField(_("équipements"), blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("région"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms",
    )
    access_conditions = models.TextField(_("conditions d'accès"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"))
    competences = models.ManyToManyField(
        Competence, verbose_name=_("compétences"), blank=True, related_name="platforms"
    )
    is_published = models.BooleanField(_("publiée"), default=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("plateforme partagée")
        verbose_name_plural = _("plateformes partagées")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=True, owner_pole__isnull=False)
                | Q(owner_organisation__isnull=False, owner_pole__isnull=True),
                name="platform_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platforms:detail", kwargs={"slug": self.slug})

    @property
    def owner(self):
        return self.owner_organisation or self.owner_pole


class AccessRequestStatus(models.TextChoices):
    NEW = "new", _("Nouvelle")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")


class PlatformAccessRequest(models.Model):
    platform = models.ForeignKey(
        Platform,
        verbose_name=_("plateforme"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="platform_access_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="platform_access_requests",
    )
    message = models.TextField(_("besoin"))
    desired_period = models.CharField(_("période souhaitée"), max_length=120, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.NEW,
        db_index=True,
    )
    response = models.TextField(_("réponse"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.platform}"


class DirectoryVersion(models.Model):
    """One row whose number grows with every change the directory shows (organisations,
    their competences and memberships, who belongs to or animates what): the directory's
    cached pages are keyed by it, so that a change is never hidden behind a cached page, on
    any app server (`members.directory_cache`)."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("version de l'annuaire")
        verbose_name_plural = _("versions de l'annuaire")

    def __str__(self) -> str:
        return str(self.value)


class SearchWord(models.Model):
    """A word of the directory (from the folded names, competences, keywords and cities), for
    the search's typo tolerance on PostgreSQL: a query word that finds too little is widened
    to the words close to it by trigrams, looked up in this small table and its trigram index
    (`members.search`), not in the organisations themselves."""

    word = models.CharField(_("mot"), max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("mot de l'annuaire")
        verbose_name_plural = _("mots de l'annuaire")

    def __str__(self) -> str:
        return self.word
