import django_filters
from django.utils.translation import gettext_lazy as _

from poles.models import Pole, PoleCategory, Region, ThemeFamily


class PoleFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        queryset=Region.objects.all(),
        field_name="regions",
        to_field_name="code",
        empty_label=_("Toutes les régions"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=PoleCategory.choices, empty_label=_("Toutes")
    )
    theme = django_filters.ChoiceFilter(
        label=_("Thématique"),
        field_name="theme_family",
        choices=ThemeFamily.choices,
        empty_label=_("Toutes les thématiques"),
    )

    class Meta:
        model = Pole
        fields = ["region", "category", "theme"]
