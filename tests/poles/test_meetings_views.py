"""Business-meetings pages: participants, agenda and its .ics, preferences, the POST actions,
the event page's panel and the admin's schedule."""

import csv
import io
from datetime import UTC, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from members.models import OrganisationKind
from poles import meetings
from poles.models import Meeting
from tests.factories import (
    AffiliationFactory,
    BusinessMeetingsEventFactory,
    CompetenceFactory,
    OrganisationFactory,
    PoleStaffFactory,
    RegistrationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return BusinessMeetingsEventFactory(title="Rendez-vous Numérique", slug="rdv-numerique")


def participant(event, first_name="Camille", last_name="", organisation=None, **fields):
    organisation = organisation or OrganisationFactory()
    user = UserFactory(first_name=first_name, **({"last_name": last_name} if last_name else {}))
    AffiliationFactory(user=user, organisation=organisation)
    return RegistrationFactory(event=event, user=user, organisation=organisation, **fields)


@pytest.fixture
def alice(event):
    organisation = OrganisationFactory(name="Capteurs Alpins", city="Grenoble")
    organisation.competences.add(CompetenceFactory(name="Capteurs embarqués"))
    return participant(
        event, "Alice", "Durand", organisation, offer="Des capteurs", seeking="Un labo"
    )


@pytest.fixture
def bob(event):
    organisation = ResearchOrganisationFactory(name="Labo Vision", is_published=False)
    return participant(event, "Bob", "Martin", organisation, offer="De la vision")


def url(name, event, *args):
    return reverse(f"meetings:{name}", args=[event.slug, *args])


def ask(requester, recipient, message=""):
    return meetings.request_meeting(
        actor=requester.user, requester=requester, recipient=recipient, message=message
    )


# --- Participants ------------------------------------------------------------------------------


def test_participants_page_lists_other_participants_with_their_pitch(client, event, alice, bob):
    participant(event, "Chloé", meetings_opt_in=False)
    participant(event, "Denis", status="waiting")
    client.force_login(alice.user)

    response = client.get(url("participants", event))

    text = page_text(response)
    assert "Bob Martin" in text
    assert "Labo Vision" in text and "Recherche publique" in text
    assert "De la vision" in text
    assert "Demander un rendez-vous" in text
    assert "Alice Durand" not in text  # not oneself
    assert "Chloé" not in text and "Denis" not in text
    # Bob's laboratory is not published in the directory: no link to it.
    assert f'href="{bob.organisation.get_absolute_url()}"' not in response.content.decode()


def test_participants_page_links_published_organisation_and_shows_competences(
    client, event, alice, bob
):
    client.force_login(bob.user)

    response = client.get(url("participants", event))

    body = response.content.decode()
    assert f'href="{alice.organisation.get_absolute_url()}"' in body
    assert "Capteurs embarqués" in page_text(response)
    assert "Grenoble" in page_text(response)


def test_participants_page_filters_by_text_and_kind(client, event, alice, bob):
    participant(event, "Émile", organisation=OrganisationFactory(name="Robots Sud"))
    client.force_login(alice.user)

    by_text = page_text(client.get(url("participants", event), {"q": "vision"}))
    by_kind = page_text(client.get(url("participants", event), {"kind": OrganisationKind.COMPANY}))

    assert "Bob Martin" in by_text and "Robots Sud" not in by_text
    assert "Robots Sud" in by_kind and "Bob Martin" not in by_kind


def test_participants_page_shows_state_of_existing_requests(client, event, alice, bob):
    carol = participant(event, "Carol", "Petit")
    ask(alice, bob)
    ask(carol, alice)
    client.force_login(alice.user)

    text = page_text(client.get(url("participants", event)))

    assert "Demande envoyée" in text and "Retirer ma demande" in text
    assert "Vous demande un rendez-vous" in text
    assert "Demander un rendez-vous" not in text


def test_participants_page_for_non_participant_is_not_found(client, event, alice):
    waiting = participant(event, "Wanda", status="waiting")
    for user in (UserFactory(), waiting.user):
        client.force_login(user)
        response = client.get(url("participants", event))
        assert response.status_code == 404
        assert "Alice" not in page_text(response)


def test_participants_page_for_anonymous_redirects_to_login(client, event):
    response = client.get(url("participants", event))

    assert response["Location"].startswith(reverse("account_login"))


def test_participants_page_for_pole_staff_lists_everyone_without_forms(client, event, alice, bob):
    animator = PoleStaffFactory(pole=event.pole).user
    client.force_login(animator)

    text = page_text(client.get(url("participants", event)))

    assert "Alice Durand" in text and "Bob Martin" in text
    assert "équipe du pôle" in text
    assert "Demander un rendez-vous" not in text


def test_participants_page_for_other_pole_staff_is_not_found(client, event, alice):
    client.force_login(PoleStaffFactory().user)

    assert client.get(url("participants", event)).status_code == 404


def test_participants_page_costs_the_same_queries_for_1_or_3_participants(client, event, alice):
    client.force_login(alice.user)
    competence = CompetenceFactory()

    def add_participant():
        registration = participant(event, "Zoé")
        registration.organisation.competences.add(competence, CompetenceFactory())
        ask(alice, registration) if Meeting.objects.count() < 2 else None
        return registration

    assert_same_query_count(
        client, url("participants", event), add_participant, shows=lambda r: r.organisation.name
    )


# --- Requests and answers through the pages ----------------------------------------------------


def test_request_post_creates_request_and_redirects_to_participant(client, event, alice, bob):
    client.force_login(alice.user)

    response = client.post(url("request", event, bob.pk), {"message": "Bonjour"}, follow=True)

    meeting = Meeting.objects.get()
    assert (meeting.requester, meeting.recipient, meeting.message) == (alice, bob, "Bonjour")
    assert response.redirect_chain[-1][0].endswith(f"#participant-{bob.pk}")
    assert "Votre demande est envoyée à Bob Martin" in page_text(response)


def test_request_post_twice_shows_the_reason(client, event, alice, bob):
    client.force_login(alice.user)
    client.post(url("request", event, bob.pk), {"message": ""})

    response = client.post(url("request", event, bob.pk), {"message": ""}, follow=True)

    assert "déjà en cours" in page_text(response)
    assert Meeting.objects.count() == 1


def test_request_post_with_too_long_message_shows_form_error(client, event, alice, bob):
    client.force_login(alice.user)

    response = client.post(url("request", event, bob.pk), {"message": "x" * 1001})

    assert response.status_code == 400
    assert "1000 caractères" in page_text(response) or "1 000 caractères" in page_text(response)
    assert not Meeting.objects.exists()


def test_request_post_to_other_event_participant_is_not_found(client, event, alice):
    elsewhere = participant(BusinessMeetingsEventFactory(), "Xavier")
    client.force_login(alice.user)

    response = client.post(url("request", event, elsewhere.pk), {"message": ""})

    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_accept_post_by_recipient_schedules_and_shows_slot(client, event, alice, bob):
    meeting = ask(alice, bob)
    client.force_login(bob.user)

    response = client.post(reverse("meetings:accept", args=[meeting.pk]), follow=True)

    meeting.refresh_from_db()
    local = timezone.localtime(meeting.starts_at).strftime("%H:%M")
    assert meeting.status == "accepted"
    assert f"Rendez-vous confirmé avec Alice Durand à {local}, table 1" in page_text(response)


def test_accept_post_by_requester_is_forbidden(client, event, alice, bob):
    meeting = ask(alice, bob)
    client.force_login(alice.user)

    response = client.post(reverse("meetings:accept", args=[meeting.pk]))

    meeting.refresh_from_db()
    assert (response.status_code, meeting.status) == (403, "pending")


def test_meeting_actions_by_a_stranger_are_not_found(client, event, alice, bob):
    meeting = ask(alice, bob)
    client.force_login(participant(event, "Carol").user)

    for action in ("accept", "decline", "cancel"):
        response = client.post(reverse(f"meetings:{action}", args=[meeting.pk]))
        assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "pending"


def test_decline_and_cancel_posts_change_status(client, event, alice, bob):
    carol = participant(event, "Carol")
    declined, cancelled = ask(alice, bob), ask(alice, carol)
    client.force_login(bob.user)
    client.post(reverse("meetings:decline", args=[declined.pk]))
    client.force_login(alice.user)

    response = client.post(
        reverse("meetings:cancel", args=[cancelled.pk]),
        {"next": url("participants", event)},
    )

    assert dict(Meeting.objects.values_list("pk", "status")) == {
        declined.pk: "declined",
        cancelled.pk: "cancelled",
    }
    assert response["Location"] == url("participants", event)


def test_cancel_post_ignores_next_to_another_site(client, event, alice, bob):
    meeting = ask(alice, bob)
    client.force_login(alice.user)

    response = client.post(
        reverse("meetings:cancel", args=[meeting.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == url("agenda", event)


# --- Agenda --------------------------------------------------------------------------------------


def test_agenda_lists_incoming_sent_and_accepted_with_contact(client, event, alice, bob):
    carol, dan = participant(event, "Carol", "Petit"), participant(event, "Dan", "Roux")
    meetings.accept_meeting(actor=bob.user, meeting=ask(alice, bob, "Parlons vision"))
    ask(carol, alice, "Bonjour Alice")
    ask(alice, dan)
    client.force_login(alice.user)

    response = client.get(url("agenda", event))

    text = page_text(response)
    accepted = Meeting.objects.get(status="accepted")
    local = timezone.localtime(accepted.starts_at).strftime("%H:%M")
    assert f"{local} –" in text and "Table 1" in text
    assert "Bob Martin, Labo Vision" in text and bob.user.email in text
    assert "Parlons vision" in text
    assert "Carol Petit" in text and "Bonjour Alice" in text and "Accepter" in text
    assert "Dan Roux" in text and "Retirer ma demande" in text
    # Pending requests do not reveal the e-mail address.
    assert carol.user.email not in text and dan.user.email not in text


def test_agenda_costs_the_same_queries_for_1_or_3_meetings(client, event, alice):
    client.force_login(alice.user)

    def add_meeting():
        other = participant(event, "Yves")
        return meetings.accept_meeting(actor=other.user, meeting=ask(alice, other))

    assert_same_query_count(
        client, url("agenda", event), add_meeting, shows=lambda m: m.recipient.user.email
    )


def test_agenda_for_pole_staff_without_seat_is_not_found(client, event, alice):
    client.force_login(PoleStaffFactory(pole=event.pole).user)

    assert client.get(url("agenda", event)).status_code == 404
    assert client.get(url("agenda_ics", event)).status_code == 404


def test_agenda_ics_has_one_event_per_accepted_meeting_at_its_slot(client, event, alice, bob):
    carol = participant(event, "Carol", "Petit")
    first = meetings.accept_meeting(actor=bob.user, meeting=ask(alice, bob))
    second = meetings.accept_meeting(actor=carol.user, meeting=ask(alice, carol))
    ask(alice, participant(event, "Dan"))  # pending: not in the file
    client.force_login(alice.user)

    response = client.get(url("agenda_ics", event))
    again = client.get(url("agenda_ics", event))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    vevents = list(calendar.walk("VEVENT"))
    assert len(vevents) == 2
    by_uid = {str(v["UID"]): v for v in vevents}
    assert set(by_uid) == {f"meeting-{first.pk}@testserver", f"meeting-{second.pk}@testserver"}
    start = by_uid[f"meeting-{first.pk}@testserver"].decoded("DTSTART")
    end = by_uid[f"meeting-{first.pk}@testserver"].decoded("DTEND")
    assert start == first.starts_at.astimezone(UTC) and start.utcoffset() == timedelta(0)
    assert end - start == timedelta(minutes=event.meeting_minutes)
    assert "Bob Martin" in str(by_uid[f"meeting-{first.pk}@testserver"]["SUMMARY"])
    assert "table 1" in str(by_uid[f"meeting-{first.pk}@testserver"]["SUMMARY"])
    assert {str(v["UID"]) for v in Calendar.from_ical(again.content).walk("VEVENT")} == set(by_uid)


# --- Preferences -------------------------------------------------------------------------------


def test_profile_form_saves_preferences(client, event, alice):
    client.force_login(alice.user)

    response = client.post(
        url("profile", event),
        {"offer": "Un banc d'essai", "seeking": "Un intégrateur"},
        follow=True,
    )

    alice.refresh_from_db()
    assert (alice.offer, alice.seeking, alice.meetings_opt_in) == (
        "Un banc d'essai",
        "Un intégrateur",
        False,
    )
    assert "Vos préférences de rendez-vous sont enregistrées." in page_text(response)


def test_profile_page_shows_current_values(client, event, alice):
    client.force_login(alice.user)

    text = page_text(client.get(url("profile", event)))

    assert "Des capteurs" in text and "Ouvert aux rendez-vous" in text


# --- Event page panel ----------------------------------------------------------------------------


def test_event_panel_for_participant_links_pages_with_counts(event, alice, bob):
    ask(bob, alice)
    request = RequestFactory().get("/")

    html = render_to_string(
        "poles/meetings/_event_panel.html",
        {"event": event, "registration": alice},
        request=request,
    )

    assert url("participants", event) in html and url("agenda", event) in html
    assert "1 participant ouvert aux rendez-vous" in html
    assert "1 demande à traiter" in html


def test_event_panel_for_others_explains_the_session(event):
    start = timezone.localtime(event.meetings_starts_at).strftime("%H:%M")
    end = timezone.localtime(event.meetings_ends_at).strftime("%H:%M")

    html = render_to_string(
        "poles/meetings/_event_panel.html", {"event": event, "registration": None}
    )

    assert f"de {start} à {end}" in html
    assert url("participants", event) not in html


# --- Admin schedule ------------------------------------------------------------------------------


def test_admin_schedule_shows_grid_and_csv_for_pole_staff(client, event, alice, bob):
    meeting = meetings.accept_meeting(actor=bob.user, meeting=ask(alice, bob))
    animator = PoleStaffFactory(pole=event.pole).user
    client.force_login(animator)

    page = client.get(reverse("admin:poles_meeting_schedule", args=[event.pk]))
    index = client.get(reverse("admin:poles_meeting_schedules"))
    download = client.get(reverse("admin:poles_meeting_schedule_csv", args=[event.pk]))

    text = page_text(page)
    assert "Capteurs Alpins ↔ Labo Vision" in text
    assert "Table 5" in text and "1 rendez-vous accepté" in text
    assert "Rendez-vous Numérique" in page_text(index)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    local = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    assert rows[0][:3] == ["Début", "Fin", "Table"]
    assert rows[1][0] == local and rows[1][2] == "1"
    assert rows[1][3:] == [
        "Alice Durand",
        "Capteurs Alpins",
        alice.user.email,
        "Bob Martin",
        "Labo Vision",
        bob.user.email,
    ]


def test_admin_schedule_of_another_pole_is_not_found(client, event):
    client.force_login(PoleStaffFactory().user)

    page = client.get(reverse("admin:poles_meeting_schedule", args=[event.pk]))
    download = client.get(reverse("admin:poles_meeting_schedule_csv", args=[event.pk]))
    index = client.get(reverse("admin:poles_meeting_schedules"))

    assert (page.status_code, download.status_code) == (404, 404)
    assert "Rendez-vous Numérique" not in page_text(index)


def test_admin_meeting_list_is_scoped_and_cancel_action_works(client, event, alice, bob):
    meeting = meetings.accept_meeting(actor=bob.user, meeting=ask(alice, bob))
    elsewhere = BusinessMeetingsEventFactory(title="Ailleurs")
    other_a, other_b = participant(elsewhere, "Xavier"), participant(elsewhere, "Yann")
    ask(other_a, other_b)
    client.force_login(PoleStaffFactory(pole=event.pole).user)
    changelist = reverse("admin:poles_meeting_changelist")

    text = page_text(client.get(changelist))
    client.post(changelist, {"action": "cancel_meetings", "_selected_action": [meeting.pk]})

    assert "Alice Durand" in text and "Xavier" not in text
    assert "Planning par événement" in text
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_cancel_page_confirms_before_cancelling_accepted_meeting(client, event, alice, bob):
    meeting = meetings.accept_meeting(actor=bob.user, meeting=ask(alice, bob))
    client.force_login(alice.user)
    cancel = reverse("meetings:cancel", args=[meeting.pk])

    confirm = page_text(client.get(cancel))
    meeting.refresh_from_db()
    status_after_get = meeting.status
    client.post(cancel)

    meeting.refresh_from_db()
    assert "Annuler ce rendez-vous ?" in confirm and "Bob Martin, Labo Vision" in confirm
    assert (status_after_get, meeting.status) == ("accepted", "cancelled")
