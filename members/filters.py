"""The directory's GET parameters, parsed and applied by a django-filter FilterSet.

`q` is the text search, `kind`, `size`, `region`, `pole` and `competence` are facets (each
may be repeated: values of one facet are OR-ed, facets are AND-ed), `sort` orders the
results. The conditions themselves live in `members.search`, which also counts the facets.
"""

import re

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from members import search
from members.models import Organisation, OrganisationKind
from poles.services import REGIONS

SLUG = re.compile(r"^[-\w]{1,100}$")


class SlugListField(forms.Field):
    """Repeated GET values (`?pole=a&pole=b`), kept when they look like slugs.

    No database query: an unknown slug simply matches nothing, as a wrong word would.
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return list(dict.fromkeys(v for v in values if SLUG.match(v)))[:20]


class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


class OrganisationFilter(django_filters.FilterSet):
    """The directory's search, facets and sort order, over the organisations one may see."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_text",
        max_length=200,
        widget=forms.SearchInput(
            attrs={
                "placeholder": _("Nom, ville, compétence, mot-clé…"),
                "autocomplete": "off",
            }
        ),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Type"), choices=OrganisationKind.choices, method="filter_facet"
    )
    size = django_filters.MultipleChoiceFilter(
        label=_("Taille d'entreprise"), choices=search.SIZE_CHOICES, method="filter_facet"
    )
    region = django_filters.MultipleChoiceFilter(
        label=_("Région"), choices=list(REGIONS.items()), method="filter_facet"
    )
    pole = SlugListFilter(label=_("Pôle"), method="filter_facet")
    competence = SlugListFilter(label=_("Compétence"), method="filter_facet")
    sort = django_filters.ChoiceFilter(
        label=_("Trier par"),
        choices=[
            (search.SORT_RELEVANCE, _("Pertinence")),
            (search.SORT_NAME, _("Nom")),
        ],
        empty_label=None,
        method="keep_order",
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "size", "region", "pole", "competence", "sort"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(self.text_match.condition)

    def filter_facet(self, queryset, name, value):
        return queryset.filter(search.facet_q(name, value))

    def keep_order(self, queryset, name, value):
        # The order is the pagination's business (members.search.name_page, relevance_page).
        return queryset

    @property
    def text(self) -> str:
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data.get("q") or ""

    @property
    def selected(self) -> dict[str, list[str]]:
        """The selected values of each facet (a facet given an unknown value is ignored)."""
        self.errors  # noqa: B018
        return {name: list(self.form.cleaned_data.get(name) or []) for name in search.FACETS}

    @cached_property
    def text_match(self) -> search.TextMatch:
        """How the text query matches, decided once for the results and the facet counts."""
        return search.text_match(self.text, within=self.queryset)

    @property
    def searching(self) -> bool:
        """Whether the text query has any significant word."""
        return bool(search.search_terms(self.text))

    @property
    def order(self) -> str:
        """Relevance when there is a text query (unless `sort=name`), name otherwise."""
        if not self.searching:
            return search.SORT_NAME
        return self.form.cleaned_data.get("sort") or search.SORT_RELEVANCE
