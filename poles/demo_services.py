"""Demo data: services of the pôles and requests"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from members.models import Organisation
from poles.member_services import request_service, update_service_request
from poles.models import Pole, PoleService, ServiceKind, ServiceRequest, ServiceRequestStatus

DEMO_POLE = "systematic"
DEMO_COMPANY_USER = "entreprise@poles.example"
DEMO_ANIMATOR = "animateur@poles.example"

# (kind, title, description, conditions, members_only)
DEMO_POLE_SERVICES = [
    (
        ServiceKind.SKILLS,
        "Parcours « Manager l'innovation »",
        "Six demi-journées pour les chefs de projet des PME membres : feuille de route "
        "d'innovation, montage de projets collaboratifs, pilotage d'un consortium.",
        "Inclus dans l'adhésion, deux places par membre et par an",
        True,
    ),
    (
        ServiceKind.IP,
        "Pré-diagnostic propriété industrielle",
        "Une demi-journée avec un conseil en propriété industrielle pour faire le point sur vos "
        "brevets, marques et logiciels, et sur la stratégie de protection d'un projet.",
        "Inclus dans l'adhésion",
        True,
    ),
    (
        ServiceKind.FINANCING,
        "Rencontres investisseurs",
        "Deux fois par an, préparation au pitch puis rencontres avec des fonds d'amorçage et de "
        "capital-risque partenaires du pôle.",
        "Sur sélection du dossier ; 500 € HT la préparation",
        True,
    ),
    (
        ServiceKind.INTERNATIONAL,
        "Mission collective au CES de Las Vegas",
        "Un espace sur le pavillon français, l'organisation des rendez-vous avec des acheteurs "
        "et la logistique du déplacement.",
        "Participation aux frais selon la taille de l'entreprise",
        False,
    ),
    (
        ServiceKind.GROWTH,
        "Accélérateur PME du numérique",
        "Dix-huit mois d'accompagnement par un expert : stratégie, financement, recrutement, "
        "international, pour les PME qui visent le statut d'ETI.",
        "Sur candidature ; cofinancé par la Région",
        True,
    ),
]

OTHER_SERVICES = [
    (
        ServiceKind.IP,
        "Veille brevets thématique",
        "Veille mensuelle ciblée sur vos technologies.",
        "Inclus dans l'adhésion",
        True,
    ),
    (
        ServiceKind.INTERNATIONAL,
        "Mission d'affaires en Allemagne",
        "Trois jours de rendez-vous d'affaires avec des industriels allemands.",
        "Frais de déplacement à la charge des participants",
        False,
    ),
    (
        ServiceKind.SKILLS,
        "Formation « Répondre à un appel à projets européen »",
        "Une journée pour comprendre Horizon Europe et préparer sa candidature.",
        "300 € HT la journée",
        False,
    ),
    (
        ServiceKind.FINANCING,
        "Club des financeurs",
        "Présentation de votre projet aux banques, fonds et business angels du territoire.",
        "Inclus dans l'adhésion",
        True,
    ),
    (
        ServiceKind.GROWTH,
        "Diagnostic croissance",
        "Un entretien de deux heures pour identifier vos leviers de croissance.",
        "Gratuit pour les membres",
        True,
    ),
]

OTHER_POLES = ["cap-digital", "aerospace-valley", "minalogic", "pole-mer-bretagne", "lyonbiopole"]

REQUEST_MESSAGES = {
    ServiceKind.IP: "Nous voulons protéger le logiciel de vision de notre nouveau cobot avant "
    "de le présenter à des clients.",
    ServiceKind.FINANCING: "Nous préparons une levée de 3 M€ pour industrialiser notre gamme "
    "de cobots.",
    ServiceKind.SKILLS: "Deux de nos chefs de projet souhaitent suivre le parcours cette année.",
    ServiceKind.GROWTH: "Nous visons 100 salariés d'ici trois ans et cherchons un accompagnement.",
    ServiceKind.INTERNATIONAL: "Nous aimerions exposer notre cobot sur le pavillon français.",
}

# The Cobotix requests, by kind: the status the animator has brought each one to.
REQUEST_STATUSES = [
    (ServiceKind.IP, ServiceRequestStatus.NEW, ""),
    (ServiceKind.FINANCING, ServiceRequestStatus.IN_PROGRESS, "Dossier reçu, pitch à revoir."),
    (ServiceKind.SKILLS, ServiceRequestStatus.DONE, "Inscrits à la session de printemps."),
    (ServiceKind.GROWTH, ServiceRequestStatus.DECLINED, "Promotion complète ; à représenter."),
]


def _create(pole, kind, title, description, conditions, members_only, contact_email=""):
    return PoleService.objects.create(
        pole=pole,
        kind=kind,
        title=title,
        description=description,
        conditions=conditions,
        members_only=members_only,
        contact_email=contact_email,
    )


def seed_services(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo services of the pôles and requests.

    The demo pôle offers one service of each kind; a few other pôles one or two each. The demo
    company (entreprise@) has asked for four of the demo pôle's services, which the demo
    animator has brought to every status. Returns what was made, as label → count.
    """
    if PoleService.objects.exists():
        return {}
    services = []
    demo_pole = Pole.objects.filter(slug=DEMO_POLE).first()
    by_kind = {}
    if demo_pole is not None:
        for kind, title, description, conditions, members_only in DEMO_POLE_SERVICES:
            service = _create(
                demo_pole,
                kind,
                title,
                description,
                conditions,
                members_only,
                contact_email="services@systematic-demo.example" if kind == ServiceKind.IP else "",
            )
            services.append(service)
            by_kind[kind] = service
    for slug in OTHER_POLES:
        pole = Pole.objects.filter(slug=slug).first()
        if pole is None:
            continue
        for entry in rng.sample(OTHER_SERVICES, rng.randint(1, 2)):
            services.append(_create(pole, *entry))

    requests = 0
    User = get_user_model()
    requester = User.objects.filter(email=DEMO_COMPANY_USER).first()
    animator = User.objects.filter(email=DEMO_ANIMATOR).first()
    company = (
        Organisation.objects.filter(affiliations__user=requester).first() if requester else None
    )
    if company is not None and by_kind:
        for kind, status, notes in REQUEST_STATUSES:
            service_request = request_service(
                actor=requester,
                service=by_kind[kind],
                organisation=company,
                message=REQUEST_MESSAGES[kind],
            )
            if status != ServiceRequestStatus.NEW:
                update_service_request(
                    actor=animator,
                    service_request=service_request,
                    status=status,
                    staff_notes=notes,
                )
            requests += 1
        # Spread the requests over the last weeks, oldest the most advanced.
        for days, service_request in enumerate(
            ServiceRequest.objects.filter(organisation=company).order_by("-pk"), start=2
        ):
            created = now - timedelta(days=3 * days + rng.randint(0, 2))
            ServiceRequest.objects.filter(pk=service_request.pk).update(created_at=created)
    return {"pôle services offered": len(services), "service requests": requests}
