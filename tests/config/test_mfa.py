"""Two-factor authentication (allauth MFA, TOTP): required of staff and funders (config/mfa.py)."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from config.mfa import mfa_required
from funding.models import Funder, FunderMember
from tests.factories import PASSWORD, PoleStaffFactory, UserFactory, totp_code, with_totp
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/accounts/reauthenticate/"
WHY = "Votre compte donne accès à des dossiers confidentiels"


def _funder_person(role: str, *, totp: bool = False):
    funder = Funder.objects.get(slug="bpifrance")
    user = UserFactory(email=f"{role}@financeur.example")
    FunderMember.objects.create(funder=funder, user=user, role=role)
    return with_totp(user) if totp else user


# Users who must use two-factor authentication, made without an authenticator app.
WITHOUT_TOTP = {
    "animator": lambda: PoleStaffFactory(user__totp=False).user,
    "staff": lambda: UserFactory(is_staff=True, totp=False),
    "superuser": lambda: UserFactory(is_staff=True, is_superuser=True, totp=False),
    "funder_reviewer": lambda: _funder_person("reviewer"),
    "funder_manager": lambda: _funder_person("manager"),
}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reauthenticate(client) -> None:
    """allauth asks for the password again before any change to two-factor authentication."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, page_text(response)


def _activate(client) -> str:
    """Activate an authenticator app through the pages, as a person would; returns its secret."""
    _reauthenticate(client)
    client.get(ACTIVATE)
    secret = client.session["mfa.totp.secret"]
    response = client.post(ACTIVATE, {"code": _code_now(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes"), page_text(response)
    return secret


def _code_now(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (RFC 6238, as the app computes it)."""
    if 30 - time.time() % 30 < 2:  # about to change: wait for the next one
        time.sleep(2)
    counter = int(time.time()) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- who must use it ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WITHOUT_TOTP))
def test_mfa_required_of_staff_superusers_and_funders(kind):
    user = WITHOUT_TOTP[kind]()

    assert mfa_required(user) is True


def test_mfa_not_required_of_members_outsiders_and_anonymous(member, outsider):
    assert [mfa_required(member), mfa_required(outsider), mfa_required(AnonymousUser())] == [
        False,
        False,
        False,
    ]


# --- enforcement ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WITHOUT_TOTP))
def test_person_without_authenticator_is_sent_to_its_activation_with_the_reason(kind):
    client = _signed_in(WITHOUT_TOTP[kind]())

    response = client.get(reverse("dashboard"), follow=True)

    # The activation page first asks for the password again (allauth), with the reason shown.
    assert [url for url, _status in response.redirect_chain] == [
        ACTIVATE,
        f"{REAUTHENTICATE}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F",
    ]
    text = page_text(response)
    assert WHY in text
    assert "Confirmer l'accès" in text
    assert 'name="password"' in response.content.decode()


def test_activation_page_shows_the_qr_code_and_the_secret():
    client = _signed_in(UserFactory(is_staff=True, totp=False))
    _reauthenticate(client)

    response = client.get(ACTIVATE)

    text = page_text(response)
    assert "Activer l'application d'authentification" in text
    secret = client.session["mfa.totp.secret"]
    assert secret in response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in response.content.decode()
    assert "issuer=Portail%20des%20p%C3%B4les" in response.context["totp_url"]


@pytest.mark.parametrize("kind", sorted(WITHOUT_TOTP))
def test_every_portal_page_sends_there_too(kind):
    client = _signed_in(WITHOUT_TOTP[kind]())

    locations = {
        url: client.get(url).get("Location")
        for url in ("/", "/poles/", "/organisations/", "/projets/", "/mon-espace/", "/admin/")
    }

    assert locations == dict.fromkeys(locations, ACTIVATE)


def test_admin_sends_staff_without_authenticator_to_its_activation():
    client = _signed_in(UserFactory(is_staff=True, is_superuser=True, totp=False))

    response = client.get(reverse("admin:members_organisation_changelist"))

    assert response["Location"] == ACTIVATE


def test_admin_opens_for_staff_with_authenticator(admin):
    response = _signed_in(admin).get(reverse("admin:index"))

    assert "Animation des pôles" in page_text(response)


@pytest.mark.parametrize(
    "persona", ["animator", "other_animator", "admin", "funder", "other_funder", "funder_manager"]
)
def test_personas_with_authenticator_reach_their_space(persona, request):
    user = request.getfixturevalue(persona)

    response = _signed_in(user).get(reverse("dashboard"))

    assert response.status_code == 200
    assert user.email in page_text(response)


def test_member_without_authenticator_is_not_asked_for_one(member):
    response = _signed_in(member).get(reverse("dashboard"))

    assert response.status_code == 200
    assert WHY not in page_text(response)
    assert not Authenticator.objects.filter(user=member).exists()


def test_htmx_request_is_sent_to_the_activation_by_htmx_redirect():
    client = _signed_in(UserFactory(is_staff=True, totp=False))

    response = client.get(reverse("dashboard"), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == ACTIVATE


# --- what stays open ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        ("/accounts/2fa/", "Authentification à deux facteurs"),
        (REAUTHENTICATE, "Confirmer l'accès"),
        ("/accounts/logout/", "Êtes-vous sûr(e) de vouloir vous déconnecter ?"),
        ("/healthz", "ok"),
    ],
)
def test_setup_pages_logout_and_healthz_stay_open(url, shows):
    client = _signed_in(UserFactory(is_staff=True, totp=False))

    response = client.get(url)

    assert response.status_code == 200
    assert shows in page_text(response)


def test_language_switch_stays_open():
    client = _signed_in(UserFactory(is_staff=True, totp=False))

    response = client.post(reverse("set_language"), {"language": "en", "next": "/poles/"})

    assert response["Location"] == "/poles/"
    assert response.cookies["django_language"].value == "en"


def test_static_files_are_not_redirected():
    client = _signed_in(UserFactory(is_staff=True, totp=False))

    response = client.get("/static/css/portal.css")
    response.close()  # WhiteNoise streams the file when collected: let it go

    assert response.get("Location") != ACTIVATE
    assert response.status_code in (200, 404)  # served by WhiteNoise when collected


def test_sign_out_works_without_authenticator():
    user = UserFactory(is_staff=True, totp=False)
    client = _signed_in(user)

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


# --- the admin's own sign-in form -----------------------------------------------------------


def test_admin_login_form_sends_to_the_portal_sign_in(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_form_cannot_sign_in_with_a_password_alone(client, admin):
    response = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})

    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_admin_login_form_is_forbidden_to_signed_in_members(member):
    response = _signed_in(member).get(reverse("admin:login"))

    assert response.status_code == 403


def test_admin_login_form_sends_signed_in_staff_on_to_the_admin(admin):
    response = _signed_in(admin).get(reverse("admin:login"))

    assert response["Location"] == reverse("admin:index")


# --- signing in: password, then the authenticator code --------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(client, funder):
    # Act: the password
    response = client.post(reverse("account_login"), {"login": funder.email, "password": PASSWORD})

    # Assert: not signed in yet, the code is asked for
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert "Authentification à deux facteurs" in page_text(page)
    assert 'name="code"' in page.content.decode()

    # Act: the code
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(funder)})

    # Assert: signed in, in his space
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(funder.pk)
    assert funder.email in page_text(client.get(reverse("dashboard")))


def test_sign_in_refuses_a_wrong_code(client, animator):
    client.post(reverse("account_login"), {"login": animator.email, "password": PASSWORD})
    wrong = f"{(int(totp_code(animator)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Code incorrect" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_sign_in_accepts_a_recovery_code(client):
    # A staff user activates his app through the pages, and is given recovery codes.
    user = UserFactory(is_staff=True, totp=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    _activate(client)
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_signs_in_then_activates_the_app_and_reaches_the_portal(client):
    # Arrange
    user = UserFactory(is_staff=True, totp=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("dashboard")  # no authenticator yet: no code asked
    assert client.get(reverse("dashboard"))["Location"] == ACTIVATE

    # Act
    secret = _activate(client)

    # Assert
    recovery = client.get(reverse("mfa_view_recovery_codes"))
    assert "Codes de récupération" in page_text(recovery)
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {"totp", "recovery_codes"}
    assert user.email in page_text(client.get(reverse("dashboard")))
    # The next sign-in asks for the code of the app just set up.
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": _code_now(secret)})
    assert response["Location"] == reverse("dashboard")


def test_required_people_cannot_deactivate_their_authenticator(client, funder):
    client.post(reverse("account_login"), {"login": funder.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(funder)})
    _reauthenticate(client)

    page = client.get(reverse("mfa_deactivate_totp"))
    response = client.post(reverse("mfa_deactivate_totp"))

    assert "ne peut pas être désactivée" in page_text(page)
    assert f'action="{reverse("mfa_deactivate_totp")}"' not in page.content.decode()
    assert "ne peut pas être désactivée" in page_text(response)
    assert Authenticator.objects.filter(user=funder, type="totp").exists()


def test_members_may_deactivate_an_authenticator_they_chose_to_use(client, member):
    with_totp(member)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(member)})
    _reauthenticate(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=member, type="totp").exists()


@pytest.mark.django_db
def test_a_session_signed_in_with_the_authenticator_is_not_asked_again(animator):
    """The session says the sign-in used the app: the middleware lets the page through without
    looking the app up; a session without that mark still has it looked up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(animator)
    with CaptureQueriesContext(connection) as plain:
        assert client.get("/organisations/").status_code == 200
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": animator.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
    with CaptureQueriesContext(connection) as marked:
        assert client.get("/organisations/").status_code == 200

    def asks_for_the_app(queries):
        return any("mfa_authenticator" in q["sql"] for q in queries.captured_queries)

    assert asks_for_the_app(plain)
    assert not asks_for_the_app(marked)
