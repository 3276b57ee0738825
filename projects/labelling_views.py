"""Labelling pages for pôle staff: the label requests addressed to their pôles, and the
committee's decision on one of them (`projects.consortium.decide_label`).

Who may open them (`projects.permissions.label_requests_for_staff`): the staff of the pôles
asked, and superusers. A signed-in person who animates no pôle gets 403 on the list; a
request of another pôle answers 404 (the confidential project is not revealed).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import CATEGORY_LABELS
from members.models import Competence
from members.permissions import is_pole_staff
from projects import consortium, permissions
from projects.labelling_forms import LABELLED, REFUSED, LabelDecisionForm
from projects.models import LabelRequest, LabelStatus

PAGE_SIZE = 50


def _may_label(user) -> bool:
    return user.is_superuser or is_pole_staff(user)


def _deadline_day(call):
    return timezone.localtime(call.closes_at).date() if call is not None else None


@login_required
def label_request_list(request):
    """Requests to the user's pôles, those awaiting a decision first (soonest deadline first)."""
    if not _may_label(request.user):
        raise PermissionDenied
    requests = permissions.label_requests_for_staff(request.user).order_by(
        Case(
            When(status=LabelStatus.REQUESTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        F("project__call__closes_at").asc(nulls_last=True),
        "-requested_at",
        "pk",
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "request": label_request,
            "deadline": getattr(label_request.project.call, "closes_at", None),
            "late": label_request.status == LabelStatus.LABELLED
            and not label_request.counts_for(label_request.project.call),
        }
        for label_request in page
    ]
    pending_count = (
        permissions.label_requests_for_staff(request.user)
        .filter(status=LabelStatus.REQUESTED)
        .count()
    )
    return render(
        request,
        "projects/labelling_list.html",
        {"page": page, "rows": rows, "pending_count": pending_count},
    )


def _label_request_for_staff(user, pk: int) -> LabelRequest:
    try:
        return permissions.label_requests_for_staff(user).get(pk=pk)
    except LabelRequest.DoesNotExist:
        raise Http404 from None


def _decision_context(label_request: LabelRequest, form: LabelDecisionForm) -> dict:
    """The confidential project, read-only, as the committee reads it, and the form."""
    project = label_request.project
    call = project.call
    evaluation = consortium.evaluate_project(project)
    parts = list(
        project.partners.select_related("organisation", "rd_region")
        .prefetch_related("attachments")
        .order_by("joined_at", "pk")
    )
    results = {part.pk: result for part, result in evaluation.rows}
    partners = [
        {
            "part": part,
            "result": results.get(part.pk),
            "category": CATEGORY_LABELS.get(results[part.pk].category, "")
            if part.pk in results
            else "",
        }
        for part in parts
    ]
    checks = (
        [
            {"code": check.code, "status": check.status, "message": check.translated(_)}
            for check in evaluation.verdict.checks
        ]
        if evaluation.verdict
        else []
    )
    label_requests = list(
        project.label_requests.select_related("pole", "decided_by").order_by("rank", "pk")
    )
    return {
        "label_request": label_request,
        "project": project,
        "call": call,
        "deadline_day": _deadline_day(call),
        "competences": Competence.objects.filter(projects=project).order_by("name"),
        "partners": partners,
        "evaluation": evaluation,
        "verdict": evaluation.verdict,
        "checks": checks,
        "label_requests": label_requests,
        "decided": label_request.status != LabelStatus.REQUESTED,
        "late": label_request.status == LabelStatus.LABELLED and not label_request.counts_for(call),
        "form": form,
    }


def _add_service_errors(form: LabelDecisionForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def label_request_decide(request, pk):
    """GET: the project and the decision form. POST: record the committee's decision."""
    label_request = _label_request_for_staff(request.user, pk)
    deadline_day = _deadline_day(label_request.project.call)
    if request.method == "POST":
        form = LabelDecisionForm(request.POST, deadline_day=deadline_day)
        if form.is_valid():
            try:
                decided = consortium.decide_label(
                    actor=request.user,
                    label_request=label_request,
                    labelled=form.labelled,
                    committee_date=form.cleaned_data["committee_date"],
                    comments=form.cleaned_data["comments"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            except consortium.ProjectError as error:
                form.add_error(None, str(error))
            else:
                values = {"acronym": decided.project.acronym, "pole": decided.pole.name}
                if form.labelled:
                    message = _(
                        "Décision enregistrée : %(acronym)s est labellisé par %(pole)s. "
                        "Le consortium est prévenu par e-mail."
                    )
                else:
                    message = _(
                        "Décision enregistrée : %(acronym)s n'est pas labellisé par %(pole)s. "
                        "Le consortium est prévenu par e-mail."
                    )
                messages.success(request, message % values)
                if form.is_late():
                    messages.warning(
                        request,
                        _(
                            "Ce label ne comptera pas pour l'appel « %(call)s » : comité après "
                            "la date limite."
                        )
                        % {"call": decided.project.call},
                    )
                return redirect("labelling:list")
        # Keep the confirmation box visible once it has been asked for.
        form.needs_confirmation = form.needs_confirmation or form.is_late()
    else:
        initial = {"committee_date": timezone.localdate()}
        if label_request.status != LabelStatus.REQUESTED:
            initial = {
                "decision": LABELLED if label_request.status == LabelStatus.LABELLED else REFUSED,
                "committee_date": label_request.committee_date,
                "comments": label_request.comments,
            }
        form = LabelDecisionForm(initial=initial, deadline_day=deadline_day)
    return render(request, "projects/labelling_decide.html", _decision_context(label_request, form))
