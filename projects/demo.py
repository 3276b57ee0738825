"""Demo partner searches and interests, on top of `members.demo.seed_demo`.

`seed_partner_searches(rng)` runs after the demo organisations and accounts exist. It writes a
search for the demo company (entreprise@poles.example, Cobotix) with two pending interests, one
of them from the demo lab (labo@poles.example), then `count` searches of generated
organisations, each with a few interests from organisations that have the competences wanted.

Rows are validated with `full_clean()` and saved directly, not through the services: demo data
is nobody's decision, so it leaves no audit entry and sends no e-mail. Expiry dates are counted
from today (a demo search must be open when someone looks at it); everything else comes from
`rng`, so a seed always gives the same searches. A database that already has partner searches
is left alone.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from members.models import (
    Affiliation,
    Competence,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from poles.models import Pole
from projects.models import Interest, InterestStatus, PartnerSearch, PartnerSearchStatus, join_kinds

DEMO_COMPANY = "Cobotix (démo)"
DEMO_LAB = "Laboratoire d'informatique de Palaiseau (démo)"
DEMO_POLE = "systematic"


@dataclass
class PartnerSearchSeedResult:
    partner_searches: int = 0
    interests: int = 0


# What a generated search is about, by theme family of its pôle: (project, profile wanted).
PROJECTS = {
    "aero": [
        ("un drone d'inspection des lignes électriques", "l'autonomie de vol"),
        ("une aérostructure composite thermoplastique", "la mise en forme des composites"),
        ("un nanosatellite d'observation des cultures", "la charge utile optique"),
    ],
    "numerique": [
        ("un jumeau numérique d'usine", "la simulation temps réel"),
        ("une plateforme de détection d'intrusions industrielles", "l'apprentissage automatique"),
        ("un capteur connecté basse consommation", "l'électronique embarquée"),
    ],
    "sante": [
        ("un test de diagnostic rapide en officine", "la microfluidique"),
        ("un dispositif de télésurveillance cardiaque", "l'analyse de signaux"),
        ("une plateforme d'analyse d'images histologiques", "l'imagerie"),
    ],
    "energie": [
        ("un électrolyseur compact pour l'hydrogène vert", "l'électrochimie"),
        ("un réseau de chaleur piloté par la donnée", "la prévision de consommation"),
        ("une batterie de seconde vie pour le stockage stationnaire", "le diagnostic des cellules"),
    ],
    "mobilite": [
        ("une navette autonome pour les zones d'activité", "la perception"),
        ("un poids lourd à hydrogène pour la logistique urbaine", "l'intégration de la pile"),
        ("une solution de maintenance prédictive ferroviaire", "les capteurs embarqués"),
    ],
    "agro": [
        ("un robot de désherbage de précision", "la vision des adventices"),
        ("des protéines végétales texturées", "les procédés d'extrusion"),
        ("un emballage alimentaire biosourcé", "les polymères"),
    ],
    "materiaux": [
        ("une pièce de structure en fabrication additive métallique", "le contrôle non destructif"),
        ("un composite recyclable pour l'automobile", "la chimie des résines"),
        ("un traitement de surface sans chrome", "la corrosion"),
    ],
    "mer": [
        ("un drone sous-marin d'inspection des éoliennes en mer", "la navigation acoustique"),
        ("une ferme aquacole connectée", "les capteurs océanographiques"),
        ("des ingrédients issus de macroalgues", "l'extraction"),
    ],
    "environnement": [
        ("une station de traitement des eaux industrielles", "les membranes"),
        ("un béton bas carbone", "les liants alternatifs"),
        ("un service de prévision des crues", "la modélisation hydrologique"),
    ],
    "services": [
        ("une plateforme de formation immersive", "la réalité virtuelle"),
        ("un outil de conformité pour les PME industrielles", "le traitement du langage"),
        ("un service de financement de l'innovation", "l'analyse de données"),
    ],
}
TITLES = [
    "Partenaire recherché pour {project}",
    "Consortium en constitution : {project}",
    "Qui maîtrise {profile} ? Projet : {project}",
    "Projet collaboratif : {project}",
]
CALLS = ["", "", "AAP FUI 21", "AAP FUI 25", "PSPC-Régions 2026", "i-Démo", "Horizon Europe"]
KIND_CHOICES = [
    [OrganisationKind.RESEARCH],
    [OrganisationKind.RESEARCH, OrganisationKind.COMPANY],
    [OrganisationKind.COMPANY],
    [OrganisationKind.RESEARCH, OrganisationKind.RTO],
    [],
]
CONTRIBUTIONS = [
    "Une équipe de quatre ingénieurs et un banc d'essai dédié ; plusieurs projets collaboratifs "
    "menés avec des PME.",
    "Une plateforme technologique ouverte aux partenaires et deux doctorants sur le sujet.",
    "Des références industrielles sur ce type de produit et une ligne pilote disponible.",
    "Un savoir-faire de dix ans sur ces technologies et un réseau de clients prêts à tester.",
]
MOTIVATIONS = [
    "Le projet prolonge nos travaux actuels et nous donnerait un cas d'usage industriel.",
    "Nous cherchons à valoriser nos résultats de recherche dans un produit.",
    "C'est l'occasion d'entrer sur un marché proche du nôtre avec un partenaire solide.",
]
ANSWERS = {
    InterestStatus.ACCEPTED: "Merci ! Nous vous proposons un premier échange la semaine prochaine.",
    InterestStatus.DECLINED: "Merci pour votre proposition ; nous avons retenu un profil plus "
    "proche de notre besoin.",
}


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def _people(organisation_ids) -> dict[int, list]:
    """The people of each organisation (affiliations with their user), one query."""
    people: dict[int, list] = {}
    affiliations = (
        Affiliation.objects.filter(organisation_id__in=organisation_ids)
        .select_related("user")
        .order_by("organisation_id", "pk")
    )
    for affiliation in affiliations:
        people.setdefault(affiliation.organisation_id, []).append(affiliation.user)
    return people


def _interest(posting, organisation, user, rng, *, status=InterestStatus.PENDING, now=None):
    interest = Interest(
        posting=posting,
        organisation=organisation,
        user=user,
        contribution=rng.choice(CONTRIBUTIONS),
        motivation=rng.choice(MOTIVATIONS),
        status=status,
    )
    if status != InterestStatus.PENDING:
        interest.answer = ANSWERS[status]
        interest.answered_at = now or timezone.now()
    return _save(interest)


def _demo_account_search(rng, today, result) -> None:
    """Cobotix looks for a vision lab and a machining SME; the demo lab has answered."""
    company = Organisation.objects.filter(name=DEMO_COMPANY).first()
    lab = Organisation.objects.filter(name=DEMO_LAB).first()
    if company is None:
        return
    author = company.affiliations.filter(user__email="entreprise@poles.example").first()
    if author is None:
        return
    competences = Competence.objects.filter(
        slug__in=["intelligence-artificielle", "capteurs", "photonique", "usinage-decolletage"]
    )
    posting = _save(
        PartnerSearch(
            author=author.user,
            organisation=company,
            title="Cobot à vision pour l'inspection des pièces usinées",
            description=(
                "Cobotix développe une cellule cobotique qui contrôle en ligne l'aspect des "
                "pièces usinées, pour les ateliers de PME.\n\n"
                "Nous cherchons un laboratoire en vision par ordinateur (détection de défauts "
                "sur surfaces métalliques) et une PME d'usinage prête à accueillir le "
                "démonstrateur dans son atelier. Projet de 30 mois, 2,5 M€ environ."
            ),
            kinds_wanted=join_kinds([OrganisationKind.RESEARCH, OrganisationKind.COMPANY]),
            region_wanted_id="11",
            pole=Pole.objects.filter(slug=DEMO_POLE).first(),
            target_call="PSPC-Régions Île-de-France 2026",
            expires_on=today + timedelta(days=75),
        )
    )
    posting.competences_wanted.set(competences)
    result.partner_searches += 1
    if lab is not None:
        lab_user = lab.affiliations.filter(user__email="labo@poles.example").first()
        if lab_user is not None:
            _interest(posting, lab, lab_user.user, rng)
            result.interests += 1
    machining = (
        Organisation.objects.public()
        .filter(
            kind=OrganisationKind.COMPANY,
            competences__slug="usinage-decolletage",
            affiliations__isnull=False,
        )
        .exclude(pk=company.pk)
        .distinct()
        .order_by("name")
        .first()
    )
    if machining is not None:
        _interest(posting, machining, machining.affiliations.first().user, rng)
        result.interests += 1


def seed_partner_searches(
    rng: random.Random, *, count: int = 14, max_interests: int = 3
) -> PartnerSearchSeedResult:
    """Demo partner searches and interests; nothing when partner searches already exist."""
    result = PartnerSearchSeedResult()
    if PartnerSearch.objects.exists():
        return result
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        _demo_account_search(rng, today, result)
        authors = list(
            Organisation.objects.public()
            .filter(
                affiliations__isnull=False,
                memberships__status=MembershipStatus.ACTIVE,
            )
            .exclude(name__in=[DEMO_COMPANY, DEMO_LAB])
            .distinct()
            .order_by("pk")
        )
        chosen = rng.sample(authors, min(count, len(authors)))
        people = _people([organisation.pk for organisation in chosen])
        memberships = {}
        for membership in (
            Membership.objects.active()
            .filter(organisation__in=chosen)
            .select_related("pole")
            .order_by("pk")
        ):
            memberships.setdefault(membership.organisation_id, []).append(membership.pole)
        own = {}
        for organisation_id, competence_id in Organisation.competences.through.objects.filter(
            organisation__in=chosen
        ).values_list("organisation_id", "competence_id"):
            own.setdefault(organisation_id, set()).add(competence_id)
        by_family = {}
        for competence in Competence.objects.order_by("pk"):
            by_family.setdefault(competence.family, []).append(competence)
        for index, organisation in enumerate(chosen):
            pole = rng.choice(memberships[organisation.pk])
            theme = pole.theme_family if pole.theme_family in PROJECTS else "services"
            project, profile = rng.choice(PROJECTS[theme])
            pool = [
                competence
                for family in _competence_families(theme)
                for competence in by_family.get(family, [])
                if competence.pk not in own.get(organisation.pk, set())
            ] or [competence for group in by_family.values() for competence in group]
            wanted = rng.sample(pool, min(len(pool), rng.randint(2, 4)))
            kinds = rng.choice(KIND_CHOICES)
            posting = _save(
                PartnerSearch(
                    author=people[organisation.pk][0],
                    organisation=organisation,
                    title=rng.choice(TITLES).format(project=project, profile=profile),
                    description=(
                        f"{organisation.name} monte un projet collaboratif pour développer "
                        f"{project}. "
                        f"Nous apportons notre expertise métier et un premier prototype ; il "
                        f"nous manque un partenaire solide sur {profile}.\n\n"
                        f"Compétences recherchées : "
                        f"{', '.join(competence.name.lower() for competence in wanted)}."
                    ),
                    kinds_wanted=join_kinds(kinds),
                    region_wanted_id=organisation.region_id if rng.random() < 0.35 else None,
                    pole=pole if rng.random() < 0.8 else None,
                    target_call=rng.choice(CALLS),
                    expires_on=today + timedelta(days=rng.randint(10, 200)),
                )
            )
            posting.competences_wanted.set(wanted)
            PartnerSearch.objects.filter(pk=posting.pk).update(
                created_at=now - timedelta(days=rng.randint(1, 60), minutes=index)
            )
            result.partner_searches += 1
            result.interests += _seed_interests(posting, wanted, rng, max_interests, now)
        # One search of the lot has found its partners: closed by its author.
        if chosen:
            PartnerSearch.objects.filter(organisation=chosen[-1]).update(
                status=PartnerSearchStatus.CLOSED
            )
    return result


def _competence_families(theme: str) -> list[str]:
    """Competence families that fit a pôle's theme family."""
    return {
        "aero": ["systemes", "materiaux"],
        "numerique": ["numerique"],
        "sante": ["sante", "numerique"],
        "energie": ["energie"],
        "mobilite": ["systemes", "energie"],
        "agro": ["agro"],
        "materiaux": ["materiaux"],
        "mer": ["systemes", "agro", "energie"],
        "environnement": ["energie"],
        "services": ["services", "numerique"],
    }.get(theme, ["numerique"])


def _seed_interests(posting, wanted, rng, max_interests, now) -> int:
    candidates = list(
        Organisation.objects.public()
        .filter(competences__in=wanted, affiliations__isnull=False)
        .exclude(pk=posting.organisation_id)
        .distinct()
        .order_by("pk")[:40]
    )
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(0, max_interests)))
    people = _people([organisation.pk for organisation in chosen])
    for organisation in chosen:
        status = rng.choices(
            [InterestStatus.PENDING, InterestStatus.ACCEPTED, InterestStatus.DECLINED],
            weights=[6, 3, 1],
        )[0]
        _interest(posting, organisation, people[organisation.pk][0], rng, status=status, now=now)
    return len(chosen)
