"""Permission-matrix rows for the business-meetings pages (`meetings:*`).

The matrix's objects are made on first use, once per world: "Rendez-vous Alpha", a
rendez-vous d'affaires of Pôle Alpha with a meetings session, where `member` (for the company)
and `lab_member` (for the lab) have confirmed seats, with two other participants, Théo Tiers
and Zoé Quatre. Théo asked `member` for a meeting (pending); `member` asked `lab_member`
(pending).

Who: the confirmed participants see the participants, their agenda, its .ics and their
preferences; the staff of Pôle Alpha (`animator`) and superusers see the participants only
(they have no seat, hence no agenda). Everyone else signed in gets 404; anonymous people are
sent to sign in.
"""

from django.urls import reverse

from poles import meetings
from tests.factories import (
    AffiliationFactory,
    BusinessMeetingsEventFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.matrix import Case, LoginRedirect, NotAllowed, NotFound, RedirectsTo, Shows, everyone

EVENT_SLUG = "rendez-vous-alpha"
THIRD = "Théo Tiers"
THIRD_ORGANISATION = "Tiers Industrie"
PARTICIPANTS = ("member", "lab_member")
SEES_PARTICIPANTS = ("member", "lab_member", "animator", "admin")


def _seat(event, user, organisation, **fields):
    return RegistrationFactory(event=event, user=user, organisation=organisation, **fields)


def _outsider_seat(event, first_name, last_name, organisation_name):
    organisation = OrganisationFactory(name=organisation_name)
    user = UserFactory(first_name=first_name, last_name=last_name)
    AffiliationFactory(user=user, organisation=organisation)
    return _seat(event, user, organisation, offer="Des essais en conditions réelles")


def _lab_person(w):
    """`lab_member` when the test made the persona, else a stand-in with the same address."""
    affiliation = w.lab.affiliations.filter(user__email="lab@example.org").first()
    if affiliation is not None:
        return affiliation.user
    user = UserFactory(email="lab@example.org", first_name="Léa", last_name="Chercheuse")
    AffiliationFactory(user=user, organisation=w.lab)
    return user


def _meetings(w):
    if not hasattr(w, "meetings"):
        event = BusinessMeetingsEventFactory(
            pole=w.pole, slug=EVENT_SLUG, title="Rendez-vous Alpha"
        )
        member = w.company.affiliations.get(user__email="member@example.org").user
        lab_member = _lab_person(w)
        member_seat = _seat(event, member, w.company, offer="Des systèmes embarqués")
        lab_seat = _seat(event, lab_member, w.lab, offer="Des matériaux composites")
        third = _outsider_seat(event, "Théo", "Tiers", THIRD_ORGANISATION)
        fourth = _outsider_seat(event, "Zoé", "Quatre", "Quatre Conseil")
        incoming = meetings.request_meeting(
            actor=third.user, requester=third, recipient=member_seat
        )
        sent = meetings.request_meeting(actor=member, requester=member_seat, recipient=lab_seat)
        w.meetings = {
            "event": event,
            "seats": {"member": member_seat, "lab_member": lab_seat},
            "fourth": fourth,
            "incoming": incoming,
            "sent": sent,
        }
    return w.meetings


def _event_kwargs(w):
    _meetings(w)
    return {"slug": EVENT_SLUG}


def _participants_url(w):
    return reverse("meetings:participants", kwargs={"slug": EVENT_SLUG})


def _agenda_url(w):
    return reverse("meetings:agenda", kwargs={"slug": EVENT_SLUG})


def _only(allowed: tuple[str, ...], shown) -> dict:
    return {
        **everyone(NotFound(THIRD)),
        "anonymous": LoginRedirect(),
        **dict.fromkeys(allowed, shown),
    }


def _post_only() -> dict:
    return {**everyone(NotAllowed("POST")), "anonymous": LoginRedirect()}


def _meeting_kwargs(which):
    return lambda w: {"pk": _meetings(w)[which].pk}


CASES = [
    Case(
        "meetings:participants",
        _only(SEES_PARTICIPANTS, Shows(THIRD, THIRD_ORGANISATION, "Des essais")),
        kwargs=_event_kwargs,
    ),
    Case(
        "meetings:participants",
        {**everyone(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown slug",
        kwargs=lambda w: {"slug": "rendez-vous-inconnu"},
    ),
    Case(
        "meetings:agenda",
        _only(PARTICIPANTS, Shows("Demandes reçues", "Demandes envoyées")),
        kwargs=_event_kwargs,
    ),
    Case(
        "meetings:agenda_ics",
        _only(PARTICIPANTS, Shows("BEGIN:VCALENDAR")),
        kwargs=_event_kwargs,
    ),
    Case(
        "meetings:profile",
        _only(PARTICIPANTS, Shows("Ce que je propose", "Ouvert aux rendez-vous")),
        kwargs=_event_kwargs,
    ),
    Case(
        "meetings:request",
        _only(
            PARTICIPANTS,
            RedirectsTo(
                lambda w: f"{_participants_url(w)}#participant-{_meetings(w)['fourth'].pk}"
            ),
        ),
        kwargs=lambda w: {**_event_kwargs(w), "pk": _meetings(w)["fourth"].pk},
        method="post",
        data={"message": "Bonjour"},
    ),
    Case(
        "meetings:request",
        _post_only(),
        variant="get",
        kwargs=lambda w: {**_event_kwargs(w), "pk": _meetings(w)["fourth"].pk},
    ),
    Case(
        "meetings:accept",
        {**_only(("member",), RedirectsTo(_agenda_url)), "animator": NotFound(THIRD)},
        kwargs=_meeting_kwargs("incoming"),
        method="post",
    ),
    Case("meetings:accept", _post_only(), variant="get", kwargs=_meeting_kwargs("incoming")),
    Case(
        "meetings:decline",
        _only(("member",), RedirectsTo(_agenda_url)),
        kwargs=_meeting_kwargs("incoming"),
        method="post",
    ),
    Case("meetings:decline", _post_only(), variant="get", kwargs=_meeting_kwargs("incoming")),
    Case(
        "meetings:cancel",
        _only(PARTICIPANTS, RedirectsTo(_agenda_url)),
        kwargs=_meeting_kwargs("sent"),
        method="post",
    ),
    Case(
        "meetings:cancel",
        _only(PARTICIPANTS, Shows("Retirer cette demande ?", "Retirer la demande")),
        variant="confirm",
        kwargs=_meeting_kwargs("sent"),
    ),
]
