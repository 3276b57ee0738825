"""Demo data: shared platforms and access requests"""

import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from members.models import (
    Competence,
    Organisation,
    OrganisationKind,
    Platform,
    PlatformAccessRequest,
    PlatformKind,
)
from members.platforms import answer_access_request, create_platform, request_platform_access
from poles.models import Pole

DEMO_COMPANY_USER = "entreprise@poles.example"
DEMO_LAB_USER = "labo@poles.example"
DEMO_ANIMATOR = "animateur@poles.example"
DEMO_CONTACTS = {"lab": DEMO_LAB_USER, "company": DEMO_COMPANY_USER}

# (owner, name, kind, description, equipment, access conditions, competences). The owner is
# "lab" (labo@'s laboratory), "company" (Cobotix), "pole:<slug>", "research" or "company:n"
# (the n-th demo organisation of that kind, by name, from the generated directory).
PLATFORMS = [
    (
        "lab",
        "Plateforme d'apprentissage automatique de Palaiseau",
        PlatformKind.PLATFORM,
        "Des grappes de calcul GPU et des jeux de données annotés pour entraîner et évaluer des "
        "modèles d'apprentissage automatique, avec l'appui des ingénieurs du laboratoire.",
        "Grappe de 64 GPU\nStockage de 2 Po\nOutils d'annotation",
        "Convention de recherche ou prestation ; 400 € HT la journée de calcul.",
        ["intelligence-artificielle", "science-des-donnees", "calcul-haute-performance"],
    ),
    (
        "company",
        "Démonstrateur d'atelier cobotique",
        PlatformKind.DEMONSTRATOR,
        "Un atelier de 300 m² où tester des cobots sur vos pièces avant d'investir.",
        "Six cobots de 3 à 16 kg\nCellule de vision\nPostes d'assemblage",
        "Une journée d'essai offerte aux membres du pôle, puis 800 € HT la journée.",
        ["robotique", "mecatronique"],
    ),
    (
        "pole:systematic",
        "Banc d'essai cybersécurité des systèmes industriels",
        PlatformKind.PLATFORM,
        "Des automates et réseaux industriels réels pour éprouver la sécurité de vos produits.",
        "Automates de quatre constructeurs\nRéseau industriel reconfigurable",
        "Réservé aux membres du pôle ; sur réservation.",
        ["cybersecurite", "internet-des-objets"],
    ),
    (
        "pole:systematic",
        "Living lab de la ville intelligente",
        PlatformKind.LIVING_LAB,
        "Un quartier pilote où expérimenter des capteurs et services urbains avec les habitants.",
        "Réseau de 200 capteurs\nPlateforme de données ouverte",
        "Sur projet, après accord de la collectivité partenaire.",
        ["internet-des-objets", "science-des-donnees"],
    ),
    (
        "pole:aerospace-valley",
        "Soufflerie subsonique",
        PlatformKind.EQUIPMENT,
        "Essais aérodynamiques de maquettes et de drones jusqu'à 60 m/s.",
        "Veine de 2,4 m × 1,2 m\nBalance six composantes",
        "Prestation ; devis sur demande.",
        ["aeronautique", "spatial"],
    ),
    (
        "pole:pole-mer-bretagne",
        "Bassin d'essais en mer",
        PlatformKind.LIVING_LAB,
        "Un site instrumenté en rade de Brest pour tester des équipements marins.",
        "Bouées instrumentées\nNavire support",
        "Saison d'avril à octobre ; devis.",
        ["naval", "energies-renouvelables"],
    ),
    (
        "pole:lyonbiopole",
        "Plateau d'imagerie préclinique",
        PlatformKind.PLATFORM,
        "Imagerie IRM et optique pour l'évaluation de candidats médicaments.",
        "IRM 7 teslas\nImageur optique in vivo",
        "Tarifs académiques et industriels.",
        ["imagerie-medicale", "biotechnologies"],
    ),
    (
        "research:0",
        "Salle blanche de microfabrication",
        PlatformKind.EQUIPMENT,
        "Lithographie, dépôt et gravure pour prototyper des composants.",
        "Salle ISO 5 de 400 m²\nLithographie électronique",
        "Formation obligatoire avant accès ; 150 € HT l'heure.",
        ["microelectronique", "nanotechnologies"],
    ),
    (
        "research:1",
        "Plateforme de fabrication additive métallique",
        PlatformKind.PLATFORM,
        "Impression 3D de pièces métalliques et caractérisation.",
        "Deux machines de fusion laser sur lit de poudre\nTomographe",
        "Projets collaboratifs et prestations.",
        ["fabrication-additive", "metallurgie"],
    ),
    (
        "research:2",
        "Serres expérimentales",
        PlatformKind.EQUIPMENT,
        "Culture sous conditions contrôlées pour l'expérimentation végétale.",
        "12 compartiments climatisés",
        "Sur convention.",
        ["vegetal", "agriculture-precision"],
    ),
    (
        "research:3",
        "Pilote de traitement des eaux",
        PlatformKind.DEMONSTRATOR,
        "Un pilote à l'échelle semi-industrielle pour tester des procédés de traitement.",
        "Réacteurs membranaires\nLaboratoire d'analyse",
        "Devis sur demande.",
        ["traitement-eau", "chimie-verte"],
    ),
    (
        "company:0",
        "Banc de test de batteries",
        PlatformKind.EQUIPMENT,
        "Cyclage et vieillissement de cellules et de modules de batteries.",
        "Vingt voies de cyclage\nEnceintes climatiques",
        "À la semaine ; devis.",
        ["stockage-energie", "efficacite-energetique"],
    ),
    (
        "company:1",
        "Piste d'essai de véhicules autonomes",
        PlatformKind.LIVING_LAB,
        "Une piste privée de 3 km avec intersections et signalisation connectée.",
        "Piste de 3 km\nUnités de bord de route",
        "Réservation à la journée.",
        ["vehicule-autonome", "reseaux-telecoms"],
    ),
    (
        "company:2",
        "Studio de réalité virtuelle",
        PlatformKind.DEMONSTRATOR,
        "Un studio de capture et de restitution immersive pour la formation et le design.",
        "Salle immersive\nCapture de mouvement",
        "Demi-journée ou journée ; devis.",
        ["realite-virtuelle", "contenus-numeriques"],
    ),
    (
        "company:3",
        "Ligne pilote de composites",
        PlatformKind.PLATFORM,
        "Drapage automatisé et cuisson de pièces composites de grande taille.",
        "Robot de drapage\nAutoclave de 4 m",
        "Prestations et projets collaboratifs.",
        ["materiaux-composites"],
    ),
]


