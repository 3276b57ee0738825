"""Where the network's animation shows outside its own pages: the home page, a pôle's page and
the member's space."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from poles.models import PoleService, RegistrationStatus
from tests.factories import BusinessMeetingsEventFactory, EventFactory, RegistrationFactory
from tests.helpers import assert_same_query_count, page_text


def test_home_lists_the_next_published_events(client, pole):
    EventFactory(pole=pole, title="Atelier hydrogène")
    EventFactory(pole=pole, title="Atelier brouillon", is_published=False)
    EventFactory(
        pole=pole,
        title="Atelier passé",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )

    text = page_text(client.get(reverse("poles:home")))

    assert "Prochains événements" in text
    assert "Atelier hydrogène" in text
    assert "Atelier brouillon" not in text
    assert "Atelier passé" not in text


def test_home_query_count_same_with_one_or_three_events(client, pole):
    assert_same_query_count(
        client,
        reverse("poles:home"),
        lambda: EventFactory(pole=pole),
        shows=lambda event: event.title,
    )


def test_pole_page_shows_its_events_and_active_services(client, pole, other_pole):
    EventFactory(pole=pole, title="Atelier de l'Alpha")
    EventFactory(pole=other_pole, title="Atelier du Bêta")
    PoleService.objects.create(pole=pole, kind="financement", title="Club des investisseurs")
    PoleService.objects.create(
        pole=pole, kind="international", title="Mission close", is_active=False
    )

    text = page_text(client.get(pole.get_absolute_url()))

    assert "Atelier de l'Alpha" in text
    assert "Atelier du Bêta" not in text
    assert "Club des investisseurs" in text
    assert "Mission close" not in text
    assert "Tableau de bord du pôle" not in text


def test_pole_page_links_its_staff_to_the_pole_dashboard(client, pole, animator, other_animator):
    url = pole.get_absolute_url()
    dashboard = reverse("dashboards:pole", args=[pole.slug])

    client.force_login(animator)
    own = client.get(url).content.decode()
    client.force_login(other_animator)
    other = client.get(url).content.decode()

    assert dashboard in own
    assert dashboard not in other


def test_member_space_lists_upcoming_registrations_with_the_meetings_agenda(client, member):
    rdv = BusinessMeetingsEventFactory(title="Rendez-vous de l'IA")
    RegistrationFactory(event=rdv, user=member)
    waiting = EventFactory(title="Atelier complet")
    RegistrationFactory(event=waiting, user=member, status=RegistrationStatus.WAITING)
    cancelled = EventFactory(title="Atelier annulé par moi")
    RegistrationFactory(event=cancelled, user=member, status=RegistrationStatus.CANCELLED)
    client.force_login(member)

    response = client.get(reverse("dashboard"))
    text = page_text(response)

    assert "Rendez-vous de l'IA" in text
    assert "Atelier complet" in text
    assert "En liste d'attente" in text
    assert "Atelier annulé par moi" not in text
    assert reverse("meetings:agenda", args=[rdv.slug]) in response.content.decode()
