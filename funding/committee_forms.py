"""Forms of the call managers' pages: assigning a reviewer, recording a funder's decision.

Choices are given by the view from lists it already loaded (no query per form: the call's
page shows one assignment form per dossier).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import DecisionOutcome


class AssignForm(forms.Form):
    """A reviewer of one of the call's funders, for one dossier (the project)."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    reviewer = forms.TypedChoiceField(label=_("Évaluateur"), coerce=int)
    funder = forms.TypedChoiceField(
        label=_("Pour le financeur"),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, reviewers=(), funders=(), **kwargs):
        """`reviewers`: (user, [funders]) pairs; `funders`: the call's funders."""
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("Choisissez un évaluateur"))] + [
            (
                user.pk,
                f"{user.get_full_name() or user.email} — {', '.join(f.name for f in its)}",
            )
            for user, its in reviewers
        ]
        self.fields["funder"].choices = [("", _("Selon l'évaluateur"))] + [
            (funder.pk, funder.name) for funder in funders
        ]


class DecisionForm(forms.Form):
    """One funder's decision on a dossier: outcome, message, and when funded the aid per
    partner of the latest version (one `aid_<organisation pk>` field each, in euros)."""

    outcome = forms.ChoiceField(
        label=_("Décision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    comment_applicants = forms.CharField(
        label=_("Message aux porteurs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Communiqué au consortium avec la décision. Pour une demande d'informations "
            "complémentaires, dites ce que la nouvelle version du dossier doit apporter."
        ),
    )

    def __init__(self, *args, partners=(), **kwargs):
        """`partners`: dicts with `organisation` (pk or None) and `name`, in dossier order."""
        super().__init__(*args, **kwargs)
        self.aid_names = []
        for partner in partners:
            if partner["organisation"] is None:
                continue
            name = f"aid_{partner['organisation']}"
            self.fields[name] = forms.IntegerField(
                label=_("Aide accordée à %(partner)s (€)") % {"partner": partner["name"]},
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
            )
            self.aid_names.append(name)

    def aids(self) -> dict[int, int]:
        """Organisation pk → euros, for the service (empty fields left out)."""
        return {
            int(name.removeprefix("aid_")): self.cleaned_data[name]
            for name in self.aid_names
            if self.cleaned_data.get(name) not in (None, 0)
        }
