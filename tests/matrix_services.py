"""Permission-matrix rows for the services of the pôles (`services:*`) and the shared platforms
(`platforms:*`) (see tests/matrix.py for the vocabulary).

Services: `_service` is a members-only service of Pôle Alpha (the company and the lab are
active members); `_inactive` is no longer offered. Platforms: `_platform` is published and
owned by the company (`member` administers it); `_hidden` is unpublished and owned by Pôle
Alpha (`animator` animates it); `_access` is the lab's request to use `_platform`. Objects are
made on first use, once per world.
"""

from poles.models import PoleService
from tests.conftest import PERSONAS
from tests.factories import (
    PlatformAccessRequestFactory,
    PlatformFactory,
    PoleServiceFactory,
    ServiceRequestFactory,
)
from tests.matrix import (
    Case,
    Forbidden,
    LoginRedirect,
    NotAllowed,
    NotFound,
    RedirectsTo,
    Shows,
    everyone,
    signed_in,
)

SERVICE = "Pré-diagnostic brevets Alpha"
INACTIVE = "Ancien service Alpha"
PLATFORM = "Banc moteur Alpha"
HIDDEN = "Plateforme en préparation Alpha"
CONTACT = "banc.alpha@example.org"

# Who works for an organisation that is an active member of Pôle Alpha.
ALPHA_MEMBERS = ("member", "lab_member")
# Who works for an organisation, but none a member of Pôle Alpha.
OTHER_AFFILIATED = ("funder", "other_funder", "funder_manager")
# Who works for no organisation at all.
UNAFFILIATED = ("outsider", "animator", "other_animator", "admin")
# Who may create a platform: an organisation's admin, pôle staff, superusers.
CREATORS = ("member", "animator", "other_animator", "admin")


def _made(*objects):
    return {}


def _service(w):
    if not hasattr(w, "service"):
        w.service = PoleServiceFactory(pole=w.pole, title=SERVICE)
    return w.service


def _inactive(w):
    if not hasattr(w, "inactive"):
        w.inactive = PoleServiceFactory(pole=w.pole, title=INACTIVE, is_active=False)
    return w.inactive


