"""Events in the admin: scoped to the staff's pôles, CSV export of participants, check-in,
capacity raised → waiting people promoted."""

import csv
import io
from datetime import UTC, datetime

from django.urls import reverse

from poles.models import Event, Registration, RegistrationStatus
from tests.factories import (
    AffiliationFactory,
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.helpers import page_text

R = RegistrationStatus
EVENTS = reverse("admin:poles_event_changelist")
REGISTRATIONS = reverse("admin:poles_registration_changelist")


def _rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _participants(event):
    organisation = OrganisationFactory(name="Ateliers Martin")
    anna = UserFactory(email="anna@example.org", first_name="Anna", last_name="Martin")
    AffiliationFactory(user=anna, organisation=organisation)
    RegistrationFactory(
        event=event,
        user=anna,
        organisation=organisation,
        queued_at=datetime(2030, 3, 1, 9, 30, tzinfo=UTC),
        checked_in_at=datetime(2030, 4, 2, 7, 5, tzinfo=UTC),
    )
    RegistrationFactory(
        event=event,
        user__email="=cmd@example.org",
        user__first_name="Bob",
        user__last_name="Attente",
        status=R.WAITING,
        queued_at=datetime(2030, 3, 2, 10, 0, tzinfo=UTC),
    )


def test_event_changelist_is_scoped_to_staff_poles(client_for, pole, other_pole, animator):
    EventFactory(pole=pole, title="Atelier Alpha")
    EventFactory(pole=other_pole, title="Atelier Bêta")

    text = page_text(client_for(animator).get(EVENTS))

    assert "Atelier Alpha" in text
    assert "Atelier Bêta" not in text


def test_event_of_other_pole_cannot_be_opened(client_for, pole, other_animator):
    event = EventFactory(pole=pole, title="Atelier Alpha")

    response = client_for(other_animator).get(reverse("admin:poles_event_change", args=[event.pk]))
    export = client_for(other_animator).get(reverse("admin:poles_event_export", args=[event.pk]))

    assert response.status_code == 302  # the admin sends to its index: "does not exist"
    assert export.status_code == 404


def test_event_add_form_offers_only_staff_poles(client_for, pole, other_pole, animator):
    response = client_for(animator).get(reverse("admin:poles_event_add"))

    choices = [str(p) for p in response.context["adminform"].form.fields["pole"].queryset]
    assert choices == ["Alpha"]


def test_event_changelist_shows_seat_counts(client_for, pole, animator):
    event = EventFactory(pole=pole, capacity=1, title="Atelier compté")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=R.WAITING)
    RegistrationFactory(event=event, status=R.WAITING)

    response = client_for(animator).get(EVENTS)

    (row,) = response.context["cl"].result_list
    assert (row.confirmed_count, row.waiting_count) == (1, 2)


def test_export_participants_action_csv(client_for, pole, animator):
    event = EventFactory(pole=pole, title="Atelier exporté")
    _participants(event)

    response = client_for(animator).post(
        EVENTS, {"action": "export_participants", "_selected_action": [event.pk]}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _rows(response) == [
        ["Événement", "Nom", "E-mail", "Organisation", "Statut", "Inscrit le", "Présent(e)"],
        [
            "Atelier exporté",
            "Anna Martin",
            "anna@example.org",
            "Ateliers Martin",
            "Inscrit",
            "2030-03-01 10:30",
            "2030-04-02 09:05",
        ],
        [
            "Atelier exporté",
            "Bob Attente",
            "'=cmd@example.org",
            "",
            "En liste d'attente",
            "2030-03-02 11:00",
            "",
        ],
    ]


def test_export_view_of_one_event(client_for, pole, animator):
    event = EventFactory(pole=pole, title="Atelier exporté")
    _participants(event)

    response = client_for(animator).get(reverse("admin:poles_event_export", args=[event.pk]))

    assert [row[2] for row in _rows(response)[1:]] == ["anna@example.org", "'=cmd@example.org"]
    assert f'filename="participants-{event.slug}.csv"' in response["Content-Disposition"]


def test_registration_actions_check_in_through_service(client_for, pole, animator):
    event = EventFactory(pole=pole)
    present = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=R.WAITING, user__first_name="Wanda")
    client = client_for(animator)

    response = client.post(
        REGISTRATIONS,
        {"action": "mark_present", "_selected_action": [present.pk, waiting.pk]},
        follow=True,
    )

    present.refresh_from_db()
    waiting.refresh_from_db()
    assert present.checked_in_by == animator
    assert waiting.checked_in_at is None
    text = page_text(response)
    assert "1 participant marqué présent." in text
    assert "n'a pas de place confirmée : impossible de l'émarger." in text

    client.post(REGISTRATIONS, {"action": "mark_absent", "_selected_action": [present.pk]})
    present.refresh_from_db()
    assert present.checked_in_at is None


