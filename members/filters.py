import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, OrganisationKind
from poles.models import Pole, Region


class OrganisationFilter(django_filters.FilterSet):
    """A first directory filter; full-text search and facets come with the directory issue."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=OrganisationKind.choices, empty_label=_("Tous les types")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("Toutes les régions"),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle"),
        queryset=Pole.objects.all(),
        to_field_name="slug",
        field_name="memberships__pole",
        empty_label=_("Tous les pôles"),
        distinct=True,
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region", "pole"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(city__icontains=word)
                | Q(keywords__icontains=word)
                | Q(competences__name__icontains=word)
            )
        return queryset.distinct()
