"""The coordinator's outcome report form (`projects.outcome_views`); the service checks the
rules again (date, figures, one report per stage and date)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms import DateInput
from projects.models import OutcomeReport
from projects.outcomes import OUTCOME_FIELDS

MAX_COUNT = 1_000_000
MAX_EUR = 10**12


def _count(label, help_text=""):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Indiquez un nombre, 0 si aucun."),
            "invalid": _("Un nombre entier."),
            "min_value": _("Un nombre positif ou nul."),
        },
    )


class OutcomeForm(forms.ModelForm):
    products_on_market = _count(
        _("Produits ou services mis sur le marché"),
        _("Nombre cumulé depuis le début du projet, pour tout le consortium."),
    )
    jobs_created = _count(_("Emplois créés"), _("En équivalents temps plein, cumulés."))
    jobs_kept = _count(_("Emplois maintenus"), _("En équivalents temps plein."))
    patents_filed = _count(_("Brevets déposés"))
    follow_on_funding_eur = forms.IntegerField(
        label=_("Financements obtenus ensuite (€)"),
        min_value=0,
        max_value=MAX_EUR,
        initial=0,
        help_text=_("Levées de fonds, prêts, autres projets financés grâce à celui-ci."),
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Indiquez un montant, 0 si aucun."),
            "invalid": _("Un montant en euros, sans centimes."),
            "min_value": _("Un montant ne peut pas être négatif."),
        },
    )

    class Meta:
        model = OutcomeReport
        fields = list(OUTCOME_FIELDS)
        widgets = {
            "as_of": DateInput(),
            "products_description": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "stage": _("Étape"),
            "as_of": _("Situation au"),
            "products_description": _("Lesquels"),
            "follow_on_funding_sources": _("Origine de ces financements"),
            "public_summary": _("Résumé public des retombées"),
        }
        help_texts = {
            "stage": _("Le bilan de fin de projet, puis les bilans de suivi les années suivantes."),
            "as_of": _(
                "Les chiffres à cette date ; ni dans le futur, ni avant le début du projet."
            ),
            "products_description": _("Réservé au consortium et aux pôles."),
            "follow_on_funding_sources": _("Réservé au consortium et aux pôles."),
            "public_summary": _(
                "Publié sur la fiche publique du projet financé et dans les données ouvertes : "
                "rien de confidentiel."
            ),
        }
        error_messages = {
            "as_of": {"required": _("Indiquez la date de la situation.")},
            "stage": {"required": _("Choisissez l'étape.")},
        }

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
        if project is not None and project.start_date:
            self.fields["as_of"].widget.attrs["min"] = project.start_date.isoformat()

    def clean_as_of(self):
        """The date rules, checked here too so that they show with the other errors."""
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        start = self.project.start_date if self.project is not None else None
        if start and as_of < start:
            raise forms.ValidationError(
                _("La date ne peut pas précéder le début du projet (%(date)s).")
                % {"date": start.strftime("%d/%m/%Y")}
            )
        return as_of

    def _post_clean(self):
        # The service validates the report with its project (dates, duplicates); the form only
        # checks the fields themselves.
        pass

    def outcome_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in OUTCOME_FIELDS}
