"""Demo partner searches, interests and projects, on top of `members.demo.seed_demo`.

`seed_partner_searches(rng)` runs after the demo organisations and accounts exist. It writes a
search for the demo company (entreprise@poles.example, Cobotix) with two pending interests, one
of them from the demo lab (labo@poles.example), then `count` searches of generated
organisations, each with a few interests from organisations that have the competences wanted.

Rows are validated with `full_clean()` and saved directly, not through the services: demo data
is nobody's decision, so it leaves no audit entry and sends no e-mail. Expiry dates are counted
from today (a demo search must be open when someone looks at it); everything else comes from
`rng`, so a seed always gives the same searches. A database that already has partner searches
is left alone.

`seed_projects(rng)` then adds the open demo call (`fui-26-demo`) and five projects, made
through the services, and the review of the call by its funders (see the sections at the end).
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from members.models import (
    Affiliation,
    AffiliationRole,
    Competence,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from members.services import affiliate_user
from poles.models import Pole, Region
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


# --- Demo projects and the open demo call ---------------------------------------------------
#
# Unlike the partner searches, these go through the services (`projects.consortium`,
# `funding.dossiers`): statuses, parts, versions, labels and dossiers are then exactly what
# the portal would have made, audit entries included, and the services' e-mails (to the demo
# addresses, after commit) are written by the development mail backend.

DEMO_CALL = "fui-26-demo"
FLAGSHIP = "VISIOCOB"
ILE_DE_FRANCE = "11"
# The FUI 25 rates (domain.md), when the seeded call is not there to copy them from.
FUI_25_RATES = {
    "rate_pme_in_territory": "0.5",
    "rate_pme_elsewhere": "0.35",
    "rate_eti_in_territory": "0.35",
    "rate_other_company": "0.3",
}
RULE_FIELDS = (
    "rate_pme_in_territory",
    "rate_pme_elsewhere",
    "rate_eti_in_territory",
    "rate_other_company",
    "rate_research_marginal",
    "rate_research_full",
    "rate_rto",
    "rate_other",
    "min_companies",
    "min_research_training",
    "territory_labelling_min",
    "territory_lead_min",
    "partner_share_max",
    "lab_aid_share_max",
    "aid_min_eur",
)


@dataclass
class ProjectSeedResult:
    projects: int = 0
    calls: int = 0
    dossiers: int = 0
    assignments: int = 0
    reviews: int = 0


def ensure_demo_call(now=None):
    """The open demo call (FUI 25 rates): opened 30 days before `now`, closing at noon about
    90 days after. Returns (call, created); an existing call of that slug is kept as it is."""
    from funding.models import Call  # noqa: PLC0415 (funding builds on projects' models)

    existing = Call.objects.filter(slug=DEMO_CALL).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    model = Call.objects.filter(slug="fui-25").first()
    rates = (
        {name: getattr(model, name) for name in RULE_FIELDS} if model is not None else FUI_25_RATES
    )
    closing_day = timezone.localdate(now) + timedelta(days=90)
    closes_at = timezone.make_aware(datetime.combine(closing_day, time(12, 0)))
    call = Call(
        slug=DEMO_CALL,
        scheme="FUI",
        number=26,
        title="AAP FUI n°26 (démonstration)",
        opens_at=now - timedelta(days=30),
        closes_at=closes_at,
        **rates,
    )
    call.full_clean()
    call.save()
    return call, True


def _admin_of(organisation, fallback_email: str):
    """An admin of `organisation` to act for it; one is made (no password) if it has none."""
    affiliation = (
        Affiliation.objects.filter(organisation=organisation, role=AffiliationRole.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if affiliation is not None:
        return affiliation.user
    User = get_user_model()
    user = User.objects.filter(email=fallback_email).first()
    if user is None:
        user = User(email=fallback_email, first_name="Contact", last_name=organisation.name[:100])
        user.set_unusable_password()
        user.save()
    affiliate_user(actor=None, user=user, organisation=organisation, role=AffiliationRole.ADMIN)
    return user


def _pick(candidates, taken: set, rng):
    """One of the three best `candidates` not yet taken (None when none is left)."""
    free = [organisation for organisation in candidates if organisation.pk not in taken]
    if not free:
        return None
    organisation = rng.choice(free[:3])
    taken.add(organisation.pk)
    return organisation


def _ranked(pole, competences, *, kinds, **filters):
    """Published organisations of `kinds`, best first: sharing the most of `competences`,
    then members of `pole`, located in Île-de-France, with an admin to act for them."""
    queryset = (
        Organisation.objects.public()
        .filter(kind__in=kinds, **filters)
        .exclude(name__in=[DEMO_COMPANY, DEMO_LAB])
        .annotate(
            shared=Count("competences", filter=Q(competences__in=competences), distinct=True),
            in_pole=Exists(
                Membership.objects.active().filter(organisation=OuterRef("pk"), pole=pole)
            ),
            has_admin=Exists(
                Affiliation.objects.filter(organisation=OuterRef("pk"), role=AffiliationRole.ADMIN)
            ),
        )
        .order_by("pk")
    )
    return sorted(
        queryset,
        key=lambda o: (-o.shared, not o.in_pole, o.region_id != ILE_DE_FRANCE, not o.has_admin),
    )


def _companies(pole, competences):
    """Independent SMEs (no group) whose size is known."""
    return _ranked(
        pole,
        competences,
        kinds=[OrganisationKind.COMPANY],
        size_category__in=["micro", "pme"],
        group_name="",
    )


def _labs(pole, competences):
    return _ranked(pole, competences, kinds=[OrganisationKind.RESEARCH, OrganisationKind.TRAINING])


def _join(project, organisation, coordinator_user, *, message=""):
    """Invite `organisation` and have one of its admins accept: it joins the consortium."""
    from projects import consortium  # noqa: PLC0415

    invitation = consortium.invite_organisation(
        actor=coordinator_user, project=project, organisation=organisation, message=message
    )
    admin = _admin_of(organisation, f"contact@{organisation.slug[:50]}.example")
    consortium.answer_invitation(actor=admin, invitation=invitation, accept=True)
    return project.partners.get(organisation=organisation), admin


def _fill(part, actor, **fields):
    from projects import consortium  # noqa: PLC0415

    part.refresh_from_db()
    return consortium.update_part(actor=actor, partner=part, version=part.version, **fields)


def _label(project, coordinator_user, animator, pole, committee_date):
    from projects import consortium  # noqa: PLC0415

    (request,) = consortium.request_labels(actor=coordinator_user, project=project, poles=[pole])
    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=True,
        committee_date=committee_date,
        comments="Projet cohérent avec la feuille de route du pôle ; précisez le plan "
        "d'industrialisation dans le dossier.",
    )


def _competences(*slugs):
    return list(Competence.objects.filter(slug__in=slugs).order_by("name"))


def seed_projects(rng: random.Random, *, now=None) -> ProjectSeedResult:
    """The open demo call and demo projects; nothing when projects already exist.

    - VISIOCOB, coordinated by Cobotix (entreprise@poles.example) for the open demo call:
      an independent SME partner has filled its part, the demo lab (labo@poles.example) is
      invited and has not answered; no label asked yet. The journey of issue 4 starts here.
    - INSPECTAL, coordinated by another SME, with Cobotix and a lab as partners: labelled
      by Systematic (its animator decided), ready to be submitted.
    - HYDROLOG, published, with the demo lab as partner: labelled and submitted (dossier v1),
      so that its partners' pages list it under « Projets publiés ».
    - CYBERGRID and RADIOSCAN, eligible, labelled and submitted, without Cobotix: dossiers
      for the review (`seed_review_dossiers`), then the funders, reviewers, assignments and
      one submitted review of the call (`seed_review`).
    """
    from funding import dossiers  # noqa: PLC0415
    from projects import consortium  # noqa: PLC0415
    from projects.models import Project  # noqa: PLC0415

    result = ProjectSeedResult()
    if Project.objects.exists():
        return result
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        call, created = ensure_demo_call(now)
        result.calls += int(created)
        company = Organisation.objects.filter(name=DEMO_COMPANY).first()
        lab = Organisation.objects.filter(name=DEMO_LAB).first()
        pole = Pole.objects.filter(slug=DEMO_POLE).first()
        if company is None or lab is None or pole is None:
            return result
        User = get_user_model()
        cobotix_user = User.objects.get(email="entreprise@poles.example")
        lab_user = User.objects.get(email="labo@poles.example")
        animator = User.objects.filter(email="animateur@poles.example").first()
        idf = Region.objects.get(code=ILE_DE_FRANCE)
        taken = {company.pk, lab.pk}

        # 1. VISIOCOB: the project the demo journey starts from.
        search = PartnerSearch.objects.filter(organisation=company).order_by("pk").first()
        competences = _competences(
            "robotique", "intelligence-artificielle", "capteurs", "usinage-decolletage"
        )
        flagship = consortium.create_project(
            actor=cobotix_user,
            coordinator=company,
            competences=competences,
            acronym=FLAGSHIP,
            title="Cobot à vision pour l'inspection des pièces usinées",
            summary=(
                "Une cellule cobotique qui contrôle en ligne l'aspect des pièces usinées par "
                "vision par ordinateur et apprentissage automatique, pour les ateliers de PME. "
                "Le démonstrateur sera installé dans l'atelier d'un partenaire industriel."
            ),
            start_date=today.replace(day=1) + timedelta(days=92),
            duration_months=30,
            call=call,
            partner_search=search,
        )
        _fill(
            flagship.partners.get(organisation=company),
            cobotix_user,
            role="Coordinateur, intégrateur de la cellule",
            work_summary="Conception de la cellule, intégration du cobot et de la caméra, "
            "essais en atelier.",
            rd_region=idf,
            expenses_personnel_eur=650_000,
            expenses_overhead_eur=130_000,
            expenses_equipment_eur=120_000,
            expenses_subcontracting_eur=50_000,
            expenses_other_eur=20_000,
        )
        machining = _pick(_companies(pole, competences), taken, rng)
        if machining is not None:
            part, admin = _join(
                flagship,
                machining,
                cobotix_user,
                message="Votre atelier accueillerait le démonstrateur : rejoignez-nous !",
            )
            _fill(
                part,
                admin,
                role="Utilisateur final, accueil du démonstrateur",
                work_summary="Définition des défauts à détecter, constitution des jeux "
                "d'images, essais en production.",
                rd_region=idf,
                expenses_personnel_eur=380_000,
                expenses_overhead_eur=76_000,
                expenses_equipment_eur=60_000,
            )
        consortium.invite_organisation(
            actor=cobotix_user,
            project=flagship,
            organisation=lab,
            message="Votre équipe en vision par ordinateur nous intéresse pour la détection "
            "des défauts de surface.",
        )
        result.projects += 1

        # 2. INSPECTAL: labelled by Systematic, Cobotix a partner.
        competences = _competences("capteurs", "science-des-donnees", "internet-des-objets")
        coordinator = _pick(_companies(pole, competences), taken, rng)
        partner_lab = _pick(_labs(pole, competences), taken, rng)
        if coordinator is not None and partner_lab is not None and animator is not None:
            boss = _admin_of(coordinator, f"contact@{coordinator.slug[:50]}.example")
            labelled = consortium.create_project(
                actor=boss,
                coordinator=coordinator,
                competences=competences,
                acronym="INSPECTAL",
                title="Inspection connectée des lignes de production",
                summary="Des capteurs sans fil et une plateforme d'analyse pour détecter les "
                "dérives des machines avant la panne.",
                start_date=today.replace(day=1) + timedelta(days=62),
                duration_months=36,
                call=call,
            )
            _fill(labelled.partners.get(organisation=coordinator), boss, rd_region=idf,
                  role="Coordinateur, plateforme logicielle", expenses_personnel_eur=520_000,
                  expenses_overhead_eur=104_000, expenses_equipment_eur=40_000)  # fmt: skip
            part, _admin = _join(labelled, company, boss)
            _fill(part, cobotix_user, rd_region=idf, role="Intégration sur cellule robotisée",
                  expenses_personnel_eur=300_000, expenses_overhead_eur=60_000)  # fmt: skip
            part, admin = _join(labelled, partner_lab, boss)
            _fill(part, admin, rd_region=idf, role="Algorithmes de détection d'anomalies",
                  expenses_personnel_eur=300_000, cost_basis="marginal")  # fmt: skip
            _label(labelled, boss, animator, pole, today - timedelta(days=6))
            result.projects += 1

        # 3. HYDROLOG: published and submitted, the demo lab a partner.
        competences = _competences(
            "science-des-donnees", "intelligence-artificielle", "traitement-eau", "capteurs"
        )
        coordinator = _pick(_companies(pole, competences), taken, rng)
        second = _pick(_companies(pole, competences), taken, rng)
        if coordinator is not None and second is not None and animator is not None:
            boss = _admin_of(coordinator, f"contact@{coordinator.slug[:50]}.example")
            published = consortium.create_project(
                actor=boss,
                coordinator=coordinator,
                competences=competences,
                acronym="HYDROLOG",
                title="Prévision des crues par apprentissage automatique",
                summary="Un service de prévision des crues à l'échelle des petits bassins "
                "versants, nourri par des capteurs à bas coût.",
                start_date=today.replace(day=1) + timedelta(days=45),
                duration_months=24,
                call=call,
                is_published=True,
            )
            _fill(published.partners.get(organisation=coordinator), boss, rd_region=idf,
                  role="Coordinateur, service de prévision", expenses_personnel_eur=560_000,
                  expenses_overhead_eur=112_000)  # fmt: skip
            part, admin = _join(published, second, boss)
            _fill(part, admin, rd_region=idf, role="Capteurs de niveau",
                  expenses_personnel_eur=300_000, expenses_equipment_eur=90_000)  # fmt: skip
            part, _admin = _join(published, lab, boss)
            _fill(part, lab_user, rd_region=idf, role="Modèles hydrologiques",
                  work_summary="Apprentissage des modèles de prévision et validation.",
                  expenses_personnel_eur=320_000, cost_basis="marginal")  # fmt: skip
            _label(published, boss, animator, pole, today - timedelta(days=20))
            dossiers.submit_project(actor=boss, project=published, now=now)
            result.dossiers += 1
            result.projects += 1

        # 4. and 5. Two more submitted dossiers, then the review of the call.
        submitted = seed_review_dossiers(
            rng, call=call, pole=pole, animator=animator, region=idf, taken=taken, now=now
        )
        result.projects += len(submitted)
        result.dossiers += len(submitted)
        result.assignments, result.reviews = seed_review(call)
    return result


# --- The review of the demo call by its funders (issue 5) ------------------------------------
#
# The call is funded by the State, Bpifrance (the seeded funder, whose reviewers work for the
# demo organisation "Bpifrance (démo)") and the Région Île-de-France. financeur@ reviews for
# Bpifrance and is assigned two dossiers; evaluateur@ reviews for the Région and has handed in
# his review of HYDROLOG; gestionnaire@ manages the review for Bpifrance and the Région
# (assigns, ranks, decides, releases). Assignments and the review go through
# `funding.review`, like everything else.

MANAGER_EMAIL = "gestionnaire@poles.example"
REVIEWER_EMAIL = "financeur@poles.example"
REGION_REVIEWER_EMAIL = "evaluateur@poles.example"
DEMO_FUNDER = "Bpifrance (démo)"
DEMO_REGION = "Région Île-de-France (démo)"
DEMO_SCORES = (4, 4, 3, 4, 3)  # evaluateur@'s scores, criterion by criterion (0–5)
REVIEW_PROJECTS = (
    {
        "acronym": "CYBERGRID",
        "title": "Détection d'intrusions sur les réseaux électriques intelligents",
        "summary": "Une sonde qui apprend le comportement normal des postes électriques "
        "numériques et signale en temps réel les commandes suspectes, validée sur le réseau "
        "pilote d'un distributeur.",
        "competences": ("cybersecurite", "reseaux-intelligents", "intelligence-artificielle"),
        "duration_months": 30,
        "roles": (
            "Coordinateur, sonde de détection",
            "Intégration sur les équipements du poste électrique",
            "Modèles de détection d'anomalies",
        ),
        "labelled_days_ago": 12,
    },
    {
        "acronym": "RADIOSCAN",
        "title": "Aide au diagnostic en imagerie médicale par apprentissage profond",
        "summary": "Un logiciel qui repère les lésions suspectes sur les scanners thoraciques "
        "et les présente au radiologue, évalué avec deux services hospitaliers.",
        "competences": ("imagerie-medicale", "intelligence-artificielle", "dispositifs-medicaux"),
        "duration_months": 36,
        "roles": (
            "Coordinateur, logiciel d'aide au diagnostic",
            "Marquage CE et industrialisation",
            "Réseaux de neurones et validation clinique",
        ),
        "labelled_days_ago": 9,
    },
)


def seed_review_dossiers(rng, *, call, pole, animator, region, taken: set, now) -> list:
    """CYBERGRID and RADIOSCAN: two independent SMEs and a lab each, R&D in Île-de-France,
    labelled by Systematic and submitted (eligible). Organisations in `taken` (Cobotix and the
    demo lab among them) are left out. A project already there is skipped."""
    from funding import dossiers  # noqa: PLC0415
    from projects import consortium  # noqa: PLC0415
    from projects.models import Project  # noqa: PLC0415

    today = timezone.localdate(now)
    submitted = []
    for spec in REVIEW_PROJECTS:
        if animator is None or Project.objects.filter(acronym=spec["acronym"]).exists():
            continue
        competences = _competences(*spec["competences"])
        coordinator = _pick(_companies(pole, competences), taken, rng)
        second = _pick(_companies(pole, competences), taken, rng)
        partner_lab = _pick(_labs(pole, competences), taken, rng)
        if coordinator is None or second is None or partner_lab is None:
            continue
        boss = _admin_of(coordinator, f"contact@{coordinator.slug[:50]}.example")
        project = consortium.create_project(
            actor=boss,
            coordinator=coordinator,
            competences=competences,
            acronym=spec["acronym"],
            title=spec["title"],
            summary=spec["summary"],
            start_date=today.replace(day=1) + timedelta(days=75),
            duration_months=spec["duration_months"],
            call=call,
        )
        coordinator_role, company_role, lab_role = spec["roles"]
        _fill(project.partners.get(organisation=coordinator), boss, rd_region=region,
              role=coordinator_role, expenses_personnel_eur=600_000,
              expenses_overhead_eur=120_000, expenses_equipment_eur=80_000)  # fmt: skip
        part, admin = _join(project, second, boss)
        _fill(part, admin, rd_region=region, role=company_role,
              expenses_personnel_eur=400_000, expenses_overhead_eur=80_000)  # fmt: skip
        part, admin = _join(project, partner_lab, boss)
        _fill(part, admin, rd_region=region, role=lab_role, expenses_personnel_eur=350_000,
              cost_basis="marginal")  # fmt: skip
        _label(project, boss, animator, pole, today - timedelta(days=spec["labelled_days_ago"]))
        dossiers.submit_project(actor=boss, project=project, now=now)
        submitted.append(project)
    return submitted


def _demo_funders(call):
    """The State, Bpifrance (linked to its demo organisation) and the Région Île-de-France,
    made funders of `call`; returns (bpifrance, region)."""
    from funding.models import Funder, FunderKind  # noqa: PLC0415

    state, _created = Funder.objects.get_or_create(
        slug="etat-fui",
        defaults={"name": "État — Fonds unique interministériel", "kind": FunderKind.STATE},
    )
    bpifrance, _created = Funder.objects.get_or_create(
        slug="bpifrance", defaults={"name": "Bpifrance", "kind": FunderKind.BPIFRANCE}
    )
    organisation = Organisation.objects.filter(name=DEMO_FUNDER).first()
    if bpifrance.organisation_id is None and organisation is not None:
        bpifrance.organisation = organisation
        bpifrance.save(update_fields=["organisation"])
    region = Funder.objects.filter(kind=FunderKind.REGION, region_id=ILE_DE_FRANCE).first()
    if region is None:
        region = Funder(
            name="Région Île-de-France",
            slug="region-ile-de-france",
            kind=FunderKind.REGION,
            region_id=ILE_DE_FRANCE,
            organisation=Organisation.objects.filter(name=DEMO_REGION).first(),
        )
        region.full_clean()
        region.save()
    call.funders.add(state, bpifrance, region)
    return bpifrance, region


def seed_review(call) -> tuple[int, int]:
    """The funders of the demo call, their demo people, assignments and one submitted review.

    Returns (assignments, submitted reviews); nothing is done when the call already has
    assignments or the demo funder accounts are missing.
    """
    from funding import review  # noqa: PLC0415
    from funding.models import Assignment, FunderMember, FunderRole  # noqa: PLC0415
    from projects.models import Project  # noqa: PLC0415

    if Assignment.objects.filter(call=call).exists():
        return 0, 0
    emails = (MANAGER_EMAIL, REVIEWER_EMAIL, REGION_REVIEWER_EMAIL)
    people = {user.email: user for user in get_user_model().objects.filter(email__in=emails)}
    if len(people) < len(emails):
        return 0, 0
    bpifrance, region = _demo_funders(call)
    for funder, email, role in (
        (bpifrance, MANAGER_EMAIL, FunderRole.MANAGER),
        (region, MANAGER_EMAIL, FunderRole.MANAGER),
        (bpifrance, REVIEWER_EMAIL, FunderRole.REVIEWER),
        (region, REGION_REVIEWER_EMAIL, FunderRole.REVIEWER),
    ):
        member, _created = FunderMember.objects.get_or_create(
            funder=funder, user=people[email], defaults={"role": role}
        )
        if member.role != role:
            member.role = role
            member.save(update_fields=["role"])
    submitted = {
        project.acronym: project
        for project in Project.objects.filter(call=call, dossiers__isnull=False).distinct()
    }
    manager = people[MANAGER_EMAIL]
    assignments = reviews = 0
    # financeur@ has two dossiers to score, HYDROLOG and CYBERGRID (or the first two there).
    ranked = sorted(submitted, key=lambda acronym: (acronym != "HYDROLOG", acronym))
    for acronym in ranked[:2]:
        review.assign_reviewer(
            actor=manager,
            project=submitted[acronym],
            call=call,
            reviewer=people[REVIEWER_EMAIL],
            funder=bpifrance,
        )
        assignments += 1
    # evaluateur@ has handed in his review of HYDROLOG for the Région.
    if ranked:
        assignment = review.assign_reviewer(
            actor=manager,
            project=submitted[ranked[0]],
            call=call,
            reviewer=people[REGION_REVIEWER_EMAIL],
            funder=region,
        )
        assignments += 1
        criteria = list(call.criteria.order_by("position", "pk"))
        review.save_review(
            actor=people[REGION_REVIEWER_EMAIL],
            assignment=assignment,
            scores={
                criterion.pk: DEMO_SCORES[index % len(DEMO_SCORES)]
                for index, criterion in enumerate(criteria)
            },
            comment_committee="Consortium solide et complémentaire ; le marché des collectivités "
            "est crédible mais le plan de déploiement reste à préciser. Avis favorable.",
            comment_applicants="Projet convaincant. Précisez le modèle économique auprès des "
            "collectivités et le calendrier de déploiement des capteurs.",
            submit=True,
        )
        reviews += 1
    return assignments, reviews


def add_review_demo(rng: random.Random, *, now=None) -> ProjectSeedResult:
    """On a demo database made before the review existed (its three projects there): the two
    more submitted dossiers, then the funders, reviewers, assignments and review."""
    from projects.models import ProjectPartner  # noqa: PLC0415

    result = ProjectSeedResult()
    call, created = ensure_demo_call(now)
    result.calls += int(created)
    pole = Pole.objects.filter(slug=DEMO_POLE).first()
    animator = get_user_model().objects.filter(email="animateur@poles.example").first()
    if pole is None:
        return result
    taken = set(ProjectPartner.objects.values_list("organisation_id", flat=True))
    taken |= set(
        Organisation.objects.filter(name__in=[DEMO_COMPANY, DEMO_LAB]).values_list("pk", flat=True)
    )
    with transaction.atomic():
        submitted = seed_review_dossiers(
            rng,
            call=call,
            pole=pole,
            animator=animator,
            region=Region.objects.get(code=ILE_DE_FRANCE),
            taken=taken,
            now=now or timezone.now(),
        )
        result.projects = result.dossiers = len(submitted)
        result.assignments, result.reviews = seed_review(call)
    return result
