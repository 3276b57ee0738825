import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Competence, OrganisationKind
from poles.models import Pole, Region
from projects.models import PartnerSearch


class PartnerSearchFilter(django_filters.FilterSet):
    """The partner search list: open searches, or with « mine » all of my organisations'."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="search")
    competence = django_filters.ModelChoiceFilter(
        label=_("Compétence"),
        queryset=Competence.objects.order_by("name"),
        field_name="competences_wanted",
        to_field_name="slug",
        empty_label=_("Toutes les compétences"),
        distinct=True,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type recherché"),
        choices=OrganisationKind.choices,
        empty_label=_("Tous les types"),
        method="wanting_kind",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région visée"),
        queryset=Region.objects.order_by("name"),
        field_name="region_wanted",
        to_field_name="code",
        empty_label=_("Toutes les régions"),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle"),
        queryset=Pole.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Tous les pôles"),
    )
    mine = django_filters.BooleanFilter(
        label=_("Mes recherches seulement"),
        widget=forms.CheckboxInput,
        method="of_my_organisations",
    )

    class Meta:
        model = PartnerSearch
        fields = ["q", "competence", "kind", "region", "pole", "mine"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def wanting_kind(self, queryset, name, value):
        return queryset.wanting_kind(value)

    def of_my_organisations(self, queryset, name, value):
        # The open ones are narrowed in `filter_queryset`; "mine" shows every status.
        return queryset

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("mine"):
            queryset = queryset.of_organisations_of(self.request.user)
        else:
            queryset = queryset.open()
        return super().filter_queryset(queryset)
