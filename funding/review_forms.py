"""The reviewer's forms: scores and comments on an assigned dossier, and a declared conflict.

The form only checks the shape of the input (a score is 0–5 or empty); what a submission
requires (every criterion scored, a comment for the committee) is checked by
`funding.review.save_review`, whose errors are keyed by these field names.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

# The EU expert-evaluation scale, as the FUI committees read it.
SCORE_CHOICES = [
    (0, _("0 — non traité")),
    (1, _("1 — insuffisant")),
    (2, _("2 — passable")),
    (3, _("3 — bon")),
    (4, _("4 — très bon")),
    (5, _("5 — excellent")),
]


def score_field_name(criterion) -> str:
    return f"score_{criterion.pk}"


def weight_text(weight: Decimal) -> str:
    """1 → "1", Decimal("1.50") → "1,5"."""
    return f"{Decimal(weight).normalize():f}".replace(".", ",")


class ReviewForm(forms.Form):
    """One radio group per criterion of the call (`score_<pk>`), and the two comments."""

    comment_committee = forms.CharField(
        label=_("Avis pour le comité"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Lu par le comité et les gestionnaires de l'appel, jamais par les porteurs. "
            "Obligatoire pour remettre l'évaluation."
        ),
    )
    comment_applicants = forms.CharField(
        label=_("Avis pour les porteurs"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Destiné au consortium : il peut lui être communiqué avec la décision."),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {}
        for criterion in self.criteria:
            name = score_field_name(criterion)
            scores[name] = forms.TypedChoiceField(
                label=_("%(criterion)s (poids %(weight)s)")
                % {"criterion": criterion.name, "weight": weight_text(criterion.weight)},
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        # Scores first, in the call's order, then the comments.
        self.fields = {**scores, **self.fields}

    def score_fields(self):
        return [self[score_field_name(criterion)] for criterion in self.criteria]

    def scores(self) -> dict:
        """criterion pk → 0..5 (None when not scored yet)."""
        return {
            criterion.pk: self.cleaned_data.get(score_field_name(criterion))
            for criterion in self.criteria
        }

    def add_service_errors(self, error) -> None:
        """`ValidationError`s of `save_review`, keyed by these field names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("D'où vient le conflit d'intérêts ?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Une phrase suffit, par exemple : « J'ai conseillé le coordinateur en 2023. » "
            "Les gestionnaires de l'appel la liront."
        ),
        error_messages={"required": _("Dites en une phrase d'où vient le conflit.")},
    )
