"""Demo data: events and registrations

About a dozen events across a few pôles, past and upcoming, of every kind. For the demo pôle
(Systematic, animated by animateur@poles.example):
- an upcoming rendez-vous d'affaires with a meetings window (14:00–17:30 Paris, 20-minute
  meetings, 6 tables) and 12 confirmed participants who say what they offer and seek,
  among them entreprise@poles.example (Cobotix) and labo@poles.example (the demo lab);
- a small members-only workshop, full, with 2 people on the waiting list (labo@ first);
- past events with check-ins (attendance figures for the dashboards);
- an unpublished draft the animator can preview.

Rows are written directly (the registration service refuses past events by design); the
statuses, queue order and check-ins are those the service would have produced. No mail.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Affiliation, MembershipStatus, OrganisationKind
from poles.models import Event, EventKind, Pole, Registration, RegistrationStatus

PARIS = ZoneInfo("Europe/Paris")
DEMO_POLE = "systematic"
DEMO_COMPANY_EMAIL = "entreprise@poles.example"
DEMO_LAB_EMAIL = "labo@poles.example"
ANIMATOR_EMAIL = "animateur@poles.example"

OFFERS = {
    OrganisationKind.COMPANY: [
        "Intégration de capteurs et d'électronique embarquée pour l'industrie.",
        "Plateforme logicielle de maintenance prédictive, déployée chez 40 clients.",
        "Prototypage rapide et petites séries en fabrication additive.",
        "Solutions de vision par ordinateur pour le contrôle qualité.",
        "Cybersécurité des systèmes industriels : audits et supervision.",
    ],
    OrganisationKind.RESEARCH: [
        "Algorithmes d'apprentissage frugal et IA de confiance.",
        "Bancs d'essai et caractérisation de matériaux.",
        "Modélisation et simulation numérique haute performance.",
    ],
}
SEEKING = [
    "Un partenaire industriel pour un démonstrateur en conditions réelles.",
    "Un laboratoire pour un projet collaboratif (appel i-Démo).",
    "Des PME utilisatrices pour tester notre prototype.",
    "Des investisseurs pour une levée de fonds d'amorçage.",
    "Un intégrateur pour distribuer notre solution en Europe.",
]


def _at(now: datetime, days: int, hour: int, minute: int = 0) -> datetime:
    """`days` after today (Paris), at hour:minute Paris time; a weekend day moves to the
    nearest working day away from today (Monday ahead, Friday in the past)."""
    day: date = timezone.localdate(now, PARIS) + timedelta(days=days)
    if day.weekday() >= 5:
        day += (
            timedelta(days=7 - day.weekday()) if days >= 0 else -timedelta(days=day.weekday() - 4)
        )
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _people(pole: Pole) -> list[Affiliation]:
    """One affiliation per person working for an active member of `pole`, by e-mail."""
    seen, people = set(), []
    affiliations = (
        Affiliation.objects.filter(
            organisation__memberships__pole=pole,
            organisation__memberships__status=MembershipStatus.ACTIVE,
        )
        .select_related("user", "organisation")
        .order_by("user__email")
    )
    for affiliation in affiliations:
        if affiliation.user_id not in seen:
            seen.add(affiliation.user_id)
            people.append(affiliation)
    return people


class _Seeder:
    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now = rng, now
        self.animator = get_user_model().objects.filter(email=ANIMATOR_EMAIL).first()
        self.events = self.registrations = self.check_ins = 0

    def event(self, pole: Pole, **fields) -> Event:
        fields.setdefault("region_id", pole.main_region_id)
        fields.setdefault("is_published", True)
        event = Event(pole=pole, created_by=self.animator, **fields)
        event.full_clean()
        event.save()
        self.events += 1
        return event

    def register(self, event: Event, affiliation: Affiliation, *, status, queued_at, **extra):
        Registration.objects.create(
            event=event,
            user=affiliation.user,
            organisation=affiliation.organisation,
            status=status,
            queued_at=queued_at,
            **extra,
        )
        self.registrations += 1
        if extra.get("checked_in_at"):
            self.check_ins += 1

    def fill(self, event: Event, people, count: int, *, attendance: float | None = None):
        """`count` confirmed people (and, for a past event, `attendance` of them present)."""
        chosen = self.rng.sample(people, min(count, len(people)))
        opened = event.starts_at - timedelta(days=30)
        for index, affiliation in enumerate(chosen):
            queued_at = opened + timedelta(hours=7 * index + self.rng.randint(0, 6))
            extra = {}
            if attendance is not None and self.rng.random() < attendance:
                extra = {
                    "checked_in_at": event.starts_at + timedelta(minutes=self.rng.randint(-20, 25)),
                    "checked_in_by": self.animator,
                }
            self.register(
                event,
                affiliation,
                status=RegistrationStatus.CONFIRMED,
                queued_at=queued_at,
                **extra,
            )
        return chosen


def seed_events(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo events and registrations.

    Returns what was made, as label → count (printed by seed_demo).
    """
    poles = {pole.slug: pole for pole in Pole.objects.filter(slug__in=_POLES)}
    if DEMO_POLE not in poles:
        return {}
    seeder = _Seeder(rng, now)
    systematic = poles[DEMO_POLE]
    members = _people(systematic)
    by_email = {a.user.email: a for a in members}
    others = [a for a in members if a.user.email not in (DEMO_COMPANY_EMAIL, DEMO_LAB_EMAIL)]

    # 1. The business meetings: 12 participants, the demo company and lab among them.
    meetings_day = 24
    business = seeder.event(
        systematic,
        slug="rdv-affaires-ia-confiance",
        title="Rendez-vous d'affaires : IA de confiance et industrie",
        kind=EventKind.BUSINESS_MEETINGS,
        summary="Une journée de rencontres entre PME, grands groupes et laboratoires autour "
        "de l'IA de confiance appliquée à l'industrie.",
        description="9:30 — Accueil et plénière : les besoins des industriels.\n"
        "11:00 — Pitchs des laboratoires et des start-up.\n"
        "14:00 – 17:30 — Rendez-vous d'affaires de 20 minutes, planifiés à l'avance.\n\n"
        "Inscrivez-vous, dites ce que vous proposez et ce que vous cherchez, puis demandez "
        "vos rendez-vous aux autres participants.",
        starts_at=_at(now, meetings_day, 9, 30),
        ends_at=_at(now, meetings_day, 18, 0),
        venue="Campus Paris-Saclay — Bâtiment Eiffel",
        address="8-10, rue Joliot-Curie",
        city="Gif-sur-Yvette",
        capacity=80,
        member_price_eur=None,
        non_member_price_eur=Decimal("90"),
        registration_closes_at=_at(now, meetings_day - 3, 18, 0),
        meetings_starts_at=_at(now, meetings_day, 14, 0),
        meetings_ends_at=_at(now, meetings_day, 17, 30),
        meeting_minutes=20,
        meeting_tables=6,
    )
    participants = [by_email[e] for e in (DEMO_COMPANY_EMAIL, DEMO_LAB_EMAIL) if e in by_email]
    participants += rng.sample(others, min(12 - len(participants), len(others)))
    for index, affiliation in enumerate(participants):
        kind = affiliation.organisation.kind
        offers = OFFERS.get(kind, OFFERS[OrganisationKind.COMPANY])
        seeder.register(
            business,
            affiliation,
            status=RegistrationStatus.CONFIRMED,
            queued_at=now - timedelta(days=12, hours=-5 * index),
            offer=f"{affiliation.organisation.name} : {rng.choice(offers)}",
            seeking=rng.choice(SEEKING),
        )

    # 2. A small workshop, full, with two people waiting (the demo lab first).
    workshop = seeder.event(
        systematic,
        slug="atelier-montage-projets-europeens",
        title="Atelier : monter un projet européen Horizon Europe",
        kind=EventKind.WORKSHOP,
        summary="Trois heures en petit groupe pour structurer votre consortium et votre budget.",
        description="Atelier pratique animé par la cellule Europe du pôle. Venez avec votre "
        "idée de projet : nous travaillons sur vos cas.",
        starts_at=_at(now, 10, 9, 30),
        ends_at=_at(now, 10, 12, 30),
        venue="Systematic Paris-Region",
        address="8, avenue de la Vauve",
        city="Palaiseau",
        capacity=6,
        members_only=True,
        member_price_eur=Decimal("0"),
    )
    company_first = [by_email[DEMO_COMPANY_EMAIL]] if DEMO_COMPANY_EMAIL in by_email else []
    free = [a for a in others if a not in participants]
    seated = company_first + rng.sample(free, min(6 - len(company_first), len(free)))
    for index, affiliation in enumerate(seated):
        seeder.register(
            workshop,
            affiliation,
            status=RegistrationStatus.CONFIRMED,
            queued_at=now - timedelta(days=9, hours=-index),
        )
    waiting = [by_email[DEMO_LAB_EMAIL]] if DEMO_LAB_EMAIL in by_email else []
    waiting += [a for a in others if a not in seated and a not in participants][: 2 - len(waiting)]
    for index, affiliation in enumerate(waiting):
        seeder.register(
            workshop,
            affiliation,
            status=RegistrationStatus.WAITING,
            queued_at=now - timedelta(days=2, hours=-index),
        )

    # 3. Upcoming events of the demo pôle: a webinar, a training, a draft.
    webinar = seeder.event(
        systematic,
        slug="webinaire-financer-innovation",
        title="Webinaire : financer son innovation en 2026",
        kind=EventKind.WEBINAR,
        summary="Les aides de Bpifrance, de la Région et de l'Europe, et comment les combiner.",
        starts_at=_at(now, 6, 11, 0),
        ends_at=_at(now, 6, 12, 0),
        online_url="https://visio.systematic-demo.example/financer-innovation",
        capacity=None,
    )
    seeder.fill(webinar, members, 9)
    training = seeder.event(
        systematic,
        slug="formation-propriete-industrielle",
        title="Formation : protéger et valoriser sa propriété industrielle",
        kind=EventKind.TRAINING,
        summary="Brevets, logiciels, secret des affaires : une journée pour les dirigeants.",
        starts_at=_at(now, 38, 9, 0),
        ends_at=_at(now, 38, 17, 30),
        venue="Systematic Paris-Region",
        address="8, avenue de la Vauve",
        city="Palaiseau",
        capacity=20,
        members_only=True,
        member_price_eur=Decimal("250"),
        non_member_price_eur=Decimal("450"),
    )
    seeder.fill(training, members, 7)
    seeder.event(
        systematic,
        slug="atelier-cybersecurite-brouillon",
        title="Atelier : cybersécurité des PME industrielles",
        kind=EventKind.WORKSHOP,
        summary="Brouillon : programme en cours de préparation.",
        starts_at=_at(now, 52, 14, 0),
        ends_at=_at(now, 52, 17, 0),
        city="Paris",
        capacity=30,
        is_published=False,
    )

    # 4. Past events of the demo pôle, with their attendance.
    conference = seeder.event(
        systematic,
        slug="convention-annuelle-systematic",
        title="Convention annuelle de l'écosystème deep tech",
        kind=EventKind.CONFERENCE,
        summary="Tables rondes, remise des prix de l'innovation et village des start-up.",
        starts_at=_at(now, -75, 9, 0),
        ends_at=_at(now, -75, 18, 0),
        venue="Palais des congrès",
        city="Paris",
        capacity=300,
        member_price_eur=Decimal("0"),
        non_member_price_eur=Decimal("150"),
    )
    seeder.fill(conference, members, 40, attendance=0.8)
    past_workshop = seeder.event(
        systematic,
        slug="atelier-jumeaux-numeriques",
        title="Atelier : jumeaux numériques pour l'usine",
        kind=EventKind.WORKSHOP,
        starts_at=_at(now, -140, 14, 0),
        ends_at=_at(now, -140, 17, 0),
        city="Palaiseau",
        capacity=25,
        members_only=True,
    )
    seeder.fill(past_workshop, members, 18, attendance=0.75)

    # 5. Other pôles: a few events each, past and upcoming.
    for slug, specs in _OTHER_EVENTS.items():
        pole = poles.get(slug)
        if pole is None:
            continue
        people = _people(pole)
        for spec in specs:
            spec = dict(spec)
            days, hours = spec.pop("days"), spec.pop("hours")
            count = spec.pop("count")
            event = seeder.event(
                pole,
                starts_at=_at(now, days, hours[0]),
                ends_at=_at(now, days, hours[1]),
                **spec,
            )
            seeder.fill(event, people, count, attendance=0.7 if days < 0 else None)

    return {
        "events": seeder.events,
        "event registrations": seeder.registrations,
        "event check-ins": seeder.check_ins,
    }


