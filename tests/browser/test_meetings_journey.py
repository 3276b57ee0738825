"""Two participants of a rendez-vous d'affaires: A requests a meeting, B accepts it, and both
see the same slot and table in their agenda."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from poles.models import Meeting
from tests.browser.helpers import sign_in, sign_out
from tests.factories import (
    AffiliationFactory,
    BusinessMeetingsEventFactory,
    OrganisationFactory,
    RegistrationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def _seat(event, email, first_name, last_name, organisation, **fields):
    user = UserFactory(email=email, first_name=first_name, last_name=last_name)
    AffiliationFactory(user=user, organisation=organisation)
    return RegistrationFactory(event=event, user=user, organisation=organisation, **fields)


def test_meetings_journey_both_participants_see_the_same_slot(page, live_server, mailoutbox):
    # Arrange: a rendez-vous d'affaires with three confirmed participants.
    event = BusinessMeetingsEventFactory(title="Rendez-vous Systèmes", slug="rdv-systemes")
    _seat(
        event,
        "alice@example.org",
        "Alice",
        "Durand",
        OrganisationFactory(name="Capteurs Durand"),
        offer="Des capteurs embarqués",
    )
    _seat(
        event,
        "bruno@example.org",
        "Bruno",
        "Lab",
        ResearchOrganisationFactory(name="Laboratoire Vision"),
        offer="De la vision par ordinateur",
        seeking="Un industriel pour un démonstrateur",
    )
    _seat(event, "chloe@example.org", "Chloé", "Tiers", OrganisationFactory(name="Tiers SAS"))

    # Act: Alice finds Bruno among the participants and asks for a meeting.
    sign_in(page, "alice@example.org")
    page.goto("/rendez-vous/rdv-systemes/")
    expect(page.locator("h1")).to_have_text("Participants aux rendez-vous")
    page.get_by_role("textbox", name="Rechercher").fill("vision")
    page.get_by_role("button", name="Filtrer").click()
    card = page.locator(".meetings-participant", has_text="Laboratoire Vision")
    expect(page.locator(".meetings-participant")).to_have_count(1)
    card.get_by_label("Votre message").fill("Parlons d'un démonstrateur commun.")
    card.get_by_role("button", name="Demander un rendez-vous").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande est envoyée à Bruno Lab")
    expect(page.locator(".meetings-participant", has_text="Laboratoire Vision")).to_contain_text(
        "Demande envoyée"
    )
    sign_out(page)

    # Act: Bruno opens his agenda and accepts.
    sign_in(page, "bruno@example.org")
    page.goto("/rendez-vous/rdv-systemes/mon-agenda/")
    incoming = page.locator("#demandes-recues")
    expect(incoming).to_contain_text("Alice Durand, Capteurs Durand")
    expect(incoming).to_contain_text("Parlons d'un démonstrateur commun.")
    incoming.get_by_role("button", name="Accepter").click()

    # Assert: the slot and table, the same on both agendas.
    meeting = Meeting.objects.get()
    time = timezone.localtime(meeting.starts_at).strftime("%H:%M")
    expect(page.locator(".messages")).to_contain_text(
        f"Rendez-vous confirmé avec Alice Durand à {time}, table {meeting.table}"
    )
    row = page.locator(".meetings-agenda tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(time)
    expect(row).to_contain_text(f"Table {meeting.table}")
    expect(row).to_contain_text("alice@example.org")
    sign_out(page)

    sign_in(page, "alice@example.org")
    page.goto("/rendez-vous/rdv-systemes/mon-agenda/")
    row = page.locator(".meetings-agenda tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(time)
    expect(row).to_contain_text(f"Table {meeting.table}")
    expect(row).to_contain_text("Bruno Lab, Laboratoire Vision")
    expect(page.get_by_role("link", name="Télécharger (.ics)")).to_be_visible()
    assert sorted(tuple(sorted(mail.to)) for mail in mailoutbox) == [
        ("alice@example.org", "bruno@example.org"),
        ("bruno@example.org",),
    ]
