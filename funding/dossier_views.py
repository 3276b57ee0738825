"""Dossier pages: submitting a project to its call, and the frozen versions it leaves.

A version is shown only from what was frozen when it was submitted (`DossierVersion.content`
and its `DossierFile` copies), never from the live project. Who may see a version: the people
who may see its project (`Project.objects.visible_to`); everyone else gets 404. Submitting is
for the coordinator's people only (403 for the other partners).
"""

import functools
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from funding.dossiers import SubmissionError, budget_csv, call_is_open, submit_project
from funding.models import CATEGORY_LABELS, DossierFile, DossierVersion
from funding.permissions import dossier_versions_visible_to
from members.models import OrganisationKind
from projects import consortium, permissions
from projects.models import EXPENSE_FIELDS, CostBasis, LabelStatus, Project

# --- Access ---------------------------------------------------------------------------------


def get_version_for_user(user, pk: int) -> DossierVersion:
    """The version if `user` may see it (its project's people, its assigned reviewers, the
    managers of its call: `funding.permissions`); 404 otherwise (nothing is revealed)."""
    try:
        return dossier_versions_visible_to(user).select_related("submitted_by").get(pk=pk)
    except DossierVersion.DoesNotExist:
        raise Http404 from None


def _private(response):
    """Confidential downloads: never kept by shared caches nor on disk by the browser."""
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- The frozen content, ready for the templates ----------------------------------------------


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# Column headings of the budget table, in the order of `EXPENSE_FIELDS` (as in the CSV).
EXPENSE_SHORT_LABELS = (
    pgettext_lazy("dépenses", "Personnel"),
    _lazy("Frais généraux"),
    _lazy("Équipements"),
    _lazy("Sous-traitance"),
    pgettext_lazy("dépenses", "Autres"),
)


def dossier_context(version: DossierVersion) -> dict:
    """What a version shows: its frozen `content`, its copied files, the other versions."""
    content = version.content
    expense_labels = list(zip(EXPENSE_FIELDS, EXPENSE_SHORT_LABELS, strict=True))
    files = list(version.files.all())
    file_by_key = {(file.partner_name, file.sha256, file.title): file for file in files}
    partners = []
    for part in content["partners"]:
        organisation = part["organisation"]
        partners.append(
            {
                **part,
                "name": organisation["name"],
                "kind_label": _label(OrganisationKind, organisation["kind"]),
                "category_label": CATEGORY_LABELS.get(part["category"], part["category"]),
                "cost_basis_label": _label(CostBasis, part["cost_basis"]),
                "expenses": [
                    (label, part["expenses_eur"].get(name, 0)) for name, label in expense_labels
                ],
                "attachments": [
                    {
                        **attachment,
                        "file": file_by_key.get(
                            (organisation["name"], attachment["sha256"], attachment["title"])
                        ),
                    }
                    for attachment in part["attachments"]
                ],
            }
        )
    totals = [
        sum(part["expenses_eur"].get(name, 0) for part in content["partners"])
        for name in EXPENSE_FIELDS
    ]
    labels = [
        {
            **label,
            "status_label": _label(LabelStatus, label["status"]),
            "committee_date": _date(label["committee_date"]),
        }
        for label in content["labels"]
    ]
    project = content["project"]
    return {
        "version": version,
        "content": content,
        "project": {**project, "start_date": _date(project["start_date"])},
        "call": content["call"],
        "submitted_at": datetime.fromisoformat(content["submitted_at"]),
        "partners": partners,
        "expense_labels": [label for _name, label in expense_labels],
        "expense_totals": totals,
        "labels": labels,
        "eligibility": content["eligibility"],
        "files": files,
        "attachment_count": sum(len(part["attachments"]) for part in partners),
    }


# --- Submission ------------------------------------------------------------------------------


