"""The labelling committee's decision, as a pôle's staff record it (portal page and admin)."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

LABELLED = "labelled"
REFUSED = "refused"


class LabelDecisionForm(forms.Form):
    """Labelled or not, the committee's date and the comments sent to the consortium.

    With `deadline_day` (the call's deadline, Europe/Paris), a label granted after it needs
    `confirm_late`: such a label does not count for the call, which is rarely what is meant.
    """

    decision = forms.ChoiceField(
        label=_("Décision du comité"),
        choices=[(LABELLED, _("Labellisé")), (REFUSED, _("Non labellisé"))],
        widget=forms.RadioSelect,
    )
    committee_date = forms.DateField(
        label=_("Date du comité"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Le jour où le comité de labellisation s'est réuni."),
    )
    comments = forms.CharField(
        label=_("Avis au consortium"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Envoyé par e-mail aux membres du consortium avec la décision."),
    )
    confirm_late = forms.BooleanField(
        label=_(
            "Je confirme cette date : le label ne comptera pas pour l'appel visé par le projet."
        ),
        required=False,
    )

    def __init__(self, *args, deadline_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline_day = deadline_day
        self.needs_confirmation = False

    @property
    def labelled(self) -> bool:
        return self.cleaned_data["decision"] == LABELLED

    def is_late(self) -> bool:
        """A label granted after the call's deadline day (it will not count for the call)."""
        data = getattr(self, "cleaned_data", {})
        return (
            self.deadline_day is not None
            and data.get("decision") == LABELLED
            and data.get("committee_date") is not None
            and data["committee_date"] > self.deadline_day
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_late() and not cleaned.get("confirm_late"):
            self.needs_confirmation = True
            self.add_error(
                "confirm_late",
                _(
                    "Le comité du %(date)s est postérieur à la date limite de l'appel "
                    "(%(deadline)s) : le label ne comptera pas pour cet appel. Vérifiez la "
                    "date, ou cochez la case pour confirmer."
                )
                % {
                    "date": formats.date_format(cleaned["committee_date"], "SHORT_DATE_FORMAT"),
                    "deadline": formats.date_format(self.deadline_day, "SHORT_DATE_FORMAT"),
                },
            )
        return cleaned
