"""An event fills up, a member cancels, the first waiting member is promoted and sees it."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, sign_out
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.browser

TITLE = "Atelier cobotique : une seule place"


@pytest.fixture
def event():
    UserFactory(email="alice@cobot.example", first_name="Alice", last_name="Martin")
    UserFactory(email="bruno@cobot.example", first_name="Bruno", last_name="Petit")
    return EventFactory(title=TITLE, slug="atelier-une-place", capacity=1)


def test_event_journey_waiting_member_promoted_when_seat_freed(page, event):
    # Act: Alice takes the only seat.
    sign_in(page, "alice@cobot.example")
    page.goto("/evenements/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".event-registration")).to_contain_text("Inscrit")
    expect(page.locator(".event-registration")).to_contain_text("Votre place est réservée.")
    sign_out(page)

    # Act: Bruno finds the event full and joins the waiting list.
    sign_in(page, "bruno@cobot.example")
    page.goto("/evenements/atelier-une-place/")
    expect(page.locator("#infos-titre + .facts")).to_contain_text("complet")
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    expect(page.locator(".event-registration")).to_contain_text("Liste d'attente, position 1")
    sign_out(page)

    # Act: Alice cancels (the page asks first).
    sign_in(page, "alice@cobot.example")
    page.goto("/evenements/mes-inscriptions/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Annuler mon inscription").click()
    expect(page.locator("h1")).to_have_text("Annuler votre inscription ?")
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est annulée.")
    sign_out(page)

    # Assert: Bruno reloads and holds the seat; he was told by e-mail.
    sign_in(page, "bruno@cobot.example")
    page.goto("/evenements/atelier-une-place/")
    expect(page.locator(".event-registration")).to_contain_text("Votre place est réservée.")
    page.goto("/evenements/mes-inscriptions/")
    expect(page.locator("table")).to_contain_text(TITLE)
    expect(page.locator("table")).to_contain_text("Inscrit")
    promoted = [m for m in mail.outbox if m.to == ["bruno@cobot.example"]]
    assert [m.subject for m in promoted][-1] == (
        f"[Pôles] Une place s'est libérée : vous êtes inscrit à {TITLE}"
    )
