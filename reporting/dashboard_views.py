"""Dashboards: the network's public summary, and each pôle's for its staff and superusers.

Who may open a pôle's dashboard: its staff and superusers; anyone else signed in gets 404
(whether the pôle exists or not), anonymous visitors are sent to sign in. The network's
dashboard shows aggregates only (no project is named) and is public. Each chart has its CSV
(`…/donnees/<chart>.csv`), built from the same `Chart` as the SVG and the table.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.permissions import staff_poles
from poles.models import Pole
from reporting import charts
from reporting.stats import Dashboard, UnknownChart

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class YearRangeForm(forms.Form):
    debut = forms.IntegerField(
        label=_("De l'année"), required=False, min_value=1990, max_value=2100
    )
    fin = forms.IntegerField(label=_("À l'année"), required=False, min_value=1990, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["debut"] > data["fin"]:
            raise forms.ValidationError(_("L'année de début doit précéder l'année de fin."))
        return data

    def years(self) -> tuple[int | None, int | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("debut"), self.cleaned_data.get("fin")


def _dashboard(request, pole=None) -> tuple[Dashboard, YearRangeForm]:
    form = YearRangeForm(request.GET or None)
    start, end = form.years()
    return Dashboard(pole=pole, start=start, end=end), form


def _pole_for_staff(user, slug: str) -> Pole:
    """The pôle `user` animates (any pôle for a superuser), else 404."""
    try:
        return staff_poles(user).get(slug=slug)
    except Pole.DoesNotExist:
        raise Http404 from None


# The page's sections: (heading, number of charts), in the order of `stats.CHARTS`.
SECTIONS = ((_("Membres"), 4), (_("Projets et financements"), 4), (_("Animation"), 2))


def _blocks(dashboard: Dashboard, csv_url) -> list[dict]:
    return [
        {"chart": chart, "dom_id": f"graphique-{chart.slug}", "csv_url": csv_url(chart.slug)}
        for chart in dashboard.charts()
    ]


def _sections(blocks: list[dict]) -> list[dict]:
    sections, start = [], 0
    for title, size in SECTIONS:
        sections.append({"title": title, "blocks": blocks[start : start + size]})
        start += size
    return sections


def _query_suffix(request) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


def network(request):
    dashboard, form = _dashboard(request)
    suffix = _query_suffix(request)
    blocks = _blocks(
        dashboard,
        lambda slug: reverse("dashboards:network_csv", kwargs={"chart": slug}) + suffix,
    )
    # Links to the pôles' dashboards: his own pôles for an animator; for a superuser, every
    # pôle (folded away: there are about seventy).
    my_poles = []
    if request.user.is_authenticated:
        my_poles = list(staff_poles(request.user).order_by("name").only("slug", "name"))
    return render(
        request,
        "reporting/dashboards/network.html",
        {
            "form": form,
            "sections": _sections(blocks),
            "my_poles": my_poles,
            "fold_poles": request.user.is_superuser,
            **_headline(blocks),
        },
    )


@login_required
def pole(request, slug):
    pole = _pole_for_staff(request.user, slug)
    dashboard, form = _dashboard(request, pole)
    suffix = _query_suffix(request)
    blocks = _blocks(
        dashboard,
        lambda chart: (
            reverse("dashboards:pole_csv", kwargs={"slug": pole.slug, "chart": chart}) + suffix
        ),
    )
    return render(
        request,
        "reporting/dashboards/pole.html",
        {"pole": pole, "form": form, "sections": _sections(blocks), **_headline(blocks)},
    )


def _headline(blocks) -> dict:
    """Key figures for the top of the page, read from the charts themselves."""
    by_slug = {block["chart"].slug: block["chart"] for block in blocks}
    per_year = by_slug["projets-par-an"].totals
    return {
        "headline": [
            (by_slug["membres-par-type"].totals[0], _("organisations membres"), False),
            (per_year[0], _("projets labellisés"), False),
            (per_year[2], _("projets financés"), False),
            (by_slug["aides-par-an"].totals[0], _("d'aide obtenue"), True),
            (by_slug["evenements-par-an"].totals[0], _("événements"), False),
        ]
    }


def _csv_response(chart: charts.Chart, filename: str) -> HttpResponse:
    response = HttpResponse(charts.chart_csv(chart), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chart_or_404(dashboard: Dashboard, slug: str) -> charts.Chart:
    try:
        return dashboard.chart(slug)
    except UnknownChart:
        raise Http404 from None


def network_csv(request, chart):
    dashboard, _form = _dashboard(request)
    return _csv_response(_chart_or_404(dashboard, chart), f"reseau-{chart}.csv")


@login_required
def pole_csv(request, slug, chart):
    pole = _pole_for_staff(request.user, slug)
    dashboard, _form = _dashboard(request, pole)
    return _csv_response(_chart_or_404(dashboard, chart), f"{pole.slug}-{chart}.csv")
