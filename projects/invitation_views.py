"""Invitations to a project's consortium: the coordinator invites, the invited organisation answers.

Who may open what:

- the invite page and cancelling an invitation: the people of the coordinating organisation
  (`permissions.can_coordinate`); the others who see the project (partners, pôle staff,
  superusers) get 403; everyone else 404 (`permissions.get_project_for_user`).
- an invitation's page: the admins of the invited organisation — for an invitation by SIRET,
  the admins of an organisation with that SIREN — i.e. exactly the people to whom
  `consortium.invitations_for` lists it in their space. Anyone else gets 404, a plain member of
  the invited organisation included: he sees the invitation nowhere, so for him it does not
  exist. Once answered, the page stays readable (with the answer, without the form) by the
  admins of the organisation that answered.

Each view: permission → form → service → message → redirect. The services check again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import search
from members.models import AffiliationRole, Organisation
from projects import consortium, permissions
from projects.invitation_forms import (
    AnswerInvitationForm,
    DirectorySearchForm,
    InviteBySiretForm,
    InviteInterestForm,
    InviteOrganisationForm,
)
from projects.models import (
    Interest,
    InterestStatus,
    Invitation,
    InvitationStatus,
    ProjectPartner,
)

RESULTS_LIMIT = 15

WAY_DIRECTORY = "annuaire"
WAY_INTEREST = "interet"
WAY_SIRET = "siret"


# --- reads --------------------------------------------------------------------------------


def _partner_ids(project) -> set[int]:
    return set(
        ProjectPartner.objects.filter(project=project).values_list("organisation_id", flat=True)
    )


def _pending_ids(project) -> set[int]:
    return set(
        Invitation.objects.filter(
            project=project, status=InvitationStatus.PENDING, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )


def invitable_organisations(project):
    """Published organisations of the directory neither in the consortium nor invited yet."""
    return (
        Organisation.objects.public()
        .exclude(pk__in=ProjectPartner.objects.filter(project=project).values("organisation_id"))
        .exclude(
            pk__in=Invitation.objects.filter(
                project=project, status=InvitationStatus.PENDING, organisation__isnull=False
            ).values("organisation_id")
        )
    )


def search_directory(candidates, text: str, *, limit: int = RESULTS_LIMIT) -> list:
    """Organisations of `candidates` matching a SIRET, a SIREN, or words of their name."""
    compact = "".join(text.split()).replace(".", "").replace("-", "")
    light = candidates.select_related("region").defer(*search.SEARCH_COLUMNS)
    if compact.isdigit() and len(compact) in (9, 14):
        found = light.filter(Q(siren=compact[:9]) | Q(siret=compact))
        return list(found.order_by("sort_name", "pk")[:limit])
    match = search.text_match(text, within=candidates)
    ranked = search.with_relevance(light.filter(match.condition), text, widened=match.widened)
    return list(ranked.order_by("-relevance", "sort_name", "pk")[:limit])


def accepted_interests(project, partner_ids: set[int], pending_ids: set[int]) -> list:
    """The accepted interests in the project's partner search, each marked `state`:
    "partner" (already in the consortium), "invited" (pending invitation) or "" (to invite)."""
    if project.partner_search_id is None:
        return []
    interests = list(
        Interest.objects.filter(
            posting_id=project.partner_search_id, status=InterestStatus.ACCEPTED
        )
        .select_related("organisation", "user")
        .order_by("-answered_at", "-pk")
    )
    for interest in interests:
        if interest.organisation_id in partner_ids:
            interest.state = "partner"
        elif interest.organisation_id in pending_ids:
            interest.state = "invited"
        else:
            interest.state = ""
    return interests


def _get_project_to_coordinate(user, pk):
    """The project if `user` acts for its coordinator: 404 outside his scope, 403 in it."""
    project = permissions.get_project_for_user(user, pk)
    if not permissions.can_coordinate(user, project):
        raise PermissionDenied
    return project


def _administered(user):
    return Organisation.objects.filter(
        affiliations__user=user, affiliations__role=AffiliationRole.ADMIN
    )


def get_invitation_for_user(user, pk) -> Invitation:
    """An invitation `user` may answer (pending), or one his organisation answered; else 404."""
    invitation = consortium.invitations_for(user).filter(pk=pk).first()
    if invitation is None:
        invitation = (
            Invitation.objects.filter(pk=pk, organisation__in=_administered(user))
            .exclude(status=InvitationStatus.PENDING)
            .select_related("project__coordinator", "organisation", "invited_by", "answered_by")
            .first()
        )
    if invitation is None:
        raise Http404
    return invitation


# --- the coordinator ----------------------------------------------------------------------


def _invite_url(project, text: str = "") -> str:
    url = reverse("consortium:invite", args=[project.pk])
    return f"{url}?{urlencode({'q': text})}" if text else url


@login_required
def invite(request, pk):
    """Three ways to invite on one page: the directory, accepted interests, SIRET + e-mail."""
    project = _get_project_to_coordinate(request.user, pk)
    candidates = invitable_organisations(project)
    search_form = DirectorySearchForm(request.GET or None)
    text = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    directory_form = siret_form = None

    if request.method == "POST":
        way = request.POST.get("way")
        if way == WAY_DIRECTORY:
            directory_form = InviteOrganisationForm(request.POST, organisations=candidates)
            if directory_form.is_valid():
                organisation = directory_form.cleaned_data["organisation"]
                if _invite(
                    request,
                    directory_form,
                    project=project,
                    organisation=organisation,
                    message=directory_form.cleaned_data["message"],
                ):
                    return redirect(_invite_url(project, text))
        elif way == WAY_INTEREST:
            return _invite_interest(request, project, text)
        elif way == WAY_SIRET:
            siret_form = InviteBySiretForm(request.POST)
            if siret_form.is_valid() and _invite_by_siret(request, siret_form, project):
                return redirect(_invite_url(project, text))

    results, truncated = None, False
    if text:
        results = search_directory(candidates, text, limit=RESULTS_LIMIT + 1)
        truncated = len(results) > RESULTS_LIMIT
        results = results[:RESULTS_LIMIT]
    partner_ids, pending_ids = _partner_ids(project), _pending_ids(project)
    context = {
        "project": project,
        "can_invite": project.status in consortium.OPEN_STATUSES,
        "search_form": search_form,
        "q": text,
        "results": results,
        "truncated": truncated,
        "directory_form": directory_form or InviteOrganisationForm(organisations=candidates),
        "interests": accepted_interests(project, partner_ids, pending_ids),
        "siret_form": siret_form or InviteBySiretForm(),
    }
    template = "projects/invitation_invite.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _invite(request, form, **arguments) -> bool:
    try:
        invitation = consortium.invite_organisation(actor=request.user, **arguments)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except consortium.ProjectError as error:
        form.add_error(None, str(error))
        return False
    messages.success(
        request,
        _("%(organisation)s est invitée ; ses administrateurs sont prévenus par e-mail.")
        % {"organisation": invitation.organisation},
    )
    return True


def _invite_interest(request, project, text):
    form = InviteInterestForm(request.POST)
    interest = None
    if form.is_valid() and project.partner_search_id is not None:
        interest = (
            Interest.objects.filter(
                pk=form.cleaned_data["interest"], posting_id=project.partner_search_id
            )
            .select_related("organisation")
            .first()
        )
    if interest is None:
        messages.error(request, _("Cet intérêt n'existe pas ou ne concerne pas ce projet."))
        return redirect(_invite_url(project, text))
    try:
        consortium.invite_organisation(
            actor=request.user,
            project=project,
            organisation=interest.organisation,
            interest=interest,
        )
    except (ValidationError, consortium.ProjectError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("%(organisation)s est invitée ; ses administrateurs sont prévenus par e-mail.")
            % {"organisation": interest.organisation},
        )
    return redirect(_invite_url(project, text))


def _invite_by_siret(request, form, project) -> bool:
    data = form.cleaned_data
    try:
        invitation = consortium.invite_by_siret(
            actor=request.user,
            project=project,
            siret=data["siret"],
            email=data["email"],
            message=data["message"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except consortium.ProjectError as error:
        form.add_error(None, str(error))
        return False
    if invitation.organisation is not None:
        messages.success(
            request,
            _(
                "Ce SIRET est celui de %(organisation)s, déjà inscrite sur le portail : elle est "
                "invitée directement et ses administrateurs sont prévenus par e-mail."
            )
            % {"organisation": invitation.organisation},
        )
    else:
        messages.success(
            request,
            _(
                "L'invitation est envoyée à %(email)s. Elle attend l'organisation : dès qu'elle "
                "sera inscrite sur le portail avec le SIRET %(siret)s, ses administrateurs "
                "pourront l'accepter."
            )
            % {"email": invitation.email, "siret": invitation.siret},
        )
    return True


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def cancel_invitation(request, pk, invitation_pk):
    project = _get_project_to_coordinate(request.user, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), project=project, pk=invitation_pk
    )
    try:
        consortium.cancel_invitation(actor=request.user, invitation=invitation)
    except consortium.ProjectError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("L'invitation de %(who)s est annulée.")
            % {"who": invitation.organisation or invitation.siret},
        )
    return redirect(_next_or(request, f"{project.get_absolute_url()}#invitations"))


# --- the invited organisation -------------------------------------------------------------


def _answering_organisations(user, invitation):
    """For an invitation by SIRET: the user's organisations with that SIREN (he is admin)."""
    return _administered(user).filter(siren=invitation.siren).order_by("name")


