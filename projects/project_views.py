"""Project pages of the consortium members (`consortium:*`, under /projets/).

Each view: permission helper → form → service (`projects.consortium`) → message → redirect.
Outside `Project.objects.visible_to(user)` every URL answers 404 (attachments included); in
scope without the role (another partner's part, a partner acting for the coordinator) 403.
State changes are POST; destructive actions confirm on GET.
"""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from funding.models import CATEGORY_LABELS
from funding.ranking import released_feedback
from members.models import Affiliation
from projects import consortium, permissions
from projects.fixes import suggest_partners
from projects.models import (
    EXPENSE_FIELDS,
    CostBasis,
    InvitationStatus,
    PartAttachment,
    PartnerSearch,
    Project,
    ProjectPartner,
    ProjectStatus,
)
from projects.project_forms import AttachmentForm, LabelRequestForm, PartForm, ProjectForm

# --- helpers ------------------------------------------------------------------------------


def _my_organisation_ids(user) -> set[int]:
    return set(Affiliation.objects.filter(user=user).values_list("organisation_id", flat=True))


def _coordinated_project(user, pk: int) -> Project:
    """The project if `user` acts for its coordinator: 404 out of scope, 403 otherwise."""
    project = permissions.get_project_for_user(user, pk)
    if not permissions.can_coordinate(user, project):
        raise PermissionDenied
    return project


def _partner_of(project: Project, partner_pk: int) -> ProjectPartner:
    return get_object_or_404(
        ProjectPartner.objects.select_related("organisation", "rd_region", "updated_by"),
        pk=partner_pk,
        project=project,
    )


def _editable_partner(user, pk: int, partner_pk: int) -> tuple[Project, ProjectPartner]:
    """A part `user` may edit (people of that organisation): 404 out of scope, 403 otherwise."""
    project = permissions.get_project_for_user(user, pk)
    partner = _partner_of(project, partner_pk)
    if not permissions.can_edit_part(user, partner):
        raise PermissionDenied
    partner.project = project
    return project, partner


def _add_errors(form, error: ValidationError) -> None:
    """A service's `ValidationError` as form errors: on the field it names when the form has
    it, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _posted(request):
    """The submitted data on POST (even empty: an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _part_url(project, partner) -> str:
    return reverse("consortium:part", kwargs={"pk": project.pk, "partner_pk": partner.pk})


# --- list and creation --------------------------------------------------------------------


@login_required
def project_list(request):
    """Projects the user may see: his organisations' (as partner), and for a pôle's staff
    those asked for a label."""
    partner_count = (
        ProjectPartner.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    projects = list(
        Project.objects.visible_to(request.user)
        .select_related("coordinator", "call")
        .annotate(partner_count=Subquery(partner_count))
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ProjectPartner.objects.only("pk", "project_id", "organisation_id"),
                to_attr="part_list",
            )
        )
        .order_by("-updated_at", "-pk")
    )
    mine = _my_organisation_ids(request.user)
    for project in projects:
        if project.coordinator_id in mine:
            project.my_role = _("Coordinateur")
        elif any(part.organisation_id in mine for part in project.part_list):
            project.my_role = _("Partenaire")
        else:
            project.my_role = _("Pôle sollicité pour un label")
    return render(
        request,
        "projects/project_list.html",
        {"projects": projects, "can_create": bool(mine)},
    )


def _no_organisation(request):
    return render(request, "projects/project_no_organisation.html", status=403)


def _searches_of(organisations):
    return (
        PartnerSearch.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def _label_searches(form):
    field = form.fields["partner_search"]
    field.label_from_instance = lambda search: f"{search.title} — {search.organisation.name}"


@login_required
def project_create(request):
    organisations = permissions.organisations_for_posting(request.user)
    if not organisations.exists():
        return _no_organisation(request)
    searches = _searches_of(organisations)
    initial = {}
    from_search = None
    if request.method == "GET" and request.GET.get("recherche", "").isdigit():
        from_search = (
            PartnerSearch.objects.of_organisations_of(request.user)
            .filter(pk=int(request.GET["recherche"]))
            .first()
        )
        if from_search is not None:
            initial = {
                "title": from_search.title,
                "summary": from_search.description,
                "competences": list(from_search.competences_wanted.values_list("pk", flat=True)),
                "partner_search": from_search.pk,
                "coordinator": from_search.organisation_id,
            }
    form = ProjectForm(
        _posted(request),
        initial=initial,
        organisations=organisations,
        partner_searches=searches,
        user=request.user,
    )
    _label_searches(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = consortium.create_project(
                actor=request.user,
                coordinator=data["coordinator"],
                competences=data["competences"],
                **{name: data[name] for name in consortium.PROJECT_FIELDS},
            )
        except ValidationError as error:
            _add_errors(form, error)
        except consortium.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Le projet %(acronym)s est créé. Complétez la partie de votre organisation "
                    "et invitez vos partenaires."
                )
                % {"acronym": project.acronym},
            )
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "from_search": from_search})


