"""Forms of the event pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    """One click: the organisation is asked only of people who may register for several."""

    organisation = forms.ModelChoiceField(
        label=_("Au titre de"),
        queryset=None,
        required=False,
        empty_label=None,
        help_text=_("L'organisation que vous représenterez à cet événement."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.organisation_count = len(organisations)
        self.asks_organisation = self.organisation_count > 1


class CheckInSearchForm(forms.Form):
    """The admin's check-in page: find a participant by name, e-mail or organisation."""

    q = forms.CharField(label=_("Rechercher un participant"), required=False, max_length=100)
