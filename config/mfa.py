"""Two-factor authentication for the people who see confidential dossiers: staff and funders.

Staff (`is_staff` or superusers: pôle animators, administrators) and funder people (anyone
with a `FunderMember` role, manager or reviewer) must protect their account with an
authenticator app (allauth MFA, TOTP, with recovery codes). Until they have one, every page
sends them to the activation page with a message saying why, the admin included; the pages
they need to get there stay open (MFA setup, re-authentication, e-mail verification, sign-out,
the language switch, static files, `/healthz`). Once they have one, allauth asks for a code at
every sign-in, and they cannot deactivate it.

The Django admin's own sign-in form would skip that second step: it sends to the portal's
sign-in page instead.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from config.roles import roles

# URL names a person who must set up two-factor authentication can still open.
EXEMPT_URL_NAMES = frozenset(
    {
        # allauth MFA: the setup pages and the sign-in / re-authentication steps.
        "mfa_index",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_authenticate",
        "mfa_reauthenticate",
        # allauth asks for the password again before any change to two-factor authentication
        # (a sign-in does not count), and refuses activation while an e-mail address is
        # unverified: both must stay reachable.
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "account_logout",
        "admin:logout",
        "set_language",
        "healthz",
    }
)


def has_active_totp(user) -> bool:
    """Whether `user` has activated an authenticator app."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def signed_in_with_authenticator(request) -> bool:
    """Whether this session's sign-in used an authenticator app code (allauth records each
    method of the sign-in in the session): then the user has one."""
    session = getattr(request, "session", None)
    methods = session.get("account_authentication_methods", []) if session is not None else []
    return any(isinstance(m, dict) and m.get("method") == "mfa" for m in methods)


def mfa_required(user) -> bool:
    """Whether `user` must use two-factor authentication: staff, superusers and funders."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return roles(user).funder


def needs_totp_setup(user) -> bool:
    """Whether `user` must activate an authenticator app before going anywhere else."""
    return mfa_required(user) and not has_active_totp(user)


def _exempt_path(path: str) -> bool:
    return any(
        prefix and prefix.startswith("/") and path.startswith(prefix)
        for prefix in (settings.STATIC_URL, settings.MEDIA_URL)
    )


class RequireTwoFactorMiddleware:
    """Sends staff and funders without an authenticator app to its activation page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _exempt_path(request.path_info):
            return None
        view_name = request.resolver_match.view_name
        if view_name == "admin:login":
            return self._admin_login(request)
        if view_name in EXEMPT_URL_NAMES:
            return None
        if signed_in_with_authenticator(request):
            return None  # they have one: no need to ask the database on every page
        if not needs_totp_setup(getattr(request, "user", None)):
            return None
        return self._to_activation(request)

    @staticmethod
    def _to_activation(request):
        messages.warning(
            request,
            gettext(
                "Votre compte donne accès à des dossiers confidentiels (personnel des pôles, "
                "financeurs) : activez la double authentification avec une application "
                "d'authentification pour continuer."
            ),
        )
        target = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)

    def _admin_login(self, request):
        """The admin's sign-in form checks only the password: people sign in on the portal
        instead (which asks for the authenticator code). Signed-in staff are sent on to the
        admin by the admin itself; anyone else signed in may not use that form."""
        user = request.user
        if user.is_authenticated:
            if needs_totp_setup(user):
                return self._to_activation(request)
            if user.is_staff and request.method == "GET":
                return None
            raise PermissionDenied
        target = reverse("account_login")
        next_url = request.GET.get("next")
        if next_url:
            target = f"{target}?{urlencode({'next': next_url})}"
        return HttpResponseRedirect(target)


class PortalMFAAdapter(DefaultMFAAdapter):
    """allauth MFA, with the rule above: those who must use it cannot deactivate it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Les comptes du personnel des pôles et des financeurs doivent garder la double "
            "authentification : elle ne peut pas être désactivée."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
