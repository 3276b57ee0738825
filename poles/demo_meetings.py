"""Demo data: business meetings at the upcoming rendez-vous d'affaires of pôle Systematic.

Acts through the services (requests, accepts: the scheduler places every accepted meeting),
so that the demo looks exactly like a session run on the portal. entreprise@poles.example
has a request to answer, an accepted meeting (with labo@poles.example) and a request sent.
"""

import random
from datetime import datetime

from django.db.models import Q

from poles import meetings
from poles.models import Event, EventKind, Meeting, MeetingStatus, Registration, RegistrationStatus

DEMO_POLE = "systematic"
COMPANY_EMAIL = "entreprise@poles.example"
LAB_EMAIL = "labo@poles.example"

OFFERS = {
    "company": (
        "Une plateforme logicielle de jumeau numérique déjà déployée chez deux industriels.",
        "Des capteurs embarqués et leur intégration sur banc d'essai.",
        "Un savoir-faire en cybersécurité des systèmes industriels.",
    ),
    "research": (
        "Une équipe en apprentissage automatique frugal et ses jeux de données.",
        "Des moyens de calcul et une expertise en vérification formelle.",
    ),
    "other": ("Un accompagnement au montage de projets et au financement.",),
}
SEEKINGS = (
    "Un partenaire industriel pour un démonstrateur en 2027.",
    "Un laboratoire pour un projet collaboratif FUI ou ANR.",
    "Des premiers clients pilotes dans l'énergie ou la mobilité.",
    "Une PME intégratrice pour industrialiser un prototype.",
)


def _demo_event(now: datetime) -> Event | None:
    return (
        Event.objects.filter(
            pole__slug=DEMO_POLE,
            kind=EventKind.BUSINESS_MEETINGS,
            is_cancelled=False,
            meetings_starts_at__gt=now,
            meetings_ends_at__isnull=False,
        )
        .order_by("meetings_starts_at", "pk")
        .first()
    )


def _fill_profile(rng: random.Random, registration: Registration) -> None:
    if registration.offer and registration.seeking:
        return
    kind = registration.organisation.kind if registration.organisation else "other"
    registration.offer = registration.offer or rng.choice(OFFERS.get(kind, OFFERS["other"]))
    registration.seeking = registration.seeking or rng.choice(SEEKINGS)
    registration.save(update_fields=["offer", "seeking"])


def _ask(requester, recipient, message=""):
    try:
        return meetings.request_meeting(
            actor=requester.user, requester=requester, recipient=recipient, message=message
        )
    except meetings.MeetingError:
        return None


def _accept(meeting):
    if meeting is None:
        return None
    try:
        return meetings.accept_meeting(actor=meeting.recipient.user, meeting=meeting)
    except meetings.MeetingError:
        return None


def seed_meetings(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo business meetings. Returns what was made, as label → count (printed by
    seed_demo); {} when there is no upcoming rendez-vous d'affaires of Systematic."""
    event = _demo_event(now)
    if event is None:
        return {}
    registrations = list(
        Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED, meetings_opt_in=True
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )
    if len(registrations) < 4:
        return {}
    for registration in registrations:
        _fill_profile(rng, registration)
    by_email = {registration.user.email: registration for registration in registrations}
    company, lab = by_email.get(COMPANY_EMAIL), by_email.get(LAB_EMAIL)
    others = [
        r
        for r in registrations
        if r not in (company, lab)
        and (company is None or r.organisation_id != company.organisation_id)
    ]
    rng.shuffle(others)

    if company is not None:
        partner = lab or others.pop()
        _accept(
            _ask(
                partner,
                company,
                "Vos capteurs nous intéressent pour le démonstrateur de notre projet.",
            )
        )
        if others:
            _ask(others.pop(), company, "Pouvons-nous parler d'un projet commun ?")
        if others:
            _ask(company, others.pop(), "Nous cherchons un partenaire pour industrialiser.")
    # The others meet each other: two requests each, two out of three accepted.
    for index, requester in enumerate(others):
        for recipient in rng.sample(others, k=min(2, len(others))):
            if recipient.organisation_id == requester.organisation_id:
                continue  # colleagues (or oneself) meet without the portal
            meeting = _ask(requester, recipient)
            if meeting is not None and (index + recipient.pk) % 3:
                _accept(meeting)

    counts = Meeting.objects.filter(event=event).filter(
        Q(status=MeetingStatus.ACCEPTED) | Q(status=MeetingStatus.PENDING)
    )
    return {
        "business meetings accepted": counts.filter(status=MeetingStatus.ACCEPTED).count(),
        "meeting requests pending": counts.filter(status=MeetingStatus.PENDING).count(),
    }
