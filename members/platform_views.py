"""Shared platforms: the catalogue, a platform's page and access request, creation and
editing by its managers, and the requests page (received and sent).

Each view: permission helper → form → service → message → redirect. State changes are POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import platforms
from members.models import AccessRequestStatus, PlatformAccessRequest
from members.permissions import organisations_visible_to, staff_poles
from members.platform_filters import PlatformFilter
from members.platform_forms import AccessRequestForm, AnswerForm, PlatformForm

PER_PAGE = 20


def platform_list(request):
    base = platforms.platforms_for_listing(request.user)
    platform_filter = PlatformFilter(request.GET, queryset=base)
    results = platform_filter.qs if platform_filter.is_valid() else base
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    template = "members/platforms/platform_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(
        request,
        template,
        {
            "filter": platform_filter,
            "page": page,
            "can_create": platforms.can_create_platform(request.user),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_context(request, platform, *, form=None) -> dict:
    user = request.user
    organisations = platforms.organisations_for_access(user, platform)
    if form is None and platform.is_published and organisations.exists():
        form = AccessRequestForm(organisations=organisations)
    owner_url = ""
    if platform.owner_pole_id:
        owner_url = platform.owner_pole.get_absolute_url()
    elif organisations_visible_to(user).filter(pk=platform.owner_organisation_id).exists():
        owner_url = platform.owner_organisation.get_absolute_url()
    return {
        "platform": platform,
        "competences": platform.competences.order_by("name"),
        "owner_url": owner_url,
        "form": form,
        "is_affiliated": user.is_authenticated and user.affiliations.exists(),
        "can_manage": platforms.can_manage_platform(user, platform),
        "my_requests": platforms.access_requests_sent_by(user).filter(platform=platform),
    }


def platform_detail(request, slug):
    platform = platforms.get_platform_for_user(request.user, slug)
    return render(
        request, "members/platforms/platform_detail.html", _detail_context(request, platform)
    )


@login_required
@require_POST
def request_access(request, slug):
    platform = platforms.get_platform_for_user(request.user, slug)
    form = AccessRequestForm(
        request.POST, organisations=platforms.organisations_for_access(request.user, platform)
    )
    if form.is_valid():
        try:
            platforms.request_platform_access(
                actor=request.user, platform=platform, **form.cleaned_data
            )
        except platforms.PlatformError as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(
                request,
                _("Votre demande d'accès est envoyée au propriétaire de « %(platform)s ».")
                % {"platform": platform.name},
            )
            return redirect(reverse("platforms:requests") + "#envoyees")
    return render(
        request,
        "members/platforms/platform_detail.html",
        _detail_context(request, platform, form=form),
    )


def _platform_form(request, *, instance=None):
    return PlatformForm(
        request.POST or None,
        instance=instance,
        organisations=list(platforms.organisations_administered_by(request.user).order_by("name")),
        poles=list(staff_poles(request.user).order_by("name")),
    )


def _save(request, form, *, platform=None):
    data = form.cleaned_data
    fields = {name: data[name] for name in platforms.EDITABLE_FIELDS}
    try:
        if platform is None:
            return platforms.create_platform(
                actor=request.user, owner=data["owner"], competences=data["competences"], **fields
            )
        return platforms.update_platform(
            actor=request.user,
            platform=platform,
            owner=data["owner"],
            competences=data["competences"],
            **fields,
        )
    except ValidationError as error:
        form.add_error(None, error)
    except platforms.PlatformError as error:
        form.add_error("owner", str(error))
    return None


@login_required
def platform_create(request):
    if not platforms.can_create_platform(request.user):
        raise PermissionDenied
    form = _platform_form(request)
    if request.method == "POST" and form.is_valid():
        platform = _save(request, form)
        if platform is not None:
            messages.success(
                request, _("La plateforme « %(platform)s » est créée.") % {"platform": platform}
            )
            return redirect(platform)
    return render(request, "members/platforms/platform_form.html", {"form": form})


@login_required
def platform_edit(request, slug):
    platform = platforms.get_platform_to_manage(request.user, slug)
    form = _platform_form(request, instance=platform)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, platform=platform)
        if saved is not None:
            messages.success(request, _("La fiche de la plateforme est à jour."))
            return redirect(saved)
    return render(
        request, "members/platforms/platform_form.html", {"form": form, "platform": platform}
    )


def _requests_context(request, *, answer_forms=None) -> dict:
    user = request.user
    received = list(platforms.access_requests_received_by(user))
    answer_forms = answer_forms or {}
    for access_request in received:
        if access_request.status == AccessRequestStatus.NEW:
            access_request.answer_form = answer_forms.get(access_request.pk) or AnswerForm(
                auto_id=f"reponse-{access_request.pk}-%s"
            )
    return {
        "received": received,
        "sent": platforms.access_requests_sent_by(user),
        "manages_platforms": platforms.platforms_managed_by(user).exists(),
    }


@login_required
def access_requests(request):
    return render(request, "members/platforms/requests.html", _requests_context(request))


@login_required
@require_POST
def answer(request, pk):
    access_request = (
        PlatformAccessRequest.objects.filter(
            platform__in=platforms.platforms_managed_by(request.user).values("pk"), pk=pk
        )
        .select_related("platform", "organisation")
        .first()
    )
    if access_request is None:
        raise Http404
    form = AnswerForm(request.POST, auto_id=f"reponse-{access_request.pk}-%s")
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            platforms.answer_access_request(
                actor=request.user,
                access_request=access_request,
                accept=accept,
                response=form.cleaned_data["response"],
            )
        except platforms.PlatformError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                (
                    _("La demande de %(organisation)s est acceptée ; elle en est informée.")
                    if accept
                    else _("La demande de %(organisation)s est refusée ; elle en est informée.")
                )
                % {"organisation": access_request.organisation.name},
            )
        return redirect(reverse("platforms:requests") + "#recues")
    return render(
        request,
        "members/platforms/requests.html",
        _requests_context(request, answer_forms={access_request.pk: form}),
    )
