from django.shortcuts import render
from django.utils.translation import gettext

from funding import services
from funding.forms import MAX_PARTNERS, ConsortiumForm, partner_formset
from funding.models import CATEGORY_LABELS

DEFAULT_ROWS = 4


def _rows(request) -> int:
    try:
        return max(1, min(MAX_PARTNERS, int(request.GET.get("partenaires", DEFAULT_ROWS))))
    except ValueError:
        return DEFAULT_ROWS


def simulator(request):
    """Anyone checks a consortium against a call's rules; nothing is stored.

    The page builds the same request as `check_eligibility` reads from JSON and goes through
    the same service, so the page and the command always agree.
    """
    verdict = error = None
    if request.method == "POST":
        form = ConsortiumForm(request.POST)
        partners = partner_formset(DEFAULT_ROWS)(request.POST, prefix="partenaire")
        if form.is_valid() and partners.is_valid():
            filled = [partner for partner in partners if partner.has_changed()]
            request_data = {
                "call": form.cleaned_data["call"].slug,
                "labelling_poles": [
                    form.cleaned_data["lead_pole"].slug,
                    *[
                        pole.slug
                        for pole in form.cleaned_data["other_poles"]
                        if pole != form.cleaned_data["lead_pole"]
                    ],
                ],
                "partners": [partner.as_request() for partner in filled],
            }
            try:
                verdict = services.evaluate_request(request_data)
            except services.EligibilityInputError as exc:
                error = str(exc)
    else:
        form = ConsortiumForm()
        partners = partner_formset(_rows(request))(prefix="partenaire")
    checks = (
        [
            {"code": check.code, "status": check.status, "message": check.translated(gettext)}
            for check in verdict.checks
        ]
        if verdict
        else []
    )
    rows = (
        [
            {"result": partner, "category": CATEGORY_LABELS.get(partner.category, partner.category)}
            for partner in verdict.partners
        ]
        if verdict
        else []
    )
    return render(
        request,
        "funding/simulator.html",
        {
            "rows": rows,
            "form": form,
            "partners": partners,
            "verdict": verdict,
            "checks": checks,
            "error": error,
            "more_rows": min(MAX_PARTNERS, partners.total_form_count() + 2),
        },
    )
