"""The call managers' pages (`committee:*`, under /comite/): assignments, ranking, decisions,
release and history of the dossiers of the calls they manage.

Who (`funding.permissions`): the managers of a funder of the call (`FunderMember` role
manager) and superusers. A call they do not manage, or a project not submitted to it,
answers 404 (nothing is revealed); the list of calls is 403 for someone who manages none.
Each view: permission helper → form → service (`funding.review`) → message → redirect.
State changes are POST only; releasing the decisions confirms on GET.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from funding import ranking
from funding.committee_forms import AssignForm, DecisionForm
from funding.models import (
    Assignment,
    AssignmentStatus,
    Call,
    Decision,
    DecisionOutcome,
    DossierVersion,
    FunderMember,
    FunderRole,
    Review,
    ReviewStatus,
)
from funding.permissions import get_managed_call, is_call_manager, managed_calls, managed_funders
from funding.review import (
    ReviewError,
    assign_reviewer,
    record_decision,
    release_decisions,
    reopen_review,
    withdraw_assignment,
)
from funding.reviewer_suggestions import suggestions_for_call
from members.models import Organisation
from projects.models import Project

# --- access ---------------------------------------------------------------------------------


def _project_on_call(call: Call, project_pk) -> Project:
    """A project with a dossier on `call`; 404 otherwise (as for a call one does not manage)."""
    try:
        return (
            Project.objects.filter(dossiers__call=call)
            .select_related("coordinator")
            .distinct()
            .get(pk=int(project_pk))
        )
    except (Project.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _call_url(call: Call, project_pk=None) -> str:
    url = reverse("committee:call", kwargs={"slug": call.slug})
    return f"{url}#dossier-{project_pk}" if project_pk else url


def _add_errors(form, error: ValidationError) -> None:
    """A service's `ValidationError` as form errors: on the field it names when the form has
    it, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# --- the calls ------------------------------------------------------------------------------


@login_required
@require_GET
def call_list(request):
    if not is_call_manager(request.user):
        raise PermissionDenied
    calls = ranking.with_committee_counts(managed_calls(request.user)).order_by("-closes_at", "pk")
    return render(request, "funding/committee_calls.html", {"calls": calls})


# --- a call: dossiers and assignments -------------------------------------------------------


def _reviewers(call: Call):
    """(user, [funders]) of the reviewers of the call's funders, by name (1 query)."""
    by_user = {}
    members = (
        FunderMember.objects.filter(funder__in=call.funders.all(), role=FunderRole.REVIEWER)
        .select_related("user", "funder")
        .order_by("user__last_name", "user__first_name", "user__email", "funder__name")
    )
    for member in members:
        by_user.setdefault(member.user_id, (member.user, []))[1].append(member.funder)
    return list(by_user.values())


def _assign_form(call, project_pk, reviewers, funders, data=None, exclude=()):
    return AssignForm(
        data,
        initial={"project": project_pk},
        reviewers=[pair for pair in reviewers if pair[0].pk not in exclude],
        funders=funders,
        auto_id=f"assign-{project_pk}-%s",
    )


def _call_context(call: Call, *, bound_project=None, bound_form=None) -> dict:
    """The call's dossiers, each with its assignments, suggestion and assignment form.
    A fixed number of queries whatever the number of dossiers."""
    versions = list(ranking.latest_versions(call, with_content=True))
    suggestions = suggestions_for_call(call, versions)
    reviewers = _reviewers(call)
    funders = ranking.call_funders(call)
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(call=call)
        .select_related("reviewer", "funder", "review")
        .order_by("assigned_at", "pk")
    ):
        try:
            assignment.the_review = assignment.review
        except Review.DoesNotExist:
            assignment.the_review = None
        assignments[assignment.project_id].append(assignment)
    rows = []
    for version in versions:
        project_assignments = assignments[version.project_id]
        taken = {
            a.reviewer_id for a in project_assignments if a.status != AssignmentStatus.WITHDRAWN
        }
        if bound_project is not None and version.project_id == bound_project:
            form = bound_form
        else:
            form = _assign_form(call, version.project_id, reviewers, funders, exclude=taken)
        ranked = suggestions.get(version.project_id, [])
        rows.append(
            {
                "project": version.project,
                "version": version,
                "assignments": project_assignments,
                "active_count": sum(
                    1 for a in project_assignments if a.status == AssignmentStatus.ACTIVE
                ),
                "submitted_count": sum(
                    1
                    for a in project_assignments
                    if a.status == AssignmentStatus.ACTIVE
                    and a.the_review is not None
                    and a.the_review.status == ReviewStatus.SUBMITTED
                ),
                "suggestion": ranked[0] if ranked else None,
                "form": form,
            }
        )
    return {
        "call": call,
        "rows": rows,
        "funders": funders,
        "has_reviewers": bool(reviewers),
    }


