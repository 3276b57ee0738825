"""The services catalogue's GET parameters: pôle, kind of service and a text search."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from poles.member_services import with_text
from poles.models import Pole, PoleService, ServiceKind


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Brevet, export, levée de fonds…")}),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle"),
        queryset=Pole.objects.filter(services__is_active=True).distinct().order_by("name"),
        to_field_name="slug",
        empty_label=_("Tous les pôles"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type de service"), choices=ServiceKind.choices, empty_label=_("Tous les types")
    )

    class Meta:
        model = PoleService
        fields = ["q", "pole", "kind"]

    def filter_text(self, queryset, name, value):
        return with_text(queryset, value)
