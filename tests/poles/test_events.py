"""Events: registration services (seats, waiting list, promotion), pages, filters, .ics."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEntry
from members.models import MembershipStatus
from poles import events
from poles.models import Registration, RegistrationStatus
from tests.factories import (
    AffiliationFactory,
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

R = RegistrationStatus


def _person(email, organisation=None):
    user = UserFactory(email=email)
    if organisation is not None:
        AffiliationFactory(user=user, organisation=organisation)
    return user


def _register(user, event, **kwargs):
    return events.register(actor=user, event=event, **kwargs)


# --- register -----------------------------------------------------------------------------


def test_register_gives_seats_then_waiting_list_in_order(pole, company):
    event = EventFactory(pole=pole, capacity=2)
    people = [_person(f"p{i}@example.org", company) for i in range(4)]

    results = [_register(person, event) for person in people]

    assert [r.status for r in results] == [R.CONFIRMED, R.CONFIRMED, R.WAITING, R.WAITING]
    waiting = Registration.objects.filter(event=event, status=R.WAITING).order_by("queued_at")
    assert [r.user.email for r in waiting] == ["p2@example.org", "p3@example.org"]
    assert results[0].organisation == company


def test_register_without_capacity_always_confirms(pole):
    event = EventFactory(pole=pole, capacity=None)

    results = [_register(_person(f"n{i}@example.org"), event) for i in range(5)]

    assert {r.status for r in results} == {R.CONFIRMED}


def test_register_sends_confirmation_or_waiting_notice(
    pole, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(pole=pole, capacity=1, title="Atelier hydrogène")

    with django_capture_on_commit_callbacks(execute=True):
        _register(_person("first@example.org"), event)
        _register(_person("second@example.org"), event)

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["first@example.org"], "[Pôles] Inscription confirmée : Atelier hydrogène"),
        (["second@example.org"], "[Pôles] Liste d'attente : Atelier hydrogène"),
    ]
    assert "Votre position : 1." in mailoutbox[1].body
    assert "heure de Paris" in mailoutbox[0].body


def test_register_twice_is_refused(pole):
    event = EventFactory(pole=pole)
    user = _person("twice@example.org")
    _register(user, event)

    with pytest.raises(events.EventError, match="déjà inscrit"):
        _register(user, event)


def test_register_members_only_refuses_non_member_with_message(pole, other_pole):
    event = EventFactory(pole=pole, members_only=True)
    outsider_company = OrganisationFactory(name="Hors Pôle SA")
    MembershipFactory(organisation=outsider_company, pole=other_pole)
    user = _person("hors@example.org", outsider_company)

    with pytest.raises(events.EventError) as error:
        _register(user, event)

    assert str(error.value) == (
        "Cet événement est réservé aux adhérents du pôle Alpha : rattachez-vous d'abord à "
        "une organisation adhérente."
    )
    assert not Registration.objects.filter(event=event).exists()


def test_register_members_only_picks_the_member_organisation(pole, company):
    event = EventFactory(pole=pole, members_only=True)
    other = OrganisationFactory(name="Autre Société")
    user = _person("double@example.org", other)
    AffiliationFactory(user=user, organisation=company)

    registration = _register(user, event)

    assert registration.organisation == company


def test_register_members_only_refuses_lapsed_membership(pole):
    lapsed = OrganisationFactory(name="Ancienne Adhérente")
    MembershipFactory(organisation=lapsed, pole=pole, status=MembershipStatus.LAPSED)
    event = EventFactory(pole=pole, members_only=True)

    with pytest.raises(events.EventError, match="réservé aux adhérents"):
        _register(_person("lapsed@example.org", lapsed), event)


def test_register_members_only_refuses_chosen_non_member_organisation(pole, company):
    event = EventFactory(pole=pole, members_only=True)
    other = OrganisationFactory(name="Non Adhérente SARL")
    user = _person("choix@example.org", company)
    AffiliationFactory(user=user, organisation=other)

    with pytest.raises(events.EventError, match="Non Adhérente SARL n'est pas adhérente"):
        _register(user, event, organisation=other)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"is_published": False}, "pas encore publié"),
        ({"is_cancelled": True}, "est annulé"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "sont closes"),
    ],
    ids=["unpublished", "cancelled", "closed"],
)
def test_register_refuses_event_not_open(pole, fields, message):
    event = EventFactory(pole=pole, **fields)

    with pytest.raises(events.EventError, match=message):
        _register(_person("late@example.org"), event)


def test_register_refuses_started_event(pole):
    now = timezone.now()
    event = EventFactory(pole=pole, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(1))

    with pytest.raises(events.EventError, match="a commencé"):
        _register(_person("late@example.org"), event)


def test_register_again_after_cancel_goes_to_end_of_queue(pole):
    event = EventFactory(pole=pole, capacity=1)
    first, second, third = (_person(f"q{i}@example.org") for i in range(3))
    seat = _register(first, event)
    _register(second, event)
    waiting = _register(third, event)
    events.cancel_registration(actor=third, registration=waiting)

    again = _register(third, event)

    assert again.pk == waiting.pk
    assert again.status == R.WAITING
    assert again.cancelled_at is None
    assert Registration.objects.get(pk=seat.pk).status == R.CONFIRMED
    queue = Registration.objects.filter(event=event, status=R.WAITING).order_by("queued_at")
    assert [r.user.email for r in queue] == ["q1@example.org", "q2@example.org"]


def test_register_writes_audit_entry(pole):
    event = EventFactory(pole=pole, capacity=1)
    registration = _register(_person("audit@example.org"), event)

    entry = AuditEntry.objects.get(target_id=str(registration.pk), action="event.register")
    assert entry.summary == f"audit@example.org inscrit à {event.title}"


# --- cancel and promotion -----------------------------------------------------------------


def test_cancel_promotes_first_waiting_and_mails_them(
    pole, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(pole=pole, capacity=1, title="Formation brevets")
    holder = _person("holder@example.org")
    seat = _register(holder, event)
    first = _register(_person("first.waiting@example.org"), event)
    second = _register(_person("second.waiting@example.org"), event)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = events.cancel_registration(actor=holder, registration=seat)

    assert [r.pk for r in promoted] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    seat.refresh_from_db()
    assert (seat.status, first.status, second.status) == (R.CANCELLED, R.CONFIRMED, R.WAITING)
    assert first.promoted_at is not None
    assert seat.cancelled_at is not None
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (
            ["first.waiting@example.org"],
            "[Pôles] Une place s'est libérée : vous êtes inscrit à Formation brevets",
        )
    ]
    assert AuditEntry.objects.filter(action="event.promote", target_id=str(first.pk)).exists()


def test_cancel_of_waiting_registration_promotes_nobody(pole):
    event = EventFactory(pole=pole, capacity=1)
    _register(_person("a@example.org"), event)
    waiting_user = _person("b@example.org")
    waiting = _register(waiting_user, event)
    third = _register(_person("c@example.org"), event)

    promoted = events.cancel_registration(actor=waiting_user, registration=waiting)

    assert promoted == []
    third.refresh_from_db()
    assert third.status == R.WAITING


def test_cancel_by_someone_else_is_refused(pole):
    event = EventFactory(pole=pole)
    registration = _register(_person("owner@example.org"), event)

    with pytest.raises(PermissionDenied):
        events.cancel_registration(actor=_person("stranger@example.org"), registration=registration)


def test_cancel_by_pole_staff_is_allowed(pole, animator):
    event = EventFactory(pole=pole)
    registration = _register(_person("owner@example.org"), event)

    events.cancel_registration(actor=animator, registration=registration)

    registration.refresh_from_db()
    assert registration.status == R.CANCELLED


def test_promote_waiting_fills_raised_capacity(pole, animator):
    event = EventFactory(pole=pole, capacity=1)
    for i in range(4):
        _register(_person(f"w{i}@example.org"), event)
    event.capacity = 3
    event.save(update_fields=["capacity"])

    promoted = events.promote_waiting(actor=animator, event=event)

    assert [r.user.email for r in promoted] == ["w1@example.org", "w2@example.org"]
    assert Registration.objects.filter(event=event, status=R.WAITING).count() == 1


def test_promote_waiting_refuses_other_pole_staff(pole, other_animator):
    event = EventFactory(pole=pole)

    with pytest.raises(PermissionDenied):
        events.promote_waiting(actor=other_animator, event=event)


def test_cancel_calls_meetings_hook_when_it_exists(pole, monkeypatch):
    meetings = pytest.importorskip("poles.meetings")

    calls = []
    monkeypatch.setattr(
        meetings,
        "cancel_meetings_of",
        lambda **kwargs: calls.append(kwargs),
        raising=False,
    )
    event = EventFactory(pole=pole)
    user = _person("hook@example.org")
    registration = _register(user, event)

    events.cancel_registration(actor=user, registration=registration)

    assert [(c["registration"].pk, c["actor"]) for c in calls] == [(registration.pk, user)]


# --- check-in -----------------------------------------------------------------------------


def test_check_in_and_undo(pole, animator):
    event = EventFactory(pole=pole)
    registration = RegistrationFactory(event=event)

    events.check_in(actor=animator, registration=registration)
    registration.refresh_from_db()
    assert registration.checked_in_by == animator
    assert registration.checked_in_at is not None

    events.undo_check_in(actor=animator, registration=registration)
    registration.refresh_from_db()
    assert (registration.checked_in_at, registration.checked_in_by) == (None, None)


def test_check_in_refuses_waiting_and_other_pole_staff(pole, animator, other_animator):
    event = EventFactory(pole=pole)
    waiting = RegistrationFactory(event=event, status=R.WAITING, user__first_name="Wanda")

    with pytest.raises(events.EventError, match="pas de place confirmée"):
        events.check_in(actor=animator, registration=waiting)
    with pytest.raises(PermissionDenied):
        events.check_in(actor=other_animator, registration=RegistrationFactory(event=event))


# --- pages --------------------------------------------------------------------------------


def test_event_detail_shows_seats_prices_and_waiting_length(client, pole):
    event = EventFactory(
        pole=pole,
        capacity=2,
        member_price_eur=150,
        non_member_price_eur=1200,
        title="Conférence matériaux",
    )
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=R.WAITING)

    text = page_text(client.get(event.get_absolute_url()))

    assert "2 places · complet" in text
    assert "1 personne en liste d'attente" in text
    assert "Adhérents : 150 €" in text
    assert "Non-adhérents : 1 200 €" in text
    assert "Se connecter pour s'inscrire" in text


def test_event_detail_times_are_in_paris(client, pole):
    from datetime import UTC, datetime

    event = EventFactory(
        pole=pole,
        starts_at=datetime(2031, 7, 14, 7, 0, tzinfo=UTC),
        ends_at=datetime(2031, 7, 14, 10, 0, tzinfo=UTC),
    )

    text = page_text(client.get(event.get_absolute_url()))

    assert "lundi 14 juillet 2031, 09:00 – 12:00 (heure de Paris)" in text


def test_event_detail_online_link_only_for_confirmed_and_staff(client_for, pole, animator):
    event = EventFactory(pole=pole, capacity=1, online_url="https://visio.example/salle-42")
    confirmed = _person("seat@example.org")
    waiting = _person("wait@example.org")
    _register(confirmed, event)
    _register(waiting, event)

    def body(user):
        return client_for(user).get(event.get_absolute_url()).content.decode()

    assert "https://visio.example/salle-42" in body(confirmed)
    assert "https://visio.example/salle-42" in body(animator)
    assert "https://visio.example/salle-42" not in body(waiting)
    assert "https://visio.example/salle-42" not in body(None)


def test_event_detail_status_for_registered_and_waiting(client_for, pole):
    event = EventFactory(pole=pole, capacity=1)
    seat_user, waiting_user = _person("s@example.org"), _person("w@example.org")
    _register(seat_user, event)
    _register(waiting_user, event)

    seat_text = page_text(client_for(seat_user).get(event.get_absolute_url()))
    waiting_text = page_text(client_for(waiting_user).get(event.get_absolute_url()))

    assert "Inscrit Votre place est réservée." in seat_text
    assert "Annuler mon inscription" in seat_text
    assert "Liste d'attente, position 1" in waiting_text
    assert "Quitter la liste d'attente" in waiting_text


def test_event_detail_members_only_explains_refusal(client_for, pole, outsider):
    event = EventFactory(pole=pole, members_only=True)

    text = page_text(client_for(outsider).get(event.get_absolute_url()))

    assert "Réservé aux personnes travaillant pour une organisation adhérente" in text
    assert "aucune organisation adhérente de ce pôle" in text
    assert "M'inscrire" not in text


def test_event_detail_unpublished_is_preview_for_staff_only(client_for, pole, animator, member):
    event = EventFactory(pole=pole, is_published=False, title="Brouillon secret")

    staff = client_for(animator).get(event.get_absolute_url())
    other = client_for(member).get(event.get_absolute_url())

    assert "Aperçu : cet événement n'est pas publié." in page_text(staff)
    assert other.status_code == 404
    assert "Brouillon secret" not in other.content.decode()


def test_register_view_then_cancel_view(client_for, pole, member):
    event = EventFactory(pole=pole, capacity=5)
    client = client_for(member)

    response = client.post(reverse("events:register", args=[event.slug]), follow=True)
    assert "Vous êtes inscrit." in page_text(response)
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == R.CONFIRMED

    confirm = client.get(reverse("events:cancel", args=[event.slug]))
    assert "Annuler votre inscription ?" in page_text(confirm)
    registration.refresh_from_db()
    assert registration.status == R.CONFIRMED  # GET only asks

    response = client.post(reverse("events:cancel", args=[event.slug]), follow=True)
    assert "Votre inscription est annulée." in page_text(response)
    registration.refresh_from_db()
    assert registration.status == R.CANCELLED


def test_register_view_shows_members_only_refusal(client_for, pole, other_pole):
    event = EventFactory(pole=pole, members_only=True)
    organisation = OrganisationFactory(name="Voisine SA")
    MembershipFactory(organisation=organisation, pole=other_pole)
    user = _person("voisin@example.org", organisation)

    response = client_for(user).post(reverse("events:register", args=[event.slug]), follow=True)

    assert "réservé aux adhérents du pôle Alpha" in page_text(response)
    assert not Registration.objects.filter(event=event).exists()


def test_my_registrations_lists_statuses(client_for, pole):
    user = _person("mine@example.org")
    now = timezone.now()
    seat = EventFactory(pole=pole, title="Atelier confirmé")
    full = EventFactory(pole=pole, title="Atelier complet", capacity=1)
    dropped = EventFactory(pole=pole, title="Atelier annulé")
    past = EventFactory(
        pole=pole,
        title="Conférence passée",
        starts_at=now - timedelta(days=10),
        ends_at=now - timedelta(days=10) + timedelta(hours=3),
    )
    _register(user, seat)
    RegistrationFactory(event=full)
    _register(user, full)
    cancelled = _register(user, dropped)
    events.cancel_registration(actor=user, registration=cancelled)
    RegistrationFactory(event=past, user=user, checked_in_at=past.starts_at)

    text = page_text(client_for(user).get(reverse("events:mine")))

    upcoming, passed = text.split("Passés", 1)
    assert "Atelier confirmé" in upcoming and "Inscrit" in upcoming
    assert "Atelier complet" in upcoming and "Liste d'attente, position 1" in upcoming
    assert "Atelier annulé" in upcoming and "Annulé" in upcoming
    assert "Conférence passée" in passed and "Présent(e)" in passed


# --- lists and filters --------------------------------------------------------------------


def _titles(response) -> list[str]:
    return [event.title for event in response.context["page"]]


def test_event_list_defaults_to_upcoming_and_filters(client, pole, other_pole):
    now = timezone.now()
    bretagne = RegionFactory(code="53")
    EventFactory(pole=pole, title="Atelier Alpha", region=bretagne)
    EventFactory(
        pole=other_pole,
        title="Webinaire Bêta",
        kind="webinaire",
        venue="",
        city="",
        online_url="https://visio.example/x",
    )
    EventFactory(pole=pole, title="Formation adhérents", kind="formation", members_only=True)
    EventFactory(
        pole=pole,
        title="Conférence passée",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=2),
    )
    EventFactory(pole=pole, title="Brouillon", is_published=False)
    url = reverse("events:list")

    assert _titles(client.get(url)) == ["Atelier Alpha", "Webinaire Bêta", "Formation adhérents"]
    assert _titles(client.get(url, {"when": "passes"})) == ["Conférence passée"]
    assert _titles(client.get(url, {"pole": "pole-beta"})) == ["Webinaire Bêta"]
    assert _titles(client.get(url, {"kind": "formation"})) == ["Formation adhérents"]
    assert _titles(client.get(url, {"region": "53"})) == ["Atelier Alpha"]
    assert _titles(client.get(url, {"format": "en-ligne"})) == ["Webinaire Bêta"]
    assert "Webinaire Bêta" not in _titles(client.get(url, {"format": "presentiel"}))
    assert "Formation adhérents" not in _titles(client.get(url, {"open_to_all": "on"}))
    assert "3 événements à venir" in page_text(client.get(url))


def test_pole_event_list_shows_only_that_pole(client, pole, other_pole):
    EventFactory(pole=pole, title="Atelier Alpha")
    EventFactory(pole=other_pole, title="Atelier Bêta")

    response = client.get(reverse("events:pole", args=[pole.slug]))

    assert _titles(response) == ["Atelier Alpha"]
    assert "S'abonner au calendrier (.ics)" in page_text(response)


def test_event_list_query_count(client, pole, company):
    def add():
        event = EventFactory(pole=pole)
        RegistrationFactory(event=event)
        return event

    assert_same_query_count(client, reverse("events:list"), add, shows=lambda e: e.title)


def test_event_list_query_count_signed_in(client_for, pole, member):
    def add():
        event = EventFactory(pole=pole)
        RegistrationFactory(event=event, user=member)
        return event

    assert_same_query_count(
        client_for(member), reverse("events:list"), add, shows=lambda e: e.title
    )


def test_pole_event_list_query_count(client, pole):
    assert_same_query_count(
        client,
        reverse("events:pole", args=[pole.slug]),
        lambda: EventFactory(pole=pole),
        shows=lambda e: e.title,
    )


def test_my_registrations_query_count(client_for, pole):
    user = _person("count@example.org")

    def add():
        event = EventFactory(pole=pole, capacity=1)
        RegistrationFactory(event=event)
        return RegistrationFactory(event=event, user=user, status=R.WAITING)

    assert_same_query_count(
        client_for(user), reverse("events:mine"), add, shows=lambda r: r.event.title
    )


# --- iCalendar ----------------------------------------------------------------------------


def _raw_lines(content: bytes) -> list[bytes]:
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    return content.split(b"\r\n")[:-1]


def test_event_ics_parses_back(client, pole):
    event = EventFactory(
        pole=pole,
        title="Rendez-vous d'affaires : l'industrie du futur, avec un titre très long " * 2,
        description="Programme détaillé, " * 20,
        venue="Maison des pôles",
        city="Toulouse",
    )
    url = reverse("events:ics", args=[event.slug])

    response = client.get(url)
    again = client.get(url)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = _raw_lines(response.content)
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Portail des poles de competitivite//FR"
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == event.ends_at
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["LOCATION"]) == "Maison des pôles, Toulouse"
    assert str(vevent["UID"]) == f"evenement-{event.pk}@testserver"
    (again_event,) = Calendar.from_ical(again.content).walk("VEVENT")
    assert str(again_event["UID"]) == str(vevent["UID"])


def test_pole_feed_has_published_events_from_one_year_back(client, pole, other_pole):
    now = timezone.now()
    EventFactory(pole=pole, title="À venir")
    EventFactory(
        pole=pole,
        title="Il y a six mois",
        starts_at=now - timedelta(days=180),
        ends_at=now - timedelta(days=180) + timedelta(hours=2),
    )
    EventFactory(
        pole=pole,
        title="Il y a deux ans",
        starts_at=now - timedelta(days=730),
        ends_at=now - timedelta(days=730) + timedelta(hours=2),
    )
    EventFactory(pole=pole, title="Brouillon", is_published=False)
    EventFactory(pole=pole, title="Annulé", is_cancelled=True)
    EventFactory(pole=other_pole, title="Autre pôle")

    response = client.get(reverse("events:pole_feed", args=[pole.slug]))

    _raw_lines(response.content)
    calendar = Calendar.from_ical(response.content)
    summaries = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert summaries == {
        "À venir": "CONFIRMED",
        "Il y a six mois": "CONFIRMED",
        "Annulé": "CANCELLED",
    }
    assert str(calendar["X-WR-CALNAME"]) == "Événements — Alpha"


def test_event_ics_of_unpublished_event_is_not_found(client, pole):
    event = EventFactory(pole=pole, is_published=False)

    assert client.get(reverse("events:ics", args=[event.slug])).status_code == 404
