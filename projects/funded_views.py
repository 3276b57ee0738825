"""The public record of funded projects (`funded:*`, /projets-finances/), open to everyone.

Only funded projects (`outcomes.funded_projects`) are listed; any other project answers 404.
The record shows what is public once the funders have released their decisions: acronym,
title, call, labelling pôles, partners, aid per partner and funder, outcomes and the event the
project was born at; never the summary, budget, attachments, reviews or scores.
"""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from funding.models import Call
from poles.models import Pole, Region
from projects import outcomes
from projects.models import LabelRequest, LabelStatus, Project, ProjectPartner

PAGE_SIZE = 20


def _years():
    years = {
        funded_at.year
        for funded_at in outcomes.funded_projects().values_list("funded_at", flat=True)
        if funded_at
    }
    return [(str(year), str(year)) for year in sorted(years, reverse=True)]


class FundedProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher"), method="search")
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle labellisateur"),
        queryset=Pole.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Tous les pôles"),
        method="labelled_by",
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Appel"),
        queryset=Call.objects.filter(decisions__released_at__isnull=False)
        .distinct()
        .order_by("-closes_at"),
        to_field_name="slug",
        empty_label=_("Tous les appels"),
        method="of_call",
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Région d'un partenaire"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Toutes les régions"),
        method="with_partner_in",
    )
    year = django_filters.ChoiceFilter(
        label=_("Année"), choices=_years, empty_label=_("Toutes les années"), method="of_year"
    )

    class Meta:
        model = Project
        fields = ["q", "pole", "call", "region", "year"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(acronym__icontains=word)
                | Q(title__icontains=word)
                | Exists(
                    ProjectPartner.objects.filter(
                        project=OuterRef("pk"), organisation__name__icontains=word
                    )
                )
            )
        return queryset

    def labelled_by(self, queryset, name, value):
        return queryset.filter(
            Exists(
                LabelRequest.objects.filter(
                    project=OuterRef("pk"), pole=value, status=LabelStatus.LABELLED
                )
            )
        )

    def of_call(self, queryset, name, value):
        return queryset.filter(
            Exists(outcomes.released_funding_decisions().filter(project=OuterRef("pk"), call=value))
        )

    def with_partner_in(self, queryset, name, value):
        return queryset.filter(
            Exists(
                ProjectPartner.objects.filter(project=OuterRef("pk"), organisation__region=value)
            )
        )

    def of_year(self, queryset, name, value):
        return queryset.filter(funded_at__year=int(value))


def funded_list(request):
    base = outcomes.funded_projects()
    project_filter = FundedProjectFilter(request.GET, queryset=base, request=request)
    projects = project_filter.qs if project_filter.is_valid() else base
    page = Paginator(outcomes.with_public_record(projects), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    records = [outcomes.public_record(project) for project in page]
    template = "projects/funded/funded_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(
        request, template, {"filter": project_filter, "page": page, "records": records}
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def funded_detail(request, pk):
    project = outcomes.get_funded_project(pk)
    return render(
        request,
        "projects/funded/funded_detail.html",
        {"record": outcomes.public_record(project), "project": project},
    )