# --- the project page ---------------------------------------------------------------------


def _eligibility_context(request, project: Project, label_requests=None) -> dict:
    """What the checklist fragment shows: verdict, checks, the consortium with its aid.

    When `project` comes from `permissions.get_project_page_for_user`, its parts and what the
    viewer is to each of them are read already; otherwise they are read here."""
    parts = getattr(project, "part_list", None)
    if parts is None:
        mine = _my_organisation_ids(request.user)
        parts = consortium.project_parts(project)
        for part in parts:
            part.viewer_is_member = part.organisation_id in mine
        is_coordinator = project.coordinator_id in mine
    else:
        is_coordinator = permissions.can_coordinate(request.user, project)
    evaluation = consortium.evaluate_project(project, parts=parts, label_requests=label_requests)
    verdict = evaluation.verdict
    results = {part.pk: result for part, result in evaluation.rows}
    is_open = project.status in consortium.OPEN_STATUSES
    rows = []
    for part in parts:
        result = results.get(part.pk)
        rows.append(
            {
                "part": part,
                "result": result,
                "category": CATEGORY_LABELS.get(result.category, result.category) if result else "",
                "is_coordinator": part.organisation_id == project.coordinator_id,
                "can_edit": is_open and part.viewer_is_member,
                "can_remove": is_open
                and is_coordinator
                and part.organisation_id != project.coordinator_id,
            }
        )
    checks = (
        [
            {"code": check.code, "status": check.status, "message": check.translated(gettext)}
            for check in verdict.checks
        ]
        if verdict
        else []
    )
    issues = [{"partner": issue.partner, "message": issue.message} for issue in evaluation.issues]
    return {
        "project": project,
        "evaluation": evaluation,
        "verdict": verdict,
        "checks": checks,
        "issues": issues,
        "rows": rows,
        "total_expenses_eur": sum(part.total_expenses_eur for part in parts),
        "is_coordinator": is_coordinator,
        "is_open": is_open,
    }


def _label_requests(project: Project) -> list:
    if not project.has_label_requests:
        return []
    return consortium.project_label_requests(project)


@login_required
def project_detail(request, pk):
    """The project page, in a fixed number of queries whatever the size of the consortium
    and of its lists: the project, its parts, then each list once (label requests with their
    pôles' regions, competences, pending invitations, attachments, dossier versions, the
    released decisions, the outcome reports, the fixes), an empty list costing nothing;
    every permission is answered from the rows read
    (`permissions.get_project_page_for_user`)."""
    project = permissions.get_project_page_for_user(request.user, pk)
    label_requests = _label_requests(project)
    context = _eligibility_context(request, project, label_requests)
    is_coordinator = context["is_coordinator"]
    for label in label_requests:
        label.counts = label.counts_for(project.call)
    competences = list(project.competences.order_by("name"))
    # Read here for `projects/includes/project_invitations.html` (its template tag).
    project.pending_invitation_list = (
        list(
            project.invitations.filter(status=InvitationStatus.PENDING)
            .select_related("organisation", "invited_by")
            .order_by("created_at", "pk")
        )
        if project.has_pending_invitations
        else []
    )
    attachments = (
        list(
            PartAttachment.objects.filter(partner__project=project)
            .select_related("partner__organisation")
            .order_by("partner__joined_at", "partner_id", "uploaded_at", "pk")
        )
        if project.has_attachments
        else []
    )
    dossiers = (
        list(project.dossiers.select_related("call", "submitted_by").order_by("-number"))
        if project.has_dossiers
        else []
    )
    outcome_reports = (
        list(project.outcomes.all())
        if project.status == ProjectStatus.FUNDED and project.has_outcome_reports
        else []
    )
    # The funders' released decisions and the reviewers' comments: consortium only
    # (not the labelling pôles' staff), and nothing before the release.
    shows_feedback = project.has_released_decisions and (
        request.user.is_superuser or permissions.is_in_consortium(request.user, project)
    )
    context.update(
        {
            "competences": competences,
            "call_is_open": project.call is not None and project.call.closes_at > timezone.now(),
            "label_requests": label_requests,
            "attachments": attachments,
            "dossiers": dossiers,
            "outcome_reports": outcome_reports,
            "fixes": suggest_partners(
                project,
                context["evaluation"],
                user=request.user,
                label_requests=label_requests,
                competences=competences,
            ),
            "can_coordinate": is_coordinator,
            "can_submit": is_coordinator and context["is_open"] and project.call is not None,
            "my_parts": [row["part"] for row in context["rows"] if row["can_edit"]],
            "funding_feedback": released_feedback(project, dossiers=dossiers)
            if shows_feedback
            else [],
        }
    )
    return render(request, "projects/project_detail.html", context)


