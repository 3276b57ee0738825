"""Give the calls that exist (fui-21, fui-25) the default review criteria of the FUI
(domain.md: innovation, partnership quality, credible market, economic value, jobs in France).
New calls get them when created (`Call.save`)."""

from decimal import Decimal

from django.db import migrations

CRITERIA = (
    ("innovation", "Caractère innovant"),
    ("partnership", "Qualité du partenariat"),
    ("market", "Crédibilité du marché"),
    ("impact", "Retombées économiques"),
    ("jobs", "Emplois en France"),
)


def seed(apps, schema_editor):
    Call = apps.get_model("funding", "Call")
    Criterion = apps.get_model("funding", "Criterion")
    for call in Call.objects.all():
        for position, (code, name) in enumerate(CRITERIA):
            Criterion.objects.get_or_create(
                call=call,
                code=code,
                defaults={"name": name, "weight": Decimal("1"), "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("funding", "0007_review")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
