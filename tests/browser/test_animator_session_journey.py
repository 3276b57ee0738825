"""An animator runs a rendez-vous d'affaires from the admin: the event's page, the check-in
of a participant, and the planning of the one-to-one meetings the participants agreed."""

import pytest
from playwright.sync_api import expect

from poles import meetings
from tests.browser.helpers import sign_in
from tests.factories import (
    BusinessMeetingsEventFactory,
    OrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    RegistrationFactory,
    UserFactory,
    with_totp,
)

pytestmark = pytest.mark.browser

TITLE = "Rendez-vous d'affaires de la photonique"


@pytest.fixture
def session():
    pole = PoleFactory(name="Pôle Lumière", short_name="Lumière")
    animator = with_totp(UserFactory(email="animatrice@lumiere.example", is_staff=True))
    PoleStaffFactory(pole=pole, user=animator)
    event = BusinessMeetingsEventFactory(pole=pole, title=TITLE, slug="rdv-photonique")
    alice = RegistrationFactory(
        event=event,
        user=UserFactory(email="alice@lasers.example", first_name="Alice", last_name="Laser"),
        organisation=OrganisationFactory(name="Lasers Atlantique"),
    )
    bruno = RegistrationFactory(
        event=event,
        user=UserFactory(email="bruno@optique.example", first_name="Bruno", last_name="Prisme"),
        organisation=OrganisationFactory(name="Optique Prisme"),
    )
    meeting = meetings.request_meeting(actor=alice.user, requester=alice, recipient=bruno)
    meetings.accept_meeting(actor=bruno.user, meeting=meeting)
    return event


def test_animator_checks_in_a_participant_and_reads_the_meetings_planning(page, session):
    # Act: the animator opens the event in the admin and checks Alice in.
    sign_in(page, "animatrice@lumiere.example")
    page.goto("/admin/poles/event/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Émargement").click()
    expect(page.locator("#content-main")).to_contain_text("0 présent(e)s sur 2 inscrit(e)s")
    page.get_by_role("button", name="Présent — alice@lasers.example").click()

    # Assert: Alice is present, Bruno not yet.
    expect(page.locator("#content-main")).to_contain_text("1 présent(e)s sur 2 inscrit(e)s")
    alice_row = page.get_by_role("row").filter(has_text="alice@lasers.example")
    expect(alice_row).to_contain_text("Présent(e) depuis")
    bruno_row = page.get_by_role("row").filter(has_text="bruno@optique.example")
    expect(bruno_row.get_by_role("button")).to_contain_text("Présent")

    # Act: from the event, the planning of the meetings.
    page.goto(f"/admin/poles/event/{session.pk}/change/")
    page.get_by_role("link", name="Planning des rendez-vous").click()

    # Assert: the accepted meeting sits at the first slot, table 1, with both organisations.
    grid = page.locator("table.meetings-schedule__grid")
    first_slot = grid.locator("tbody tr").first
    expect(first_slot.locator("td").first).to_contain_text("Lasers Atlantique")
    expect(first_slot.locator("td").first).to_contain_text("Optique Prisme")
    expect(page.locator("#content-main")).to_contain_text("1 rendez-vous accepté")
