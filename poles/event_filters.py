"""Filters of the public event lists (across pôles and per pôle)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from poles.models import Event, EventKind, Pole, Region

UPCOMING, PAST = "a-venir", "passes"
IN_PERSON, ONLINE = "presentiel", "en-ligne"


class EventFilter(django_filters.FilterSet):
    """Upcoming events by default (soonest first); past ones most recent first."""

    when = django_filters.ChoiceFilter(
        label=_("Période"),
        choices=[
            (UPCOMING, pgettext_lazy("événements", "À venir")),
            (PAST, pgettext_lazy("événements", "Passés")),
        ],
        empty_label=None,
        method="filter_when",
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle"),
        queryset=Pole.objects.order_by("short_name", "name"),
        to_field_name="slug",
        empty_label=_("Tous les pôles"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=EventKind.choices, empty_label=_("Tous les types")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région"),
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label=_("Toutes les régions"),
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=[(IN_PERSON, _("En présentiel")), (ONLINE, _("En ligne"))],
        empty_label=_("Tous les formats"),
        method="filter_format",
    )
    open_to_all = django_filters.BooleanFilter(
        label=_("Ouvert aux non-adhérents"),
        widget=forms.CheckboxInput,
        method="filter_open_to_all",
    )

    class Meta:
        model = Event
        fields = ["when", "pole", "kind", "region", "format", "open_to_all"]

    def __init__(self, *args, now=None, pole=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        if pole is not None:
            # The per-pôle list: the pôle is fixed by the URL.
            del self.filters["pole"]

    @property
    def is_past(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("when") == PAST)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("when"):
            queryset = self.filter_when(queryset, "when", UPCOMING)
        return queryset

    def filter_when(self, queryset, name, value):
        if value == PAST:
            return queryset.filter(ends_at__lt=self.now).order_by("-starts_at", "-pk")
        return queryset.filter(ends_at__gte=self.now).order_by("starts_at", "pk")

    def filter_format(self, queryset, name, value):
        if value == ONLINE:
            return queryset.exclude(online_url="")
        if value == IN_PERSON:
            return queryset.filter(~Q(venue="") | ~Q(address="") | ~Q(city=""))
        return queryset

    def filter_open_to_all(self, queryset, name, value):
        return queryset.filter(members_only=False) if value else queryset