@login_required
def invitation_detail(request, invitation_pk):
    """What the invited organisation's admin may know before joining, and his answer (POST).

    The project stays confidential until the organisation joins: acronym, title, summary,
    coordinator, who invited and his message; no budget, no parts.
    """
    invitation = get_invitation_for_user(request.user, invitation_pk)
    project = invitation.project
    answerable = invitation.status == InvitationStatus.PENDING
    organisations = None
    if answerable and invitation.organisation_id is None:
        organisations = _answering_organisations(request.user, invitation)
    form = AnswerInvitationForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )

    if request.method == "POST":
        if not answerable:
            messages.info(request, _("Cette invitation a déjà reçu une réponse."))
            return redirect("consortium:invitation", invitation_pk=invitation.pk)
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "accept"
            try:
                answered = consortium.answer_invitation(
                    actor=request.user,
                    invitation=invitation,
                    accept=accept,
                    organisation=form.cleaned_data.get("organisation"),
                )
            except PermissionDenied:
                # Answered or cancelled in the meantime: the page now says so.
                messages.info(request, _("Cette invitation n'attend plus de réponse."))
                return redirect("consortium:invitation", invitation_pk=invitation.pk)
            except consortium.ProjectError as error:
                form.add_error(None, str(error))
            else:
                if accept:
                    messages.success(
                        request,
                        _(
                            "%(organisation)s fait désormais partie du consortium %(acronym)s : "
                            "complétez sa partie (rôle, travaux, budget)."
                        )
                        % {"organisation": answered.organisation, "acronym": project.acronym},
                    )
                    return redirect("consortium:detail", pk=project.pk)
                messages.success(
                    request,
                    _(
                        "Vous avez décliné l'invitation au consortium %(acronym)s ; "
                        "%(coordinator)s en est prévenu."
                    )
                    % {"acronym": project.acronym, "coordinator": project.coordinator},
                )
                return redirect("dashboard")

    return render(
        request,
        "projects/invitation_detail.html",
        {
            "invitation": invitation,
            "project": project,
            "answerable": answerable,
            "form": form,
            "coordinator_url": project.coordinator.get_absolute_url()
            if project.coordinator.is_published
            else "",
        },
    )
