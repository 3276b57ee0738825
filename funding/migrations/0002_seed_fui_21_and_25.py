"""Seed the calls FUI 21 and FUI 25 with the rates and thresholds of domain.md.

The dates are APPROXIMATE (reconstructed from public pages, not from the official
cahiers des charges): staff should correct them in the admin when a source is found.
Research / training rates for FUI 25, the IRT/ITE rate and the "other" rate are unconfirmed.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import migrations

PARIS = ZoneInfo("Europe/Paris")

COMMON = {
    "scheme": "FUI",
    "rate_research_marginal": Decimal("1"),
    "rate_research_full": Decimal("0.4"),
    "rate_rto": Decimal("0.4"),  # unconfirmed: same as research, full costs
    "rate_other": Decimal("0"),  # unconfirmed
    "min_companies": 2,
    "min_research_training": 1,
    "territory_labelling_min": Decimal("0.5"),
    "territory_lead_min": Decimal("0.25"),
    "partner_share_max": Decimal("0.7"),
    "lab_aid_share_max": Decimal("0.4"),
    "aid_min_eur": 750_000,
}

CALLS = {
    "fui-21": {
        "number": 21,
        "title": "AAP FUI n°21",
        # Approximate dates.
        "opens_at": datetime(2015, 10, 1, tzinfo=PARIS),
        "closes_at": datetime(2016, 1, 21, 17, 0, tzinfo=PARIS),
        "rate_pme_in_territory": Decimal("0.45"),
        "rate_pme_elsewhere": Decimal("0.3"),
        "rate_eti_in_territory": Decimal("0.3"),
        "rate_other_company": Decimal("0.25"),
    },
    "fui-25": {
        "number": 25,
        "title": "AAP FUI n°25",
        # Approximate dates.
        "opens_at": datetime(2017, 11, 15, tzinfo=PARIS),
        "closes_at": datetime(2018, 3, 1, 12, 0, tzinfo=PARIS),
        "rate_pme_in_territory": Decimal("0.5"),
        "rate_pme_elsewhere": Decimal("0.35"),
        "rate_eti_in_territory": Decimal("0.35"),
        "rate_other_company": Decimal("0.3"),
    },
}


def seed_calls(apps, schema_editor):
    Call = apps.get_model("funding", "Call")
    for slug, values in CALLS.items():
        Call.objects.update_or_create(slug=slug, defaults={**COMMON, **values})


def unseed_calls(apps, schema_editor):
    Call = apps.get_model("funding", "Call")
    Call.objects.filter(slug__in=list(CALLS)).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_call")]

    operations = [migrations.RunPython(seed_calls, unseed_calls)]
