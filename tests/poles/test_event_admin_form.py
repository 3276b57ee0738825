"""The admin's event form refuses what would make an event unreachable or half-configured."""

from datetime import UTC, datetime

from django.forms import modelform_factory

from poles.event_admin import EventAdminForm
from poles.models import Event

Form = modelform_factory(
    Event, form=EventAdminForm, fields=["slug", "meetings_starts_at", "meetings_ends_at"]
)


def test_event_admin_form_refuses_a_slug_taken_by_a_fixed_page(db):
    form = Form(data={"slug": "mes-inscriptions"})

    assert not form.is_valid()
    assert form.errors["slug"] == [
        "« mes-inscriptions » est réservé par le portail : choisissez un autre identifiant."
    ]


def test_event_admin_form_refuses_a_meetings_window_without_its_end(db):
    start = datetime(2027, 3, 4, 13, 0, tzinfo=UTC)
    form = Form(data={"slug": "rdv-2027", "meetings_starts_at": start})

    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Indiquez le début et la fin des rendez-vous d'affaires, ou aucun des deux."
    ]


def test_event_admin_form_accepts_an_ordinary_slug(db):
    assert Form(data={"slug": "atelier-ia-2027"}).is_valid()