def _owner(key: str, *, lab, company, rng) -> object | None:
    if key == "lab":
        return lab
    if key == "company":
        return company
    kind, _, ref = key.partition(":")
    if kind == "pole":
        return Pole.objects.filter(slug=ref).first()
    organisation_kind = (
        OrganisationKind.RESEARCH if kind == "research" else OrganisationKind.COMPANY
    )
    candidates = (
        Organisation.objects.filter(kind=organisation_kind, is_published=True, region__isnull=False)
        .exclude(pk__in=[o.pk for o in (lab, company) if o is not None])
        .order_by("name")
    )
    # Spread over the list so that the owners come from several regions.
    count = candidates.count()
    if count == 0:
        return None
    return candidates[(int(ref) * 37 + rng.randint(0, 5)) % count]


def seed_platforms(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo shared platforms and access requests.

    Fifteen platforms owned by the demo laboratory, the demo company, pôles and directory
    organisations in several regions. Cobotix (entreprise@) asks for the laboratory's platform
    (labo@ has it to answer) and has been accepted on the demo pôle's test bench.
    Returns what was made, as label → count (printed by seed_demo).
    """
    if Platform.objects.exists():
        return {}
    User = get_user_model()
    users = {
        user.email: user
        for user in User.objects.filter(email__in=[DEMO_COMPANY_USER, DEMO_LAB_USER, DEMO_ANIMATOR])
    }
    company_user, lab_user = users.get(DEMO_COMPANY_USER), users.get(DEMO_LAB_USER)
    company = (
        Organisation.objects.filter(affiliations__user=company_user).first()
        if company_user
        else None
    )
    lab = Organisation.objects.filter(affiliations__user=lab_user).first() if lab_user else None
    competences = dict(Competence.objects.values_list("slug", "pk"))

    made = []
    for key, name, kind, description, equipment, conditions, slugs in PLATFORMS:
        owner = _owner(key, lab=lab, company=company, rng=rng)
        if owner is None:
            continue
        if isinstance(owner, Pole):
            region, city = owner.main_region, ""
            email = f"plateformes@{owner.slug}-demo.example"
        elif key in DEMO_CONTACTS:
            # The demo accounts receive the access requests to their own platforms.
            region, city, email = owner.region, owner.city, DEMO_CONTACTS[key]
        else:
            region, city = owner.region, owner.city
            email = owner.contact_email or f"plateformes.{owner.pk}@organisations-demo.example"
        made.append(
            create_platform(
                actor=None,
                owner=owner,
                competences=[competences[slug] for slug in slugs if slug in competences],
                name=name,
                kind=kind,
                description=description,
                equipment=equipment,
                city=city,
                region=region,
                access_conditions=conditions,
                contact_email=email,
            )
        )

    requests = 0
    lab_platform = next((p for p in made if lab and p.owner_organisation_id == lab.pk), None)
    bench = next((p for p in made if p.owner_pole and p.owner_pole.slug == "systematic"), None)
    if company is not None and company_user is not None:
        if lab_platform is not None:
            request_platform_access(
                actor=company_user,
                platform=lab_platform,
                organisation=company,
                message="Nous voulons entraîner les modèles de vision de notre cobot sur vos GPU "
                "pendant la phase de prototypage.",
                desired_period="Trois semaines en février",
            )
            requests += 1
        if bench is not None:
            accepted = request_platform_access(
                actor=company_user,
                platform=bench,
                organisation=company,
                message="Tester la sécurité du contrôleur de notre nouveau cobot.",
                desired_period="Deux jours le mois prochain",
            )
            answer_access_request(
                actor=users.get(DEMO_ANIMATOR),
                access_request=accepted,
                accept=True,
                response="Bienvenue : le banc vous est réservé, contactez-nous pour les dates.",
            )
            PlatformAccessRequest.objects.filter(pk=accepted.pk).update(
                created_at=now - timedelta(days=20), decided_at=now - timedelta(days=18)
            )
            requests += 1
    # A few requests from other organisations, so that the owners' pages are not empty.
    others = list(
        Organisation.objects.filter(kind=OrganisationKind.COMPANY, affiliations__isnull=False)
        .exclude(pk__in=[o.pk for o in (lab, company) if o is not None])
        .distinct()
        .order_by("name")[:20]
    )
    for platform in rng.sample(made, min(3, len(made))):
        candidates = [o for o in others if o.pk != platform.owner_organisation_id]
        if not candidates:
            break
        organisation = rng.choice(candidates)
        requester = organisation.affiliations.select_related("user").first().user
        if platform.access_requests.filter(organisation=organisation).exists():
            continue
        request_platform_access(
            actor=requester,
            platform=platform,
            organisation=organisation,
            message="Nous aimerions évaluer la plateforme pour un projet en préparation.",
        )
        requests += 1
    return {"shared platforms": len(made), "platform access requests": requests}
