"""The calls FUI 21 and FUI 25 seeded by the migrations, and their admin."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from funding.eligibility import Rules
from funding.models import Call
from tests.funding.test_eligibility import FUI_21, FUI_25


@pytest.mark.parametrize(("slug", "rules"), [("fui-21", FUI_21), ("fui-25", FUI_25)])
def test_seeded_call_has_the_rates_of_domain_md(db, slug, rules):
    call = Call.objects.get(slug=slug)

    assert call.scheme == "FUI"
    assert call.rules() == rules
    assert isinstance(call.rules(), Rules)


def test_seeded_calls_have_their_approximate_dates_in_utc(db):
    fui_21 = Call.objects.get(slug="fui-21")
    fui_25 = Call.objects.get(slug="fui-25")

    assert (fui_21.number, fui_25.number) == (21, 25)
    assert fui_21.closes_at == datetime(2016, 1, 21, 16, 0, tzinfo=UTC)
    assert fui_21.opens_at == datetime(2015, 9, 30, 22, 0, tzinfo=UTC)
    assert fui_25.closes_at == datetime(2018, 3, 1, 11, 0, tzinfo=UTC)
    assert fui_25.opens_at == datetime(2017, 11, 14, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [Decimal("-0.01"), Decimal("1.01")])
def test_rates_must_lie_between_zero_and_one(db, value):
    call = Call.objects.get(slug="fui-21")
    call.rate_pme_in_territory = value

    with pytest.raises(IntegrityError), transaction.atomic():
        call.save(update_fields=["rate_pme_in_territory"])


def test_call_admin_lets_staff_read_and_superusers_edit(db, client_for, animator, admin):
    call = Call.objects.get(slug="fui-21")
    url = reverse("admin:funding_call_change", args=[call.pk])

    staff_page = client_for(animator).get(url)
    admin_page = client_for(admin).get(url)

    assert staff_page.status_code == 200
    assert 'name="rate_pme_in_territory"' not in staff_page.text
    assert admin_page.status_code == 200
    assert 'name="rate_pme_in_territory"' in admin_page.text
    assert "ne sont pas confirmés" in admin_page.text