def test_registration_changelist_is_scoped(client_for, pole, other_pole, other_animator):
    RegistrationFactory(event=EventFactory(pole=pole, title="Atelier Alpha"))

    response = client_for(other_animator).get(REGISTRATIONS)

    assert list(response.context["cl"].result_list) == []
    assert "Atelier Alpha" not in response.content.decode()


def test_check_in_page_search_and_present_button(client_for, pole, animator):
    event = EventFactory(pole=pole, title="Convention")
    _participants(event)
    other = RegistrationFactory(event=event, user__email="zoe@example.org", user__first_name="Zoé")
    url = reverse("admin:poles_event_check_in", args=[event.pk])
    client = client_for(animator)

    found = page_text(client.get(url, {"q": "zoé"}))
    assert "zoe@example.org" in found
    assert "anna@example.org" not in found
    assert "=cmd@example.org" not in page_text(client.get(url))  # waiting: not on the list

    response = client.post(url, {"registration": other.pk, "q": "zoé"}, follow=True)

    other.refresh_from_db()
    assert other.checked_in_by == animator
    assert "Zoé" in page_text(response) and "est présent(e)." in page_text(response)
    assert "2 présent(e)s sur 2 inscrit(e)s" in page_text(client.get(url))


def test_check_in_page_posts_ids_over_a_thousand_unlocalised(client_for, pole, animator):
    # French formatting would write 2160 as "2 160" and the check-in would fail.
    event = EventFactory(pole=pole, title="Convention")
    registration = RegistrationFactory(pk=2160, event=event, user__email="max@example.org")
    url = reverse("admin:poles_event_check_in", args=[event.pk])
    client = client_for(animator)

    assert 'name="registration" value="2160"' in client.get(url).content.decode()
    client.post(url, {"registration": "2160"})

    registration.refresh_from_db()
    assert registration.checked_in_by == animator


def test_check_in_page_answers_404_to_a_malformed_registration(client_for, pole, animator):
    event = EventFactory(pole=pole)
    url = reverse("admin:poles_event_check_in", args=[event.pk])

    response = client_for(animator).post(url, {"registration": "2 160"})

    assert response.status_code == 404


def test_check_in_page_of_other_pole_is_not_found(client_for, pole, other_animator):
    event = EventFactory(pole=pole)

    response = client_for(other_animator).get(
        reverse("admin:poles_event_check_in", args=[event.pk])
    )

    assert response.status_code == 404


def test_raising_capacity_in_admin_promotes_waiting(
    client_for, pole, animator, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(pole=pole, capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=R.WAITING, user__email="next@example.org")
    client = client_for(animator)
    url = reverse("admin:poles_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, bool))
    }
    data |= {
        "pole": pole.pk,
        "capacity": 2,
        "is_published": "on",
        "starts_at_0": event.starts_at.astimezone().strftime("%d/%m/%Y"),
        "starts_at_1": event.starts_at.astimezone().strftime("%H:%M:%S"),
        "ends_at_0": event.ends_at.astimezone().strftime("%d/%m/%Y"),
        "ends_at_1": event.ends_at.astimezone().strftime("%H:%M:%S"),
        "registrations-TOTAL_FORMS": 2,
        "registrations-INITIAL_FORMS": 2,
        "registrations-MIN_NUM_FORMS": 0,
        "registrations-MAX_NUM_FORMS": 1000,
    }
    for key in ("created_at", "updated_at", "created_by", "registration_closes_at"):
        data.pop(key, None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)

    assert "1 personne de la liste d'attente a obtenu une place." in page_text(response)
    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED
    assert Event.objects.get(pk=event.pk).capacity == 2
    assert [m.to for m in mailoutbox] == [["next@example.org"]]
    assert Registration.objects.filter(event=event, status=R.CONFIRMED).count() == 2
