from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from members.models import Competence, CompetenceFamily, OrganisationKind
from poles.models import Pole, Region
from projects import services
from projects.models import PartnerSearch


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def competence_choices():
    """The vocabulary grouped by family, for checkboxes under one heading per family."""
    labels = dict(CompetenceFamily.choices)
    groups: dict[str, list] = {}
    for competence in Competence.objects.order_by("name"):
        groups.setdefault(competence.family, []).append((competence.pk, competence.name))
    return [(labels[family], groups[family]) for family in labels if family in groups]


class PartnerSearchForm(forms.ModelForm):
    """Publish or edit a partner search; the service checks the rules again."""

    organisation = forms.ModelChoiceField(
        label=_("Au nom de"),
        queryset=None,
        empty_label=None,
        help_text=_("L'organisation qui cherche des partenaires."),
    )
    competences_wanted = forms.ModelMultipleChoiceField(
        label=_("Compétences recherchées"),
        queryset=Competence.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une compétence recherchée.")},
        help_text=_(
            "Cochez celles qui manquent à votre projet : elles servent aussi à vous suggérer "
            "des partenaires."
        ),
    )
    kinds_wanted = forms.MultipleChoiceField(
        label=_("Types de partenaires recherchés"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun type coché : tous les types conviennent."),
    )

    # `kinds_wanted` is a list here and a string in the model: it stays out of Meta.fields so
    # that the form never writes it on the instance; the service stores it.
    field_order = [
        "organisation",
        "title",
        "description",
        "competences_wanted",
        "kinds_wanted",
        "region_wanted",
        "pole",
        "target_call",
        "expires_on",
    ]

    class Meta:
        model = PartnerSearch
        fields = [
            "organisation",
            "title",
            "description",
            "competences_wanted",
            "region_wanted",
            "pole",
            "target_call",
            "expires_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "expires_on": DateInput(),
        }
        error_messages = {
            "title": {"required": _("Donnez un titre à votre recherche.")},
            "description": {
                "required": _("Décrivez le projet et le partenaire que vous cherchez.")
            },
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if self.instance.pk:
            del self.fields["organisation"]
            self.initial["kinds_wanted"] = self.instance.kind_codes
        else:
            self.fields["organisation"].queryset = organisations
            self.initial.setdefault("expires_on", services.default_expiry(today))
        self.fields["competences_wanted"].choices = competence_choices()
        self.fields["region_wanted"].queryset = Region.objects.order_by("name")
        self.fields["region_wanted"].empty_label = _("Toutes les régions")
        self.fields["pole"].queryset = Pole.objects.order_by("name")
        self.fields["pole"].empty_label = _("Aucun pôle en particulier")
        self.fields["title"].widget.attrs["placeholder"] = _(
            "Ex. : Laboratoire en vision par ordinateur pour un robot d'inspection"
        )
        expires = self.fields["expires_on"]
        expires.widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(),
            max=services.latest_expiry(today).isoformat(),
        )
        expires.help_text = _(
            "Au plus un an : jusqu'au %(date)s. La recherche disparaît des listes le lendemain."
        ) % {"date": date_format(services.latest_expiry(today), "j F Y")}

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        changed = not self.instance.pk or expires_on != self.instance.expires_on
        if changed:
            try:
                services.check_expiry(expires_on)
            except forms.ValidationError as error:
                raise forms.ValidationError(error.message_dict["expires_on"]) from None
        return expires_on


class InterestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Au nom de"),
        queryset=None,
        empty_label=None,
    )
    contribution = forms.CharField(
        label=_("Ce que nous apportons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Compétences, moyens, références que votre organisation mettrait au projet."),
        error_messages={"required": _("Dites ce que votre organisation apporterait au projet.")},
    )
    motivation = forms.CharField(
        label=_("Pourquoi ce projet nous intéresse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Dites pourquoi ce projet vous intéresse.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AnswerForm(forms.Form):
    # Sent by the button pressed (two submit buttons named "decision").
    decision = forms.ChoiceField(
        choices=[("accept", _("Accepter")), ("decline", _("Décliner"))],
        error_messages={"required": _("Choisissez d'accepter ou de décliner.")},
    )
    message = forms.CharField(
        label=_("Message à l'organisation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Envoyé avec votre réponse, par exemple pour proposer un rendez-vous."),
    )