@login_required
@require_GET
def call_detail(request, slug):
    call = get_managed_call(request.user, slug)
    return render(request, "funding/committee_call.html", _call_context(call))


@login_required
@require_POST
def assign(request, slug):
    """Assign a reviewer (chosen by hand, or the suggestion) to one dossier of the call."""
    call = get_managed_call(request.user, slug)
    project = _project_on_call(call, request.POST.get("project"))
    reviewers = _reviewers(call)
    funders = ranking.call_funders(call)
    form = _assign_form(call, project.pk, reviewers, funders, data=request.POST)
    if form.is_valid():
        users = {user.pk: (user, its) for user, its in reviewers}
        user, its = users[form.cleaned_data["reviewer"]]
        funder_pk = form.cleaned_data["funder"]
        funder = next((f for f in funders if f.pk == funder_pk), None) if funder_pk else its[0]
        try:
            assign_reviewer(
                actor=request.user, project=project, call=call, reviewer=user, funder=funder
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "%(person)s évaluera le dossier %(acronym)s pour %(funder)s ; "
                    "il est prévenu par e-mail."
                )
                % {
                    "person": user.get_full_name() or user.email,
                    "acronym": project.acronym,
                    "funder": funder,
                },
            )
            return redirect(_call_url(call, project.pk))
    context = _call_context(call, bound_project=project.pk, bound_form=form)
    return render(request, "funding/committee_call.html", context)


@login_required
@require_POST
def withdraw(request, slug, pk):
    call = get_managed_call(request.user, slug)
    try:
        assignment = Assignment.objects.select_related("reviewer", "project").get(pk=pk, call=call)
    except Assignment.DoesNotExist:
        raise Http404 from None
    try:
        withdraw_assignment(actor=request.user, assignment=assignment)
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(person)s n'évalue plus le dossier %(acronym)s.")
            % {
                "person": assignment.reviewer.get_full_name() or assignment.reviewer.email,
                "acronym": assignment.project.acronym,
            },
        )
    return redirect(_call_url(call, assignment.project_id))


@login_required
@require_POST
def reopen(request, slug, pk):
    call = get_managed_call(request.user, slug)
    try:
        review = Review.objects.select_related("assignment__reviewer", "assignment__project").get(
            pk=pk, assignment__call=call
        )
    except Review.DoesNotExist:
        raise Http404 from None
    try:
        reopen_review(actor=request.user, review=review)
    except ReviewError as error:
        messages.error(request, str(error))
    else:
        reviewer = review.assignment.reviewer
        messages.success(
            request,
            _(
                "L'évaluation de %(person)s sur %(acronym)s est rouverte : "
                "il peut la modifier et la remettre."
            )
            % {
                "person": reviewer.get_full_name() or reviewer.email,
                "acronym": review.assignment.project.acronym,
            },
        )
    return redirect(_call_url(call, review.assignment.project_id))


# --- ranking --------------------------------------------------------------------------------


@login_required
@require_GET
def call_ranking(request, slug):
    call = get_managed_call(request.user, slug)
    sort = request.GET.get("tri", "score")
    if sort not in ranking.SORTS:
        sort = "score"
    criteria = list(call.criteria.all())
    rows = ranking.call_dossiers(call, sort=ranking.SORTS[sort], criteria=criteria)
    funders = ranking.call_funders(call)
    for row in rows:
        by_funder = row.decision_by_funder
        row.funder_decisions = [(funder, by_funder.get(funder.pk)) for funder in funders]
    return render(
        request,
        "funding/committee_ranking.html",
        {
            "call": call,
            "rows": rows,
            "funders": funders,
            "criteria": criteria,
            "sort": sort,
            "sorts": [
                ("score", _("Note pondérée")),
                ("ecart", _("Écart")),
                ("avis", _("Nombre d'avis")),
                ("acronyme", _("Acronyme")),
            ],
            "pending_count": sum(
                1 for row in rows for decision in row.decisions if decision.released_at is None
            ),
        },
    )


