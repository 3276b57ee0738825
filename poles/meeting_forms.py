"""Forms of the business-meetings pages; the services check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import OrganisationKind
from poles.models import Registration


class ParticipantFilterForm(forms.Form):
    """GET filters of the participants page."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom, organisation, ville, compétence, ce qu'ils proposent ou cherchent."),
    )
    kind = forms.ChoiceField(
        label=_("Type d'organisation"),
        required=False,
        choices=[("", _("Tous types")), *OrganisationKind.choices],
    )


class MeetingRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce dont vous aimeriez parler, en 1 000 caractères au plus."),
    )


class MeetingProfileForm(forms.ModelForm):
    """What the participant offers and seeks, shown to the others, and whether he takes
    meeting requests."""

    class Meta:
        model = Registration
        fields = ["offer", "seeking", "meetings_opt_in"]
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 4}),
            "seeking": forms.Textarea(attrs={"rows": 4}),
        }