@login_required
def project_checklist(request, pk):
    """The checklist and the aid table alone (the project page refreshes it with htmx)."""
    project = permissions.get_project_page_for_user(request.user, pk)
    return render(
        request,
        "projects/includes/project_checklist.html",
        _eligibility_context(request, project, _label_requests(project)),
    )


# --- the coordinator's actions ------------------------------------------------------------


@login_required
def project_edit(request, pk):
    project = _coordinated_project(request.user, pk)
    # The form works on a copy: a refused save must not change the page's header.
    form = ProjectForm(
        _posted(request),
        instance=copy.copy(project),
        initial={"competences": list(project.competences.values_list("pk", flat=True))},
        partner_searches=_searches_of([project.coordinator_id]),
        user=request.user,
    )
    _label_searches(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consortium.update_project(
                actor=request.user,
                project=project,
                competences=data["competences"],
                **{name: data[name] for name in consortium.PROJECT_FIELDS},
            )
        except ValidationError as error:
            _add_errors(form, error)
        except consortium.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le projet est à jour."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_withdraw(request, pk):
    """Confirm on GET, withdraw on POST."""
    project = _coordinated_project(request.user, pk)
    if request.method == "POST":
        try:
            consortium.withdraw_project(actor=request.user, project=project)
        except consortium.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Le projet %(acronym)s est abandonné ; les invitations en attente sont annulées.")
                % {"acronym": project.acronym},
            )
        return redirect(project)
    return render(request, "projects/project_withdraw.html", {"project": project})


@login_required
def remove_partner(request, pk, partner_pk):
    """Confirm on GET, remove on POST (the coordinator, never itself)."""
    project = _coordinated_project(request.user, pk)
    partner = _partner_of(project, partner_pk)
    partner.project = project
    if request.method == "POST":
        try:
            consortium.remove_partner(actor=request.user, partner=partner)
        except consortium.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(organisation)s ne fait plus partie du consortium.")
                % {"organisation": partner.organisation},
            )
        return redirect(project)
    return render(
        request,
        "projects/project_remove_partner.html",
        {
            "project": project,
            "partner": partner,
            "is_coordinator_part": partner.organisation_id == project.coordinator_id,
            "attachment_count": partner.attachments.count(),
        },
    )