# --- a funder's decision --------------------------------------------------------------------


def _dossier_partners(version: DossierVersion) -> list[dict]:
    """The partners of the frozen version with their organisation on the portal (by slug)."""
    parts = version.content["partners"]
    organisations = dict(
        Organisation.objects.filter(
            slug__in=[part["organisation"]["slug"] for part in parts]
        ).values_list("slug", "pk")
    )
    return [
        {
            "organisation": organisations.get(part["organisation"]["slug"]),
            "name": part["organisation"]["name"],
            "coordinator": part.get("coordinator", False),
            "requested": int(part["aid_eur"]),
        }
        for part in parts
    ]


def _decision_context(request, call, project, *, bound=None) -> dict:
    """One block per funder of the call the user manages: its decision so far and its form
    (bound for the one just posted), the aid asked by each partner and what the other
    funders already granted."""
    version = (
        DossierVersion.objects.filter(project=project, call=call)
        .select_related("submitted_by")
        .order_by("-number")
        .first()
    )
    partners = _dossier_partners(version)
    decisions = {
        decision.funder_id: decision
        for decision in Decision.objects.filter(project=project, call=call)
        .select_related("funder", "decided_by")
        .prefetch_related("aids")
    }
    aids = {
        funder_pk: {aid.organisation_id: aid.amount_eur for aid in decision.aids.all()}
        for funder_pk, decision in decisions.items()
    }
    funders = list(
        managed_funders(request.user).filter(pk__in=call.funders.values("pk")).order_by("name")
    )
    blocks = []
    for funder in funders:
        decision = decisions.get(funder.pk)
        if bound is not None and bound[0] == funder.pk:
            form = bound[1]
        else:
            initial = {}
            if decision is not None:
                initial = {
                    "outcome": decision.outcome,
                    "comment_applicants": decision.comment_applicants,
                    **{f"aid_{pk}": amount for pk, amount in aids.get(funder.pk, {}).items()},
                }
            form = DecisionForm(initial=initial, partners=partners, prefix=f"f{funder.pk}")
        rows = []
        for partner in partners:
            others = [
                (decisions[funder_pk].funder, granted[partner["organisation"]])
                for funder_pk, granted in aids.items()
                if funder_pk != funder.pk and partner["organisation"] in granted
            ]
            name = f"aid_{partner['organisation']}"
            rows.append(
                {
                    **partner,
                    "others": others,
                    "left": max(partner["requested"] - sum(a for _f, a in others), 0),
                    "granted": aids.get(funder.pk, {}).get(partner["organisation"]),
                    "field": form[name] if name in form.fields else None,
                }
            )
        blocks.append(
            {
                "funder": funder,
                "decision": decision,
                "locked": decision is not None
                and decision.released_at is not None
                and decision.outcome != DecisionOutcome.MORE_INFORMATION,
                "form": form,
                "rows": rows,
            }
        )
    summary = ranking.call_dossiers(call, projects=[project.pk])
    return {
        "call": call,
        "project": project,
        "version": version,
        "partners": partners,
        "requested_total": sum(partner["requested"] for partner in partners),
        "blocks": blocks,
        "other_decisions": [d for pk, d in decisions.items() if pk not in {f.pk for f in funders}],
        "summary": summary[0] if summary else None,
    }


@login_required
def decision(request, slug, project_pk):
    """GET: the dossier's decisions. POST (`funder` = the funder's pk): `record_decision`."""
    call = get_managed_call(request.user, slug)
    project = _project_on_call(call, project_pk)
    bound = None
    if request.method == "POST":
        funder_pk = request.POST.get("funder", "")
        funder = None
        if funder_pk.isdigit():
            funder = managed_funders(request.user).filter(pk=int(funder_pk), calls=call).first()
        if funder is None:
            # In scope (he manages the call), not for this funder.
            raise PermissionDenied
        version = (
            DossierVersion.objects.filter(project=project, call=call).order_by("-number").first()
        )
        form = DecisionForm(
            request.POST, partners=_dossier_partners(version), prefix=f"f{funder.pk}"
        )
        if form.is_valid():
            try:
                saved = record_decision(
                    actor=request.user,
                    project=project,
                    call=call,
                    funder=funder,
                    outcome=form.cleaned_data["outcome"],
                    comment_applicants=form.cleaned_data["comment_applicants"],
                    aids=form.aids(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except ReviewError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Décision de %(funder)s enregistrée : %(outcome)s. Elle sera "
                        "communiquée aux porteurs avec les autres décisions de l'appel."
                    )
                    % {"funder": funder, "outcome": saved.get_outcome_display()},
                )
                url = reverse(
                    "committee:decision", kwargs={"slug": call.slug, "project_pk": project.pk}
                )
                return redirect(f"{url}#financeur-{funder.slug}")
        bound = (funder.pk, form)
    return render(
        request,
        "funding/committee_decision.html",
        _decision_context(request, call, project, bound=bound),
    )