_OTHER_EVENTS = {
    "aerospace-valley": [
        {
            "slug": "conference-aeronautique-decarbonee",
            "title": "Conférence : vers une aviation décarbonée",
            "kind": EventKind.CONFERENCE,
            "summary": "Hydrogène, carburants durables, allègement : où en est la filière ?",
            "venue": "Cité de l'espace",
            "city": "Toulouse",
            "capacity": 150,
            "non_member_price_eur": Decimal("80"),
            "days": 30,
            "hours": (9, 17),
            "count": 12,
        },
        {
            "slug": "atelier-composites-recyclables",
            "title": "Atelier : composites recyclables",
            "kind": EventKind.WORKSHOP,
            "city": "Bordeaux",
            "capacity": 30,
            "members_only": True,
            "days": -45,
            "hours": (14, 17),
            "count": 15,
        },
    ],
    "minalogic": [
        {
            "slug": "webinaire-semi-conducteurs",
            "title": "Webinaire : la stratégie européenne des semi-conducteurs",
            "kind": EventKind.WEBINAR,
            "online_url": "https://visio.minalogic-demo.example/chips-act",
            "days": 14,
            "hours": (10, 11),
            "count": 6,
        },
        {
            "slug": "formation-cao-electronique",
            "title": "Formation : conception électronique basse consommation",
            "kind": EventKind.TRAINING,
            "city": "Grenoble",
            "capacity": 12,
            "member_price_eur": Decimal("400"),
            "non_member_price_eur": Decimal("650"),
            "days": -30,
            "hours": (9, 17),
            "count": 10,
        },
    ],
    "cap-digital": [
        {
            "slug": "atelier-donnees-culturelles",
            "title": "Atelier : valoriser les données culturelles",
            "kind": EventKind.WORKSHOP,
            "city": "Paris",
            "capacity": 40,
            "days": 19,
            "hours": (14, 18),
            "count": 8,
        },
    ],
    "lyonbiopole": [
        {
            "slug": "rencontres-sante-numerique",
            "title": "Rencontres santé et numérique",
            "kind": EventKind.CONFERENCE,
            "city": "Lyon",
            "capacity": 200,
            "non_member_price_eur": Decimal("60"),
            "days": -90,
            "hours": (9, 18),
            "count": 20,
        },
    ],
}
_POLES = [DEMO_POLE, *_OTHER_EVENTS]