def _company_admin(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _service_request(w):
    if not hasattr(w, "service_request"):
        w.service_request = ServiceRequestFactory(
            service=_service(w), organisation=w.company, requested_by=_company_admin(w)
        )
    return w.service_request


def _platform(w):
    if not hasattr(w, "platform"):
        w.platform = PlatformFactory(
            name=PLATFORM,
            slug="banc-essai-alpha",
            owner_organisation=w.company,
            contact_email=CONTACT,
        )
    return w.platform


def _hidden(w):
    if not hasattr(w, "hidden"):
        w.hidden = PlatformFactory(
            name=HIDDEN,
            slug="plateforme-cachee-alpha",
            owner_organisation=None,
            owner_pole=w.pole,
            is_published=False,
        )
    return w.hidden


def _access(w):
    if not hasattr(w, "access"):
        w.access = PlatformAccessRequestFactory(platform=_platform(w), organisation=w.lab)
    return w.access


def _members_only_message(persona):
    if persona in ALPHA_MEMBERS:
        return Shows(SERVICE, 'name="message"')
    if persona in OTHER_AFFILIATED:
        return Shows(SERVICE, "réservé aux adhérents de Pôle Alpha", hides=('name="message"',))
    if persona == "anonymous":
        return Shows(SERVICE, "Connectez-vous", hides=('name="message"',))
    return Shows(SERVICE, "rattaché à une organisation", hides=('name="message"',))


CASES = [
    # --- Services of the pôles: public catalogue and pages, requests for members ------------
    Case(
        "services:list",
        everyone(Shows(SERVICE, "Pôle Alpha", hides=(INACTIVE,))),
        kwargs=lambda w: _made(_service(w), _inactive(w)),
    ),
    Case(
        "services:detail",
        {persona: _members_only_message(persona) for persona in PERSONAS},
        kwargs=lambda w: {"pk": _service(w).pk},
    ),
    Case(
        "services:detail",
        everyone(NotFound(INACTIVE)),
        variant="inactive",
        kwargs=lambda w: {"pk": _inactive(w).pk},
    ),
    Case(
        "services:request",
        # Without an organisation: the form again, with its error (success: test files).
        {
            **signed_in(Shows(SERVICE, "Ce champ est obligatoire", 'name="message"')),
            "anonymous": LoginRedirect(),
        },
        kwargs=lambda w: {"pk": _service(w).pk},
        method="post",
        data={"message": "Protéger notre logiciel."},
    ),
    Case(
        "services:request",
        {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"pk": _service(w).pk},
    ),
    Case(
        "services:request",
        {**signed_in(NotFound(INACTIVE)), "anonymous": LoginRedirect()},
        variant="inactive",
        kwargs=lambda w: {"pk": _inactive(w).pk},
        method="post",
    ),
    Case(
        "services:mine",
        {
            **signed_in(Shows("Mes demandes de services", hides=(SERVICE,))),
            "anonymous": LoginRedirect(),
            "member": Shows("Mes demandes de services", SERVICE, "Nouvelle"),
        },
        kwargs=lambda w: _made(_service_request(w)),
    ),
    # --- Shared platforms ----------------------------------------------------------------
    Case(
        "platforms:list",
        everyone(Shows(PLATFORM, hides=(HIDDEN,))),
        kwargs=lambda w: _made(_platform(w), _hidden(w)),
    ),
    Case(
        "platforms:detail",
        {
            **signed_in(Shows(PLATFORM, CONTACT)),
            "anonymous": Shows(PLATFORM, "Connectez-vous", hides=(CONTACT,)),
        },
        kwargs=lambda w: {"slug": _platform(w).slug},
    ),
    Case(
        "platforms:detail",
        {
            **everyone(NotFound(HIDDEN)),
            "animator": Shows(HIDDEN, "pas publiée"),
            "admin": Shows(HIDDEN, "pas publiée"),
        },
        variant="unpublished",
        kwargs=lambda w: {"slug": _hidden(w).slug},
    ),
    Case(
        "platforms:request_access",
        {
            **signed_in(Shows(PLATFORM, "Décrivez votre besoin en quelques lignes.")),
            "anonymous": LoginRedirect(),
        },
        kwargs=lambda w: {"slug": _platform(w).slug},
        method="post",
    ),
    Case(
        "platforms:request_access",
        {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"slug": _platform(w).slug},
    ),
    Case(
        "platforms:request_access",
        {
            **signed_in(NotFound(HIDDEN)),
            "anonymous": LoginRedirect(),
            "animator": Shows(HIDDEN),
            "admin": Shows(HIDDEN),
        },
        variant="unpublished",
        kwargs=lambda w: {"slug": _hidden(w).slug},
        method="post",
    ),
    Case(
        "platforms:create",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(CREATORS, Shows('name="owner"', 'name="equipment"')),
        },
    ),
    Case(
        "platforms:edit",
        {
            **everyone(NotFound(PLATFORM)),
            "anonymous": LoginRedirect(),
            "member": Shows('name="owner"', PLATFORM),
            "admin": Shows('name="owner"', PLATFORM),
        },
        kwargs=lambda w: {"slug": _platform(w).slug},
    ),
    Case(
        "platforms:edit",
        {
            **everyone(NotFound(HIDDEN)),
            "anonymous": LoginRedirect(),
            "animator": Shows('name="owner"', HIDDEN),
            "admin": Shows('name="owner"', HIDDEN),
        },
        variant="unpublished",
        kwargs=lambda w: {"slug": _hidden(w).slug},
    ),
    Case(
        "platforms:requests",
        {
            **signed_in(
                Shows("Demandes envoyées par vos organisations", hides=("Demandes reçues",))
            ),
            "anonymous": LoginRedirect(),
            "member": Shows("Demandes reçues", "Laboratoire des Matériaux", PLATFORM),
            "lab_member": Shows(PLATFORM, "Nouvelle", hides=("Demandes reçues",)),
            "animator": Shows("Demandes reçues", hides=("Laboratoire des Matériaux",)),
            "admin": Shows("Demandes reçues", "Laboratoire des Matériaux", PLATFORM),
        },
        kwargs=lambda w: _made(_access(w), _hidden(w)),
    ),
    Case(
        "platforms:answer",
        {
            **signed_in(NotFound()),
            "anonymous": LoginRedirect(),
            "member": RedirectsTo("/plateformes/demandes/#recues"),
            "admin": RedirectsTo("/plateformes/demandes/#recues"),
        },
        kwargs=lambda w: {"pk": _access(w).pk},
        method="post",
        data={"decision": "decline", "response": "Le banc est complet."},
    ),
    Case(
        "platforms:answer",
        {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"pk": _access(w).pk},
    ),
]

assert PoleService  # the model the service rows are about