def _submission_context(project: Project, error: str = "") -> dict:
    """The live project as it will be frozen, and the verdict, for the confirmation page."""
    evaluation = consortium.evaluate_project(project)
    parts = list(
        project.partners.select_related("organisation", "rd_region")
        .prefetch_related("attachments")
        .order_by("joined_at", "pk")
    )
    results = {part.pk: result for part, result in evaluation.rows}
    label_requests = list(project.label_requests.select_related("pole").order_by("rank", "pk"))
    versions = list(project.dossiers.order_by("-number"))
    checks = (
        [
            {"code": check.code, "status": check.status, "message": check.translated(_)}
            for check in evaluation.verdict.checks
        ]
        if evaluation.verdict
        else []
    )
    return {
        "project": project,
        "call": project.call,
        "call_open": project.call is not None and call_is_open(project.call),
        "evaluation": evaluation,
        "verdict": evaluation.verdict,
        "checks": checks,
        "partners": [
            {
                "part": part,
                "result": results.get(part.pk),
                "category": CATEGORY_LABELS.get(results[part.pk].category, "")
                if part.pk in results
                else "",
                "attachments": list(part.attachments.all()),
            }
            for part in parts
        ],
        "attachment_count": sum(len(part.attachments.all()) for part in parts),
        "labels": [
            {"request": request, "counts": request.counts_for(project.call)}
            for request in label_requests
        ],
        "versions": versions,
        "next_number": (versions[0].number if versions else 0) + 1,
        "error": error,
    }


@login_required
def submit(request, pk):
    """GET: what will be frozen, and the verdict. POST: `submit_project` (a new version)."""
    project = permissions.get_project_for_user(request.user, pk)
    if not permissions.can_coordinate(request.user, project):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            version = submit_project(actor=request.user, project=project)
        except (SubmissionError, consortium.ProjectError) as exc:
            # Shown on the confirmation page itself; nothing was written.
            error = str(exc)
            project.refresh_from_db()
        else:
            messages.success(
                request,
                _(
                    "Dossier déposé : version %(number)s, référence %(reference)s. "
                    "Ce contenu est figé ; un nouveau dépôt avant la date limite en fera "
                    "une nouvelle version."
                )
                % {"number": version.number, "reference": version.reference},
            )
            return redirect("dossiers:detail", pk=version.pk)
    return render(request, "funding/dossier_submit.html", _submission_context(project, error))


# --- A frozen version -----------------------------------------------------------------------


@login_required
@require_GET
def detail(request, pk):
    version = get_version_for_user(request.user, pk)
    context = dossier_context(version)
    context["other_versions"] = (
        DossierVersion.objects.filter(project_id=version.project_id)
        .only("pk", "number", "reference", "submitted_at", "eligible")
        .order_by("-number")
    )
    return render(request, "funding/dossier_detail.html", context)


def is_local_resource(url: str, roots=None) -> bool:
    """Whether a dossier PDF may read `url`: `data:` URLs, and files under `static/` only."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    path = Path(url2pathname(urlsplit(url).path)).resolve()
    roots = [Path(root).resolve() for root in (roots or settings.STATICFILES_DIRS)]
    return any(path.is_relative_to(root) for root in roots)


@functools.cache
def _local_only_fetcher_class():
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 (heavy import, for PDFs only)

    class LocalOnlyFetcher(URLFetcher):
        """Nothing over the network: anything but `is_local_resource` is refused (WeasyPrint
        then leaves the resource out and goes on)."""

        def fetch(self, url, headers=None):
            if not is_local_resource(url):
                raise ValueError(f"Refused (dossier PDFs read no remote resource): {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher():
    return _local_only_fetcher_class()(allowed_protocols={"data", "file"})


def render_pdf(version: DossierVersion, request=None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 (heavy import, PDF only)

    context = dossier_context(version)
    context["logo_url"] = (Path(settings.BASE_DIR) / "static" / "img" / "logo.svg").as_uri()
    context["printed_at"] = timezone.now()
    html = render_to_string("funding/dossier_pdf.html", context, request=request)
    base_url = (Path(settings.BASE_DIR) / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=local_only_fetcher()).write_pdf()


@login_required
@require_GET
def pdf(request, pk):
    version = get_version_for_user(request.user, pk)
    response = HttpResponse(render_pdf(version, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.reference}.pdf"'
    return _private(response)


@login_required
@require_GET
def budget(request, pk):
    version = get_version_for_user(request.user, pk)
    response = HttpResponse(budget_csv(version), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.reference}-budget.csv"'
    return _private(response)


@login_required
@require_GET
def dossier_file(request, pk, file_pk):
    version = get_version_for_user(request.user, pk)
    try:
        copy = version.files.get(pk=file_pk)
    except DossierFile.DoesNotExist:
        raise Http404 from None
    name = f"{version.reference}-{slugify(copy.title) or 'piece'}.pdf"
    response = FileResponse(
        copy.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    return _private(response)
