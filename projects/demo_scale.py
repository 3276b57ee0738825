"""Generated projects in bulk, to measure the portal at the size of the whole network.

`seed_demo --projects N` calls `seed_bulk_projects` after the demo projects: N projects of the
generated organisations (never the demo accounts'), each coordinated by a company with two to
five partners (companies, labs, training bodies), their parts of the budget filled, and the
label requests their status implies (asked, or granted by a committee). They stop before the
call: a project that is submitted or funded carries a frozen dossier, which only the services
make (the demo projects show those). Rows are checked field by field and inserted with
`bulk_create`, as the generated organisations are, so that 20 000 projects take seconds.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from members.models import Affiliation, Membership, MembershipStatus, Organisation
from members.models import OrganisationKind as Kind
from projects.models import (
    CostBasis,
    LabelRequest,
    LabelStatus,
    Project,
    ProjectPartner,
    ProjectStatus,
)

STATUS_WEIGHTS = [
    (ProjectStatus.IDEA, 25),
    (ProjectStatus.CONSORTIUM, 35),
    (ProjectStatus.LABELLING, 15),
    (ProjectStatus.LABELLED, 15),
    (ProjectStatus.WITHDRAWN, 10),
]
PUBLISHED_CHANCE = 0.3
SYLLABLES = ("NO", "VA", "TEK", "BIO", "LUX", "HY", "DRO", "CO", "RA", "MI", "SYN", "OP", "TI")
SUBJECTS = (
    "Capteurs sans fil",
    "Jumeau numérique",
    "Matériaux composites recyclables",
    "Hydrogène vert",
    "Diagnostic rapide",
    "Robotique collaborative",
    "Stockage d'énergie",
    "Vision par ordinateur",
    "Agriculture de précision",
    "Cybersécurité industrielle",
    "Fabrication additive",
    "Logistique urbaine",
)
PURPOSES = (
    "pour la maintenance prédictive des lignes de production",
    "pour les réseaux de chaleur",
    "pour le suivi des patients à domicile",
    "pour l'inspection des ouvrages d'art",
    "pour l'industrie agroalimentaire",
    "pour les véhicules utilitaires électriques",
    "pour les petites séries aéronautiques",
    "pour les bâtiments tertiaires",
)
ROLES = ("coordination et intégration", "essais", "algorithmes", "prototype", "industrialisation")


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed_bulk_projects(rng: random.Random, count: int) -> dict[str, int]:
    """Add `count` generated projects; returns label → count for seed_demo to print."""
    demo_organisations = set(
        Affiliation.objects.filter(user__email__endswith="@poles.example").values_list(
            "organisation_id", flat=True
        )
    )
    rows = Organisation.objects.exclude(pk__in=demo_organisations).values_list(
        "pk", "kind", "region_id"
    )
    companies, others, region_of = [], [], {}
    for pk, kind, region in rows.order_by("pk"):
        region_of[pk] = region
        if kind == Kind.COMPANY:
            companies.append(pk)
        elif kind in (Kind.RESEARCH, Kind.TRAINING, Kind.RTO):
            others.append(pk)
    if not companies:
        return {}
    company_set = set(companies)
    main_pole: dict[int, int] = {}
    for organisation, pole in (
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "pole_id")
    ):
        main_pole.setdefault(organisation, pole)

    today = timezone.localdate()
    projects, parts, labels = [], [], []
    for _number in range(count):
        coordinator = rng.choice(companies)
        partners = [coordinator]
        for _slot in range(rng.randint(1, 4)):
            pool = others if others and rng.random() < 0.45 else companies
            candidate = rng.choice(pool)
            if candidate not in partners:
                partners.append(candidate)
        status = _weighted(rng, STATUS_WEIGHTS)
        acronym = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        subject = rng.choice(SUBJECTS)
        project = Project(
            acronym=acronym[:30],
            title=f"{subject} {rng.choice(PURPOSES)}",
            summary=(
                f"{subject} : un consortium de {len(partners)} partenaires développe et "
                "teste un démonstrateur avant une mise sur le marché."
            ),
            coordinator_id=coordinator,
            status=status,
            is_published=rng.random() < PUBLISHED_CHANCE,
            start_date=date(today.year + 1, rng.choice((1, 4, 9)), 1),
            duration_months=rng.choice((24, 30, 36, 42)),
        )
        project.clean_fields(exclude=["coordinator", "call", "created_by"])
        projects.append(project)
        for index, organisation in enumerate(partners):
            personnel = rng.randrange(80_000, 900_000, 1_000)
            parts.append(
                ProjectPartner(
                    project=project,
                    organisation_id=organisation,
                    role=ROLES[0] if index == 0 else rng.choice(ROLES[1:]),
                    rd_region_id=region_of[organisation],
                    expenses_personnel_eur=personnel,
                    expenses_overhead_eur=personnel * 2 // 5,
                    expenses_equipment_eur=rng.randrange(0, 200_000, 1_000),
                    cost_basis="" if organisation in company_set else CostBasis.MARGINAL,
                )
            )
        pole = main_pole.get(coordinator)
        if pole and status in (ProjectStatus.LABELLING, ProjectStatus.LABELLED):
            granted = status == ProjectStatus.LABELLED
            committee = today - timedelta(days=rng.randint(10, 200)) if granted else None
            labels.append(
                LabelRequest(
                    project=project,
                    pole_id=pole,
                    status=LabelStatus.LABELLED if granted else LabelStatus.REQUESTED,
                    committee_date=committee,
                    decided_at=(
                        timezone.make_aware(datetime.combine(committee, time(17)))
                        if committee
                        else None
                    ),
                )
            )
    Project.objects.bulk_create(projects, batch_size=2000)
    ProjectPartner.objects.bulk_create(parts, batch_size=2000)
    LabelRequest.objects.bulk_create(labels, batch_size=2000)
    return {
        "projects": len(projects),
        "partners": len(parts),
        "label requests": len(labels),
        "published": sum(1 for project in projects if project.is_published),
        "labelled": sum(1 for label in labels if label.status == LabelStatus.LABELLED),
    }
