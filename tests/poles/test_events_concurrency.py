"""Two members take an event's last seat at the same moment: one gets it, the other waits.

The registration service locks the event's row (`select_for_update`) before counting seats,
so the second transaction counts after the first has committed. PostgreSQL only: SQLite's
test database lives in memory, shared by the threads."""

import threading

import pytest
from django.db import connection

from poles import events
from poles.models import Registration, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_register_two_members_take_last_seat_at_same_moment():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)  # one seat left
    people = [UserFactory(email=f"rush{i}@example.org") for i in range(2)]
    barrier = threading.Barrier(len(people))
    results, errors = {}, []

    def take_seat(user):
        try:
            barrier.wait(timeout=10)
            results[user.email] = events.register(actor=user, event=event).status
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results.values()) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    rows = Registration.objects.filter(event=event, user__in=people)
    assert sorted(rows.values_list("status", flat=True)) == ["confirmed", "waiting"]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2
