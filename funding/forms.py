from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import Call
from members.models import OrganisationKind
from poles.models import Pole, Region

COST_BASES = [
    ("", _("Sans objet (entreprise)")),
    ("marginal", _("Coûts marginaux")),
    ("full", _("Coûts complets")),
]


class ConsortiumForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Appel à projets"),
        queryset=Call.objects.order_by("-closes_at"),
        to_field_name="slug",
        empty_label=None,
    )
    lead_pole = forms.ModelChoiceField(
        label=_("Pôle chef de file"),
        queryset=Pole.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Choisissez le pôle chef de file"),
    )
    other_poles = forms.ModelMultipleChoiceField(
        label=_("Autres pôles labellisateurs"),
        queryset=Pole.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_pole", "other_poles"):
            self.fields[name].label_from_instance = lambda pole: pole.name


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    # A blank first choice: a line nobody touched stays unchanged, hence ignored.
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Choisissez")), *OrganisationKind.choices]
    )
    coordinator = forms.BooleanField(label=_("Chef de file"), required=False)
    region = forms.ModelChoiceField(
        label=_("Région des travaux"),
        queryset=Region.objects.order_by("name"),
        empty_label=_("Choisissez"),
    )
    expenses_eur = forms.DecimalField(
        label=_("Dépenses (€)"), min_value=0, max_digits=14, decimal_places=2
    )
    employees = forms.IntegerField(label=_("Effectif"), min_value=0, required=False)
    turnover_eur = forms.IntegerField(
        label=_("Chiffre d'affaires (€)"), min_value=0, required=False
    )
    balance_sheet_eur = forms.IntegerField(
        label=_("Total du bilan (€)"), min_value=0, required=False
    )
    group = forms.CharField(label=_("Groupe"), max_length=200, required=False)
    cost_basis = forms.ChoiceField(label=_("Base de coûts"), choices=COST_BASES, required=False)

    def as_request(self) -> dict:
        """The partner as `check_eligibility` reads it from JSON."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "coordinator": data["coordinator"],
            "region": data["region"].code,
            "expenses_eur": data["expenses_eur"],
            "employees": data["employees"],
            "turnover_eur": data["turnover_eur"],
            "balance_sheet_eur": data["balance_sheet_eur"],
            "group": data["group"] or None,
            "cost_basis": data["cost_basis"] or None,
        }


MAX_PARTNERS = 30


def partner_formset(rows: int):
    """A formset of `rows` partner lines; lines left blank are ignored."""
    return forms.formset_factory(
        PartnerForm,
        extra=max(0, rows - 1),
        min_num=1,
        validate_min=True,
        max_num=MAX_PARTNERS,
        validate_max=True,
        # Django's default cap is max_num + 1000: a POST claiming 1000 rows would be rendered
        # back with 1000 lines (a region query each). Beyond MAX_PARTNERS rows are not read.
        absolute_max=MAX_PARTNERS,
    )
