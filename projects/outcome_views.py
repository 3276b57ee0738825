"""The coordinator's outcome reports of a funded project (`consortium:outcome_*`).

Outside the user's projects, or on a project not funded, the pages answer 404 (there is
nothing to report); a partner or a pôle's staff who see the project without acting for the
coordinator get 403. The other members of the consortium read the reports on the project page.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import outcomes
from projects.models import OutcomeReport
from projects.outcome_forms import OutcomeForm


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _section_url(project) -> str:
    return f"{project.get_absolute_url()}#retombees"


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
def outcome_create(request, pk):
    project = outcomes.get_outcome_project(request.user, pk)
    # Most reports describe the situation of the day they are written.
    form = OutcomeForm(_posted(request), project=project, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.report_outcome(actor=request.user, project=project, **form.outcome_fields())
        except ValidationError as error:
            _add_errors(form, error)
        except outcomes.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le bilan des retombées est enregistré. Merci !"))
            return redirect(_section_url(project))
    return render(
        request,
        "projects/outcomes/outcome_form.html",
        {"project": project, "form": form, "report": None},
    )


@login_required
def outcome_edit(request, pk, outcome_pk):
    project = outcomes.get_outcome_project(request.user, pk)
    report = get_object_or_404(OutcomeReport, pk=outcome_pk, project=project)
    # The form works on a copy: a refused save must not change what the page shows.
    form = OutcomeForm(_posted(request), instance=copy.copy(report), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.update_outcome(actor=request.user, report=report, **form.outcome_fields())
        except ValidationError as error:
            _add_errors(form, error)
        except outcomes.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le bilan des retombées est à jour."))
            return redirect(_section_url(project))
    return render(
        request,
        "projects/outcomes/outcome_form.html",
        {"project": project, "form": form, "report": report},
    )
