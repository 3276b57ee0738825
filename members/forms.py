from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import College, Competence, Organisation
from members.services import EDITABLE_FIELDS
from poles.models import Pole


class OrganisationForm(forms.ModelForm):
    """The profile an organisation's admins edit; identifiers are checked by the model."""

    competences = forms.ModelMultipleChoiceField(
        label=_("Compétences"),
        queryset=Competence.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez celles qui décrivent le mieux votre savoir-faire."),
    )

    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["competences"].initial = list(
                self.instance.competences.values_list("pk", flat=True)
            )
        self.fields["region"].empty_label = _("Choisissez une région")
        self.fields["kind"].help_text = _(
            "Entreprise : SIREN ou SIRET obligatoire. Recherche publique : numéro RNSR. "
            "Formation : UAI."
        )


class JoinOrganisationForm(forms.Form):
    job_title = forms.CharField(label=_("Votre fonction"), max_length=120, required=False)
    message = forms.CharField(
        label=_("Message aux administrateurs"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Présentez-vous en quelques mots pour qu'ils vous reconnaissent."),
    )


class FindOrganisationForm(forms.Form):
    q = forms.CharField(
        label=_("SIRET, SIREN ou nom de votre organisation"),
        max_length=200,
        help_text=_("Ex. 732 829 320 00074, 732829320 ou « Laboratoire d'optique »."),
    )


class MembershipRequestForm(forms.Form):
    pole = forms.ModelChoiceField(
        label=_("Pôle"), queryset=Pole.objects.none(), empty_label=_("Choisissez un pôle")
    )
    college = forms.ChoiceField(label=_("Collège"), choices=College.choices)
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que votre organisation attend du pôle et ce qu'elle peut lui apporter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every pôle is offered: asking again for a pôle already joined, or already asked,
        # gets the service's explanation rather than an anonymous "invalid choice".
        self.fields["pole"].queryset = Pole.objects.order_by("name")
        self.fields["pole"].label_from_instance = lambda pole: pole.name
