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
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
