"""Forms of the shared-platform pages: the platform itself, an access request, an answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Competence, CompetenceFamily, Platform
from members.platforms import EDITABLE_FIELDS
from poles.models import Region


def competence_choices():
    """The vocabulary grouped by family, for checkboxes under one heading per family."""
    labels = dict(CompetenceFamily.choices)
    groups: dict[str, list] = {}
    for competence in Competence.objects.order_by("name"):
        groups.setdefault(competence.family, []).append((competence.pk, competence.name))
    return [(labels[family], groups[family]) for family in labels if family in groups]


class PlatformForm(forms.ModelForm):
    """Create or edit a platform. `owner` is "organisation-<pk>" or "pole-<pk>", offered among
    the organisations the user administers and the pôles he animates."""

    owner = forms.ChoiceField(
        label=_("Proposée par"),
        help_text=_("L'organisation ou le pôle qui ouvre la plateforme et répond aux demandes."),
    )
    competences = forms.ModelMultipleChoiceField(
        label=_("Compétences"),
        queryset=Competence.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez les savoir-faire que la plateforme met à disposition."),
    )

    field_order = ["owner", *EDITABLE_FIELDS, "competences"]

    class Meta:
        model = Platform
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "equipment": forms.Textarea(attrs={"rows": 4}),
            "access_conditions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": _("Ce que la plateforme permet de faire, pour qui."),
            "equipment": _("Les principaux équipements, un par ligne."),
            "access_conditions": _("Tarifs, durée, encadrement, confidentialité…"),
            "is_published": _("Décochez pour la préparer sans la montrer dans le catalogue."),
        }

    def __init__(self, *args, organisations, poles, **kwargs):
        super().__init__(*args, **kwargs)
        self._owners = {f"organisation-{o.pk}": o for o in organisations}
        self._owners.update({f"pole-{p.pk}": p for p in poles})
        choices = []
        if organisations:
            choices.append(
                (
                    _("Organisations"),
                    [(k, str(o)) for k, o in self._owners.items() if k.startswith("organisation-")],
                )
            )
        if poles:
            choices.append(
                (
                    _("Pôles"),
                    [(k, p.name) for k, p in self._owners.items() if k.startswith("pole-")],
                )
            )
        self.fields["owner"].choices = choices
        instance = self.instance
        if instance.pk:
            self.fields["owner"].initial = (
                f"organisation-{instance.owner_organisation_id}"
                if instance.owner_organisation_id
                else f"pole-{instance.owner_pole_id}"
            )
            self.fields["competences"].initial = list(
                instance.competences.values_list("pk", flat=True)
            )
        self.fields["competences"].choices = competence_choices()
        self.fields["region"].queryset = Region.objects.order_by("name")
        self.fields["region"].empty_label = _("Choisissez une région")

    def clean_owner(self):
        return self._owners[self.cleaned_data["owner"]]

    def _post_clean(self):
        # The owner is checked and set by the service (members.platforms); the model's own
        # constraint would otherwise see a platform without an owner.
        pass


class AccessRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Au nom de"),
        queryset=None,
        empty_label=None,
        help_text=_("L'organisation qui souhaite utiliser la plateforme."),
    )
    message = forms.CharField(
        label=_("Votre besoin"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que vous voulez tester ou produire, avec quelle équipe."),
        error_messages={"required": _("Décrivez votre besoin en quelques lignes.")},
    )
    desired_period = forms.CharField(
        label=_("Période souhaitée"),
        max_length=120,
        required=False,
        help_text=_("Par exemple : deux semaines en mars 2027."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Accepter")), ("decline", _("Refuser"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Acceptez ou refusez la demande.")},
    )
    response = forms.CharField(
        label=_("Réponse au demandeur"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dates proposées, interlocuteur, ou raison d'un refus."),
    )