@login_required
def request_labels(request, pk):
    project = _coordinated_project(request.user, pk)
    existing = list(project.label_requests.select_related("pole").order_by("rank", "pk"))
    form = LabelRequestForm(
        _posted(request),
        asked_pole_ids=[label.pole_id for label in existing],
        has_lead=bool(existing),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = consortium.request_labels(
                actor=request.user, project=project, poles=form.poles()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "poles" in error.error_dict:
                target = "lead_pole" if "lead_pole" in form.fields else "other_poles"
                form.add_error(target, error.error_dict["poles"])
            else:
                _add_errors(form, error)
        except consortium.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Demande de label envoyée à : %(poles)s.")
                % {"poles": ", ".join(label.pole.name for label in created)},
            )
            return redirect(f"{project.get_absolute_url()}#labels")
    return render(
        request,
        "projects/project_labels.html",
        {"project": project, "form": form, "existing": existing},
    )


# --- a partner's part ---------------------------------------------------------------------


def _display(name: str, value):
    """A part's value as the comparison table shows it."""
    if name == "rd_region":
        return value.name if value is not None else gettext("Non renseignée")
    if name == "cost_basis":
        return str(CostBasis(value).label) if value else gettext("Non choisie")
    return value


def _conflict_rows(form, mine: dict, current: ProjectPartner) -> list[dict]:
    """Field by field: what the user typed, what is saved now."""
    rows = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        theirs = current.rd_region if name == "rd_region" else getattr(current, name)
        rows.append(
            {
                "label": field.label,
                "mine": _display(name, mine.get(name)),
                "theirs": _display(name, theirs),
                "money": name in EXPENSE_FIELDS,
                "differs": mine.get(name) != theirs,
            }
        )
    my_total = sum(mine.get(name) or 0 for name in EXPENSE_FIELDS)
    rows.append(
        {
            "label": gettext("Total des dépenses"),
            "mine": my_total,
            "theirs": current.total_expenses_eur,
            "money": True,
            "differs": my_total != current.total_expenses_eur,
            "total": True,
        }
    )
    return rows


@login_required
def part_edit(request, pk, partner_pk):
    """Edit one partner's part; refuses to overwrite a save made since the form was read."""
    project, partner = _editable_partner(request.user, pk, partner_pk)
    organisation = partner.organisation
    context = {"project": project, "partner": partner, "saved": False}
    if request.method == "POST":
        form = PartForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                saved = consortium.update_part(
                    actor=request.user,
                    partner=partner,
                    version=form.cleaned_data["version"],
                    **form.part_fields(),
                )
            except consortium.StaleEdit as stale:
                current = stale.current
                mine = form.cleaned_data
                # The user's input stays; the form now carries the saved version, so that
                # saving again (after comparing) is a deliberate choice.
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = PartForm(data, organisation=organisation)
                who = current.updated_by
                context.update(
                    conflict=str(stale),
                    conflict_who=(who.get_full_name() or who.email) if who else _("quelqu'un"),
                    current=current,
                    conflict_rows=_conflict_rows(form, mine, current),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except consortium.ProjectError as error:
                form.add_error(None, str(error))
            else:
                if request.htmx:
                    context.update(
                        partner=saved,
                        saved=True,
                        form=PartForm(
                            initial=PartForm.initial_for(saved), organisation=organisation
                        ),
                    )
                    response = render(request, "projects/project_part.html#part-form", context)
                    response["HX-Trigger"] = "part-saved"
                    return response
                messages.success(
                    request,
                    _("La partie de %(organisation)s est enregistrée.")
                    % {"organisation": organisation},
                )
                return redirect(project)
    else:
        form = PartForm(initial=PartForm.initial_for(partner), organisation=organisation)
    context.update(
        form=form,
        attachments=partner.attachments.order_by("uploaded_at", "pk"),
        attachment_form=AttachmentForm(max_bytes=settings.ATTACHMENT_MAX_BYTES),
        is_open=project.status in consortium.OPEN_STATUSES,
    )
    if request.htmx and request.method == "POST":
        return render(request, "projects/project_part.html#part-form", context)
    context.update(_eligibility_context(request, project))
    return render(request, "projects/project_part.html", context)


# --- attachments --------------------------------------------------------------------------


@login_required
def attachment_add(request, pk, partner_pk):
    project, partner = _editable_partner(request.user, pk, partner_pk)
    form = AttachmentForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        max_bytes=settings.ATTACHMENT_MAX_BYTES,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attachment = consortium.add_attachment(
                actor=request.user,
                partner=partner,
                kind=data["kind"],
                title=data["title"],
                upload=data["upload"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except consortium.ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("La pièce « %(title)s » est ajoutée.") % {"title": attachment.title}
            )
            return redirect(f"{_part_url(project, partner)}#pieces")
    return render(
        request,
        "projects/project_attachment_form.html",
        {"project": project, "partner": partner, "form": form},
    )


def _attachment_of(project: Project, attachment_pk: int) -> PartAttachment:
    return get_object_or_404(
        PartAttachment.objects.select_related("partner__organisation"),
        pk=attachment_pk,
        partner__project=project,
    )


@login_required
def attachment_download(request, pk, attachment_pk):
    """The PDF, to those who may see the project only (404 for everyone else)."""
    project = permissions.get_project_for_user(request.user, pk)
    attachment = _attachment_of(project, attachment_pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = attachment.original_name or "document.pdf"
    if not filename.lower().endswith(".pdf"):
        filename += ".pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_delete(request, pk, attachment_pk):
    """Confirm on GET, delete on POST (people of the partner that attached it)."""
    project = permissions.get_project_for_user(request.user, pk)
    attachment = _attachment_of(project, attachment_pk)
    partner = attachment.partner
    if not permissions.can_edit_part(request.user, partner):
        raise PermissionDenied
    partner.project = project
    if request.method == "POST":
        try:
            consortium.delete_attachment(actor=request.user, attachment=attachment)
        except consortium.ProjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("La pièce « %(title)s » est retirée.") % {"title": attachment.title}
            )
        return redirect(f"{_part_url(project, partner)}#pieces")
    return render(
        request,
        "projects/project_attachment_delete.html",
        {"project": project, "partner": partner, "attachment": attachment},
    )
