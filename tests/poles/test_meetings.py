"""Business meetings: requests, the scheduler (no double booking), cancellation, mails, demo."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from audit.models import AuditEntry
from poles import meetings
from poles.demo_meetings import seed_meetings
from poles.models import AgendaEntry, Meeting, MeetingStatus, RegistrationStatus
from tests.factories import (
    AffiliationFactory,
    BusinessMeetingsEventFactory,
    OrganisationFactory,
    PoleFactory,
    PoleStaffFactory,
    RegistrationFactory,
    ResearchOrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    """14:00–17:00 UTC, 20 minutes: 9 slots; 5 tables (the factory's defaults)."""
    return BusinessMeetingsEventFactory()


def participant(event, name="Camille", organisation=None, **fields):
    organisation = organisation or OrganisationFactory()
    user = UserFactory(first_name=name)
    AffiliationFactory(user=user, organisation=organisation)
    return RegistrationFactory(event=event, user=user, organisation=organisation, **fields)


def ask(requester, recipient, message=""):
    return meetings.request_meeting(
        actor=requester.user, requester=requester, recipient=recipient, message=message
    )


def accept(meeting):
    return meetings.accept_meeting(actor=meeting.recipient.user, meeting=meeting)


def slot(event, index):
    return event.meetings_starts_at + timedelta(minutes=event.meeting_minutes * index)


# --- Requests -----------------------------------------------------------------------------------


def test_request_meeting_creates_pending_request_and_mails_recipient(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")

    with django_capture_on_commit_callbacks(execute=True):
        meeting = ask(alice, bob, "Parlons capteurs.")

    assert (meeting.status, meeting.requester, meeting.recipient) == ("pending", alice, bob)
    assert [mail.to for mail in mailoutbox] == [[bob.user.email]]
    assert "vous demande un rendez-vous" in mailoutbox[0].subject
    assert "Parlons capteurs." in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="meeting.request", target_id=str(meeting.pk)).exists()


def test_request_meeting_with_oneself_is_refused(event):
    alice = participant(event, "Alice")

    with pytest.raises(meetings.MeetingError, match="à vous-même"):
        ask(alice, alice)


def test_request_meeting_twice_is_refused_in_both_directions(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    ask(alice, bob)

    with pytest.raises(meetings.MeetingError, match="déjà en cours"):
        ask(alice, bob)
    with pytest.raises(meetings.MeetingError, match="déjà en cours"):
        ask(bob, alice)
    assert Meeting.objects.count() == 1


def test_request_meeting_after_acceptance_says_already_met(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    accept(ask(alice, bob))

    with pytest.raises(meetings.MeetingError, match="déjà rendez-vous"):
        ask(bob, alice)


def test_request_meeting_again_after_decline_is_allowed(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meetings.decline_meeting(actor=bob.user, meeting=ask(alice, bob))

    second = ask(alice, bob)

    assert second.status == "pending"


@pytest.mark.parametrize("status", [RegistrationStatus.WAITING, RegistrationStatus.CANCELLED])
def test_request_meeting_with_unconfirmed_participant_is_refused(event, status):
    alice, bob = participant(event, "Alice"), participant(event, "Bob", status=status)

    with pytest.raises(meetings.MeetingError, match="plus inscrit"):
        ask(alice, bob)


def test_request_meeting_across_events_is_refused(event):
    alice = participant(event, "Alice")
    elsewhere = participant(BusinessMeetingsEventFactory(), "Bob")

    with pytest.raises(meetings.MeetingError, match="ne participe pas"):
        ask(alice, elsewhere)


def test_request_meeting_with_closed_profile_is_refused(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob", meetings_opt_in=False)

    with pytest.raises(meetings.MeetingError, match="ne prend pas de rendez-vous"):
        ask(alice, bob)


def test_request_meeting_when_event_cancelled_or_session_over_is_refused(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    event.is_cancelled = True
    event.save(update_fields=["is_cancelled"])

    with pytest.raises(meetings.MeetingError, match="annulé"):
        ask(alice, bob)

    past = BusinessMeetingsEventFactory(starts_at=timezone.now() - timedelta(days=3))
    carol, dan = participant(past, "Carol"), participant(past, "Dan")
    with pytest.raises(meetings.MeetingError, match="terminée"):
        ask(carol, dan)


def test_request_meeting_for_someone_else_is_forbidden(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")

    with pytest.raises(PermissionDenied):
        meetings.request_meeting(actor=bob.user, requester=alice, recipient=bob)


# --- The scheduler ------------------------------------------------------------------------------


def test_accept_meeting_takes_first_slot_and_table_and_mails_both(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = ask(alice, bob)

    with django_capture_on_commit_callbacks(execute=True):
        accept(meeting)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at, meeting.table) == ("accepted", slot(event, 0), 1)
    assert meeting.decided_at is not None
    entries = AgendaEntry.objects.filter(meeting=meeting)
    assert {(e.registration_id, e.starts_at) for e in entries} == {
        (alice.pk, slot(event, 0)),
        (bob.pk, slot(event, 0)),
    }
    assert sorted(mailoutbox[0].to) == sorted([alice.user.email, bob.user.email])
    assert "table 1" in mailoutbox[0].subject
    local = timezone.localtime(slot(event, 0)).strftime("%H:%M")
    assert local in mailoutbox[0].body


def test_accept_meeting_skips_slots_where_either_party_is_busy(event):
    alice, bob, carol, dan = (participant(event, n) for n in ("Alice", "Bob", "Carol", "Dan"))
    accept(ask(alice, carol))  # Alice: slot 0
    accept(ask(dan, bob))  # Bob: slot 0 (Dan free), table 2
    accept(ask(carol, bob))  # Carol busy at 0, Bob busy at 0 → slot 1

    meeting = accept(ask(alice, bob))

    assert meeting.starts_at == slot(event, 2)
    assert meeting.table == 1


def test_accept_meeting_uses_next_table_when_slot_has_free_table(event):
    pairs = [(participant(event), participant(event)) for _ in range(3)]

    tables = [accept(ask(a, b)).table for a, b in pairs]

    assert tables == [1, 2, 3]
    assert {m.starts_at for m in Meeting.objects.all()} == {slot(event, 0)}


def test_accept_meeting_moves_to_next_slot_when_all_tables_taken():
    event = BusinessMeetingsEventFactory(meeting_tables=2)
    pairs = [(participant(event), participant(event)) for _ in range(3)]

    placed = [(m.starts_at, m.table) for m in (accept(ask(a, b)) for a, b in pairs)]

    assert placed == [(slot(event, 0), 1), (slot(event, 0), 2), (slot(event, 1), 1)]


def test_accept_meeting_without_common_free_slot_is_refused_and_stays_pending():
    # 14:00–15:00, 30 minutes: two slots.
    event = BusinessMeetingsEventFactory(meeting_minutes=30)
    event.meetings_ends_at = event.meetings_starts_at + timedelta(hours=1)
    event.save(update_fields=["meetings_ends_at"])
    alice, bob, carol, dan = (participant(event, n) for n in ("Alice", "Bob", "Carol", "Dan"))
    accept(ask(alice, carol))
    accept(ask(bob, dan))
    accept(ask(alice, dan))  # second slot: Alice and Dan are both full now
    meeting = ask(bob, alice)

    with pytest.raises(meetings.MeetingError, match="Aucun créneau commun n'est libre"):
        accept(meeting)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at, meeting.table) == ("pending", None, None)
    assert not AgendaEntry.objects.filter(meeting=meeting).exists()


def test_accept_meeting_never_offers_a_slot_already_started(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = ask(alice, bob)
    half_way = slot(event, 4) + timedelta(minutes=1)

    place = meetings.first_free_slot(meeting, now=half_way)

    assert place == (slot(event, 5), 1)


def test_accept_meeting_retries_on_next_slot_when_database_refuses(event, monkeypatch):
    """A concurrent accept took Bob's first slot after our look-up: the DB constraint refuses
    the agenda entry and the scheduler tries the next free place."""
    alice, bob, carol = participant(event, "Alice"), participant(event, "Bob"), participant(event)
    accept(ask(carol, bob))  # Bob busy at slot 0, table 1
    meeting = ask(alice, bob)
    real_busy = meetings._busy_slots
    calls = []

    def stale_busy(meeting):
        calls.append(1)
        return set() if len(calls) == 1 else real_busy(meeting)

    monkeypatch.setattr(meetings, "_busy_slots", stale_busy)

    accept(meeting)

    meeting.refresh_from_db()
    assert len(calls) == 2
    assert (meeting.starts_at, meeting.table) == (slot(event, 1), 1)


def test_agenda_entry_constraint_refuses_double_booking(event):
    alice, bob, carol = participant(event, "Alice"), participant(event, "Bob"), participant(event)
    first = accept(ask(alice, bob))
    other = ask(alice, carol)

    with pytest.raises(IntegrityError):
        AgendaEntry.objects.create(meeting=other, registration=alice, starts_at=first.starts_at)


def test_scheduler_never_double_books_anyone_nor_a_table():
    """Many random requests and accepts: per person and slot at most one meeting, per slot and
    table at most one, every accepted meeting inside the session and on a real table."""
    event = BusinessMeetingsEventFactory(meeting_tables=3)
    people = [participant(event) for _ in range(12)]
    rng = random.Random(6)
    refused = 0
    for _ in range(80):
        requester, recipient = rng.sample(people, 2)
        try:
            meeting = ask(requester, recipient)
        except meetings.MeetingError:
            continue
        if rng.random() < 0.8:
            try:
                accept(meeting)
            except meetings.MeetingError as error:
                assert "Aucun créneau commun" in str(error)
                refused += 1
        if rng.random() < 0.1:
            meetings.cancel_meeting(actor=requester.user, meeting=meeting)

    accepted = list(Meeting.objects.filter(status=MeetingStatus.ACCEPTED))
    assert len(accepted) > 15
    grid = set(meetings.slots(event))
    assert all(m.starts_at in grid and 1 <= m.table <= 3 for m in accepted)
    places = Counter((m.starts_at, m.table) for m in accepted)
    assert max(places.values()) == 1
    busy = Counter()
    for m in accepted:
        busy[(m.requester_id, m.starts_at)] += 1
        busy[(m.recipient_id, m.starts_at)] += 1
    assert max(busy.values()) == 1
    entries = set(AgendaEntry.objects.values_list("registration_id", "starts_at"))
    assert entries == set(busy)
    per_slot = Counter(m.starts_at for m in accepted)
    assert max(per_slot.values()) <= 3


# --- Decline and cancel -------------------------------------------------------------------------


def test_decline_meeting_mails_requester(event, mailoutbox, django_capture_on_commit_callbacks):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = ask(alice, bob)

    with django_capture_on_commit_callbacks(execute=True):
        meetings.decline_meeting(actor=bob.user, meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.status == "declined"
    assert [mail.to for mail in mailoutbox] == [[alice.user.email]]
    assert "a décliné" in mailoutbox[0].subject


def test_accept_or_decline_by_requester_is_forbidden(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = ask(alice, bob)

    with pytest.raises(PermissionDenied):
        meetings.accept_meeting(actor=alice.user, meeting=meeting)
    with pytest.raises(PermissionDenied):
        meetings.decline_meeting(actor=alice.user, meeting=meeting)


def test_cancel_accepted_meeting_frees_both_slots_and_table(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    alice, bob, carol, dan = (participant(event, n) for n in ("Alice", "Bob", "Carol", "Dan"))
    first = accept(ask(alice, bob))

    with django_capture_on_commit_callbacks(execute=True):
        meetings.cancel_meeting(actor=bob.user, meeting=first)

    first.refresh_from_db()
    assert first.status == "cancelled"
    assert not AgendaEntry.objects.exists()
    assert [mail.to for mail in mailoutbox] == [[alice.user.email]]
    assert "annulé" in mailoutbox[0].subject
    # The slot and table are free again, for them and for others.
    again = accept(ask(carol, dan))
    assert (again.starts_at, again.table) == (slot(event, 0), 1)
    rebooked = accept(ask(alice, bob))
    assert (rebooked.starts_at, rebooked.table) == (slot(event, 0), 2)


def test_cancel_meeting_by_a_stranger_is_forbidden_but_staff_may(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = accept(ask(alice, bob))
    stranger = UserFactory()
    animator = PoleStaffFactory(pole=event.pole).user

    with pytest.raises(PermissionDenied):
        meetings.cancel_meeting(actor=stranger, meeting=meeting)
    meetings.cancel_meeting(actor=animator, meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_cancel_meeting_twice_is_refused(event):
    alice, bob = participant(event, "Alice"), participant(event, "Bob")
    meeting = ask(alice, bob)
    meetings.cancel_meeting(actor=alice.user, meeting=meeting)

    with pytest.raises(meetings.MeetingError, match="ne peut plus être annulé"):
        meetings.cancel_meeting(actor=alice.user, meeting=meeting)


def test_cancel_meetings_of_cancels_pending_and_accepted_of_that_registration(event):
    alice, bob, carol, dan = (participant(event, n) for n in ("Alice", "Bob", "Carol", "Dan"))
    accepted = accept(ask(alice, bob))
    incoming = ask(carol, alice)
    declined = ask(alice, dan)
    meetings.decline_meeting(actor=dan.user, meeting=declined)
    unrelated = accept(ask(carol, dan))

    count = meetings.cancel_meetings_of(registration=alice, actor=alice.user)

    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert count == 2
    assert statuses == {
        accepted.pk: "cancelled",
        incoming.pk: "cancelled",
        declined.pk: "declined",
        unrelated.pk: "accepted",
    }
    assert set(AgendaEntry.objects.values_list("registration_id", flat=True)) == {carol.pk, dan.pk}


def test_update_meeting_profile_saves_offer_seeking_and_opt_in(event):
    alice = participant(event, "Alice")

    meetings.update_meeting_profile(
        actor=alice.user,
        registration=alice,
        offer=" Des capteurs. ",
        seeking="Un labo.",
        meetings_opt_in=False,
    )

    alice.refresh_from_db()
    assert (alice.offer, alice.seeking, alice.meetings_opt_in) == (
        "Des capteurs.",
        "Un labo.",
        False,
    )


# --- Reads --------------------------------------------------------------------------------------


def test_slots_cover_the_session_in_steps():
    event = BusinessMeetingsEventFactory(meeting_minutes=25)

    result = meetings.slots(event)

    # 3 hours in 25-minute meetings: 7 that end by 17:00 (the 8th would end at 17:20).
    assert len(result) == 7
    assert result[0] == event.meetings_starts_at
    assert result[-1] + timedelta(minutes=25) <= event.meetings_ends_at


def test_schedule_for_places_meetings_by_slot_and_table(event):
    alice, bob, carol, dan = (participant(event, n) for n in ("Alice", "Bob", "Carol", "Dan"))
    first = accept(ask(alice, bob))
    second = accept(ask(carol, dan))

    rows = meetings.schedule_for(event)

    assert len(rows) == 9
    assert rows[0].cells[:3] == [first, second, None]
    assert all(cell is None for row in rows[1:] for cell in row.cells)


# --- Demo ---------------------------------------------------------------------------------------


def test_seed_meetings_without_demo_event_makes_nothing(event):
    assert seed_meetings(random.Random(1), now=timezone.now()) == {}


def test_seed_meetings_gives_the_demo_company_each_kind_of_meeting():
    event = BusinessMeetingsEventFactory(pole=PoleFactory(slug="systematic"))
    company = OrganisationFactory(name="Demo Entreprise")
    lab = ResearchOrganisationFactory(name="Demo Labo")
    company_seat = RegistrationFactory(
        event=event, user=UserFactory(email="entreprise@poles.example"), organisation=company
    )
    lab_seat = RegistrationFactory(
        event=event, user=UserFactory(email="labo@poles.example"), organisation=lab
    )
    for _ in range(10):
        participant(event)

    figures = seed_meetings(random.Random(2026), now=timezone.now())

    mine = meetings.agenda_for(company_seat, event)
    assert len(mine.incoming) == 1
    assert len(mine.sent) == 1
    assert [m.other for m in mine.accepted] == [lab_seat]
    assert figures["business meetings accepted"] >= 4
    assert figures["meeting requests pending"] >= 2
    company_seat.refresh_from_db()
    assert company_seat.offer and company_seat.seeking


def test_cancel_registration_cancels_the_persons_meetings_and_frees_the_slot(event):
    from poles.events import cancel_registration

    alice, bob, carol = participant(event, "Alice"), participant(event, "Bob"), participant(event)
    accepted = accept(ask(alice, bob))
    pending = ask(carol, alice)

    cancel_registration(actor=alice.user, registration=alice)

    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert statuses == {accepted.pk: "cancelled", pending.pk: "cancelled"}
    assert not AgendaEntry.objects.exists()
