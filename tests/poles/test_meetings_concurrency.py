"""Concurrent accepts on PostgreSQL: the database constraints and the scheduler's retry keep
anyone, and any table, from being booked twice (PostgreSQL only: see tests/conftest.py)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from poles import meetings
from poles.models import AgendaEntry, Meeting
from tests.factories import (
    AffiliationFactory,
    BusinessMeetingsEventFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def participant(event):
    organisation = OrganisationFactory()
    user = UserFactory()
    AffiliationFactory(user=user, organisation=organisation)
    return RegistrationFactory(event=event, user=user, organisation=organisation)


def accept_all_at_once(pending):
    """Each meeting accepted by its recipient in its own thread (connection), all together."""
    barrier = threading.Barrier(len(pending))
    outcomes = {}

    def accept(meeting):
        try:
            barrier.wait(timeout=10)
            meetings.accept_meeting(actor=meeting.recipient.user, meeting=meeting)
            outcomes[meeting.pk] = "accepted"
        except meetings.MeetingError as error:
            outcomes[meeting.pk] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(meeting,)) for meeting in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_accepts_for_one_person_get_different_slots():
    event = BusinessMeetingsEventFactory()
    alice = participant(event)
    pending = [
        meetings.request_meeting(actor=other.user, requester=other, recipient=alice)
        for other in (participant(event) for _ in range(4))
    ]

    outcomes = accept_all_at_once(pending)

    assert set(outcomes.values()) == {"accepted"}
    slots = [m.starts_at for m in Meeting.objects.filter(status="accepted")]
    assert len(set(slots)) == 4
    assert AgendaEntry.objects.filter(registration=alice).count() == 4


def test_concurrent_accepts_on_a_single_table_get_different_slots():
    event = BusinessMeetingsEventFactory(meeting_tables=1)
    pending = []
    for _ in range(4):
        requester, recipient = participant(event), participant(event)
        pending.append(
            meetings.request_meeting(actor=requester.user, requester=requester, recipient=recipient)
        )

    outcomes = accept_all_at_once(pending)

    assert set(outcomes.values()) == {"accepted"}
    places = Counter(Meeting.objects.filter(status="accepted").values_list("starts_at", "table"))
    assert len(places) == 4 and max(places.values()) == 1
