"""Forms of the consortium invitations: the coordinator's three ways to invite, the answer.

The services (`projects.consortium`) check everything again; these forms only shape input.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import identifiers
from members.models import Organisation

MESSAGE_HELP = _("Quelques mots sur le projet et le rôle que vous voyez pour elle.")


def _message_field():
    return forms.CharField(
        label=_("Message"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MESSAGE_HELP,
    )


class DirectorySearchForm(forms.Form):
    """Look an organisation up in the directory (GET)."""

    q = forms.CharField(
        label=_("Nom, SIRET ou SIREN"),
        max_length=200,
        required=False,
        help_text=_("Ex. « Laboratoire d'optique », 732 829 320 ou 732 829 320 00074."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class InviteOrganisationForm(forms.Form):
    """Invite one of the organisations found in the directory, with an optional message."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation à inviter"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez l'organisation à inviter."),
            "invalid_choice": _(
                "Cette organisation ne peut pas être invitée : elle fait déjà partie du "
                "consortium ou a déjà une invitation en attente."
            ),
        },
    )
    message = _message_field()

    def __init__(self, *args, organisations, **kwargs):
        kwargs.setdefault("prefix", "annuaire")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class InviteInterestForm(forms.Form):
    """Invite, in one click, an organisation whose interest in the partner search was accepted."""

    interest = forms.IntegerField(widget=forms.HiddenInput)


class InviteBySiretForm(forms.Form):
    """Invite an organisation not on the portal yet: its SIRET and a person's e-mail."""

    siret = forms.CharField(
        label=_("SIRET de l'organisation"),
        max_length=20,
        help_text=_("14 chiffres. Si l'organisation est déjà sur le portail, elle est invitée."),
    )
    email = forms.EmailField(
        label=_("E-mail de la personne à inviter"),
        help_text=_(
            "Elle recevra l'invitation et pourra inscrire son organisation sur le portail."
        ),
    )
    message = _message_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "siret")
        super().__init__(*args, **kwargs)

    def clean_siret(self):
        try:
            return identifiers.clean_siret(self.cleaned_data["siret"])
        except identifiers.IdentifierError as error:
            raise forms.ValidationError(gettext(str(error))) from None


class AnswerInvitationForm(forms.Form):
    """Accept or decline; for an invitation by SIRET, which of one's organisations answers."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accepter")), ("decline", _("Décliner"))],
        error_messages={"required": _("Choisissez d'accepter ou de décliner.")},
    )
    organisation = forms.ModelChoiceField(
        label=_("Au nom de"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = True
            first = organisations.first()
            if first is not None:
                self.fields["organisation"].initial = first.pk