# --- release --------------------------------------------------------------------------------


@login_required
def release(request, slug):
    """GET: what would be released. POST: `release_decisions` (all pending ones at once)."""
    call = get_managed_call(request.user, slug)
    if request.method == "POST":
        try:
            count = release_decisions(actor=request.user, call=call)
        except ReviewError as error:
            messages.error(request, str(error))
            return redirect("committee:release", slug=call.slug)
        messages.success(
            request,
            _(
                "%(count)s décision(s) communiquée(s) : les consortiums sont prévenus par "
                "e-mail et voient la décision sur la page de leur projet."
            )
            % {"count": count},
        )
        return redirect("committee:ranking", slug=call.slug)
    pending = list(
        Decision.objects.filter(call=call, released_at__isnull=True)
        .select_related("project", "funder")
        .prefetch_related("aids")
        .order_by("project__acronym", "project_id", "funder__name")
    )
    by_project = {}
    for item in pending:
        by_project.setdefault(item.project_id, (item.project, []))[1].append(item)
    decided = set(Decision.objects.filter(call=call).values_list("project_id", flat=True))
    undecided = list(
        Project.objects.filter(dossiers__call=call)
        .exclude(pk__in=decided)
        .distinct()
        .order_by("acronym")
        .only("pk", "acronym", "title")
    )
    return render(
        request,
        "funding/committee_release.html",
        {
            "call": call,
            "pending_count": len(pending),
            "projects": list(by_project.values()),
            "undecided": undecided,
        },
    )


# --- history --------------------------------------------------------------------------------

ACTION_LABELS = {
    "project.create": _lazy("Projet créé"),
    "project.update": _lazy("Projet modifié"),
    "project.update_part": _lazy("Partie modifiée"),
    "project.invite": _lazy("Invitation"),
    "project.invitation_accept": _lazy("Invitation acceptée"),
    "project.invitation_cancel": _lazy("Invitation annulée"),
    "project.remove_partner": _lazy("Partenaire retiré"),
    "project.attach": _lazy("Pièce ajoutée"),
    "project.detach": _lazy("Pièce retirée"),
    "project.request_labels": _lazy("Label demandé"),
    "project.label_decision": _lazy("Décision de label"),
    "project.submit": _lazy("Dossier déposé"),
    "project.withdraw": _lazy("Projet abandonné"),
    "project.outcome": _lazy("Issue enregistrée"),
    "review.assign": _lazy("Évaluateur assigné"),
    "review.withdraw": _lazy("Assignation retirée"),
    "review.conflict": _lazy("Conflit d'intérêts déclaré"),
    "review.submit": _lazy("Évaluation remise"),
    "review.reopen": _lazy("Évaluation rouverte"),
    "review.decision": _lazy("Décision d'un financeur"),
    "review.release": _lazy("Décisions communiquées"),
}


@login_required
@require_GET
def history(request, slug, project_pk):
    """The dossier's audit trail, newest first: the entries about the project, and the
    releases of the call's decisions that included one of its decisions."""
    call = get_managed_call(request.user, slug)
    project = _project_on_call(call, project_pk)
    entries = list(AuditEntry.objects.for_object(project).select_related("actor"))
    decision_pks = set(
        Decision.objects.filter(project=project, call=call).values_list("pk", flat=True)
    )
    entries += [
        entry
        for entry in AuditEntry.objects.for_object(call)
        .filter(action="review.release")
        .select_related("actor")
        if decision_pks & set(entry.data.get("decisions", []))
    ]
    entries.sort(key=lambda entry: (entry.created_at, entry.pk), reverse=True)
    for entry in entries:
        entry.label = ACTION_LABELS.get(entry.action, entry.action)
    return render(
        request,
        "funding/committee_history.html",
        {"call": call, "project": project, "entries": entries},
    )
