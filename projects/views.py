"""Partner search pages, for signed-in members only.

Each view: permission helper → form → service → message → redirect. State changes are POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Prefetch, Q, When
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Competence
from members.permissions import organisations_visible_to
from projects import permissions, services
from projects.filters import PartnerSearchFilter
from projects.forms import AnswerForm, InterestForm, PartnerSearchForm
from projects.models import Follow, Interest, InterestStatus, PartnerSearch
from projects.suggestions import suggest_partners


def _with_list_details(queryset):
    return (
        queryset.select_related("organisation", "region_wanted", "pole")
        .prefetch_related(
            Prefetch("competences_wanted", queryset=Competence.objects.order_by("name"))
        )
        .annotate(
            pending_count=Count("interests", filter=Q(interests__status=InterestStatus.PENDING))
        )
    )


@login_required
def partner_search_list(request):
    base = PartnerSearch.objects.visible_to(request.user)
    search_filter = PartnerSearchFilter(request.GET, queryset=base, request=request)
    searches = search_filter.qs if search_filter.is_valid() else base.open()
    page = Paginator(_with_list_details(searches).order_by("-created_at", "-pk"), 20).get_page(
        request.GET.get("page")
    )
    template = "projects/partner_search_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(
        request,
        template,
        {
            "filter": search_filter,
            "page": page,
            "mine": search_filter.is_valid() and search_filter.form.cleaned_data.get("mine"),
            "can_publish": permissions.organisations_for_posting(request.user).exists(),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_context(request, partner_search, *, interest_form=None, answer_forms=None):
    user = request.user
    is_author = permissions.is_author(user, partner_search)
    insider = permissions.can_see_interests_and_suggestions(user, partner_search)
    context = {
        "partner_search": partner_search,
        "competences": partner_search.competences_wanted.order_by("name"),
        "organisation_url": (
            partner_search.organisation.get_absolute_url()
            if organisations_visible_to(user).filter(pk=partner_search.organisation_id).exists()
            else ""
        ),
        "is_author": is_author,
        "is_insider": insider,
        "can_moderate": permissions.can_moderate(user, partner_search),
        "is_following": Follow.objects.filter(user=user, posting=partner_search).exists(),
        "my_interests": Interest.objects.filter(
            posting=partner_search, organisation__affiliations__user=user
        )
        .exclude(organisation=partner_search.organisation_id)
        .select_related("organisation"),
    }
    if insider:
        interests = list(
            partner_search.interests.select_related("organisation", "user").order_by(
                Case(When(status=InterestStatus.PENDING, then=0), default=1), "-created_at"
            )
        )
        answer_forms = answer_forms or {}
        for interest in interests:
            interest.answer_form = answer_forms.get(interest.pk) or AnswerForm(
                auto_id=f"reponse-{interest.pk}-%s"
            )
        context["interests"] = interests
        context["suggestions"] = suggest_partners(partner_search, viewer=user)
    if interest_form is not None:
        context["interest_form"] = interest_form
    elif partner_search.is_live and permissions.can_express_interest(user, partner_search):
        # Offered while one of the user's organisations has not answered yet; the others stay
        # in the choices, so that a second try gets the service's explanation.
        organisations = permissions.organisations_for_interest(user, partner_search)
        remaining = organisations.exclude(pk__in=partner_search.interests.values("organisation_id"))
        first = remaining.first()
        if first is not None:
            context["interest_form"] = InterestForm(
                organisations=organisations, initial={"organisation": first}
            )
    return context


@login_required
def partner_search_detail(request, pk):
    partner_search = permissions.get_partner_search_for_user(request.user, pk)
    return render(
        request,
        "projects/partner_search_detail.html",
        _detail_context(request, partner_search),
    )


def _no_organisation(request):
    return render(request, "projects/no_organisation.html", status=403)


@login_required
def partner_search_create(request):
    organisations = permissions.organisations_for_posting(request.user)
    if not organisations.exists():
        return _no_organisation(request)
    form = PartnerSearchForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner_search = services.create_partner_search(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                description=data["description"],
                competences=data["competences_wanted"],
                kinds_wanted=data["kinds_wanted"],
                region_wanted=data["region_wanted"],
                pole=data["pole"],
                target_call=data["target_call"],
                expires_on=data["expires_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.PartnerSearchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Votre recherche de partenaires est publiée jusqu'au %(date)s.")
                % {"date": _long_date(partner_search.expires_on)},
            )
            return redirect(partner_search)
    return render(request, "projects/partner_search_form.html", {"form": form})


def _long_date(value):
    return date_format(value, "j F Y")


@login_required
def partner_search_edit(request, pk):
    partner_search = permissions.get_partner_search_to_edit(request.user, pk)
    form = PartnerSearchForm(request.POST or None, instance=partner_search)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {field: data[field] for field in services.EDITABLE_FIELDS}
        try:
            services.update_partner_search(
                actor=request.user,
                partner_search=partner_search,
                competences=data["competences_wanted"],
                **changes,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.PartnerSearchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Votre recherche est à jour."))
            return redirect(partner_search)
    return render(
        request,
        "projects/partner_search_form.html",
        {"form": form, "partner_search": partner_search},
    )


@login_required
def partner_search_close(request, pk):
    """Confirm on GET, close on POST."""
    partner_search = permissions.get_partner_search_to_edit(request.user, pk)
    if request.method == "POST":
        try:
            services.close_partner_search(actor=request.user, partner_search=partner_search)
        except services.PartnerSearchError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("La recherche est clôturée : elle n'apparaît plus dans les listes."),
            )
        return redirect(partner_search)
    return render(
        request,
        "projects/partner_search_close.html",
        {
            "partner_search": partner_search,
            "pending_count": partner_search.interests.filter(status=InterestStatus.PENDING).count(),
        },
    )


@login_required
@require_POST
def express_interest(request, pk):
    partner_search = permissions.get_partner_search_for_user(request.user, pk)
    if not permissions.can_express_interest(request.user, partner_search):
        raise PermissionDenied
    organisations = permissions.organisations_for_interest(request.user, partner_search)
    form = InterestForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            services.express_interest(
                actor=request.user, partner_search=partner_search, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        except services.PartnerSearchError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Votre intérêt est transmis à %(organisation)s ; vous serez prévenu par "
                    "e-mail de sa réponse."
                )
                % {"organisation": partner_search.organisation},
            )
            return redirect(partner_search)
    return render(
        request,
        "projects/partner_search_detail.html",
        _detail_context(request, partner_search, interest_form=form),
    )


@login_required
@require_POST
def answer_interest(request, pk):
    interest = permissions.get_interest_to_answer(request.user, pk)
    partner_search = permissions.get_partner_search_for_user(request.user, interest.posting_id)
    form = AnswerForm(request.POST, auto_id=f"reponse-{interest.pk}-%s")
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.answer_interest(
                actor=request.user,
                interest=interest,
                accept=accept,
                message=form.cleaned_data["message"],
            )
        except services.PartnerSearchError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                (
                    _("Vous avez accepté l'intérêt de %(organisation)s ; elle est prévenue.")
                    if accept
                    else _("Vous avez décliné l'intérêt de %(organisation)s ; elle est prévenue.")
                )
                % {"organisation": interest.organisation},
            )
        return redirect(f"{partner_search.get_absolute_url()}#interets")
    return render(
        request,
        "projects/partner_search_detail.html",
        _detail_context(request, partner_search, answer_forms={interest.pk: form}),
    )


@login_required
@require_POST
def follow(request, pk):
    partner_search = permissions.get_partner_search_for_user(request.user, pk)
    services.follow_partner_search(actor=request.user, partner_search=partner_search)
    messages.success(
        request, _("Vous suivez cette recherche : ses mises à jour vous seront envoyées.")
    )
    return redirect(partner_search)


@login_required
@require_POST
def unfollow(request, pk):
    partner_search = permissions.get_partner_search_for_user(request.user, pk)
    services.unfollow_partner_search(actor=request.user, partner_search=partner_search)
    messages.success(request, _("Vous ne suivez plus cette recherche."))
    return redirect(partner_search)


@login_required
def my_interests(request):
    """The interests my organisations expressed, with the answers, newest first."""
    interests = (
        Interest.objects.filter(organisation__affiliations__user=request.user)
        .select_related("posting__organisation", "organisation", "user")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(interests, 20).get_page(request.GET.get("page"))
    return render(request, "projects/my_interests.html", {"page": page})
