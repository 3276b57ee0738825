"""Forms of the services pages: a member's request for a service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ServiceRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Au nom de"),
        queryset=None,
        empty_label=None,
        help_text=_("L'organisation pour laquelle vous demandez ce service."),
    )
    message = forms.CharField(
        label=_("Votre besoin"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Décrivez votre besoin et votre calendrier : l'équipe du pôle vous répondra."),
        error_messages={"required": _("Décrivez votre besoin en quelques lignes.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
