"""The platforms catalogue's GET parameters: text, kind, region, competence, owner pôle."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Competence, Platform, PlatformKind
from poles.models import Pole, Region


class PlatformFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Salle blanche, banc d'essai, robot…")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=PlatformKind.choices, empty_label=_("Tous les types")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Toutes les régions"),
    )
    competence = django_filters.ModelChoiceFilter(
        label=_("Compétence"),
        queryset=Competence.objects.filter(platforms__is_published=True).distinct(),
        field_name="competences",
        to_field_name="slug",
        empty_label=_("Toutes les compétences"),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle propriétaire"),
        queryset=Pole.objects.filter(platforms__is_published=True).distinct().order_by("name"),
        field_name="owner_pole",
        to_field_name="slug",
        empty_label=_("Tous les propriétaires"),
    )

    class Meta:
        model = Platform
        fields = ["q", "kind", "region", "competence", "pole"]

    def filter_text(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(equipment__icontains=word)
                | Q(city__icontains=word)
            )
        return queryset
