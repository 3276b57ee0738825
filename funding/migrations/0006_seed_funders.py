"""Seed the national funders of the FUI calls (domain.md: the State funds through the Fonds
unique interministériel, Bpifrance manages submissions and pays; the Régions co-fund, and
staff add each Région as a funder in the admin, with its region)."""

from django.db import migrations

FUNDERS = [
    ("etat-fui", "État — Fonds unique interministériel", "state"),
    ("bpifrance", "Bpifrance", "bpifrance"),
]


def seed(apps, schema_editor):
    Funder = apps.get_model("funding", "Funder")
    Call = apps.get_model("funding", "Call")
    funders = [
        Funder.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})[0]
        for slug, name, kind in FUNDERS
    ]
    for call in Call.objects.filter(slug__in=["fui-21", "fui-25"]):
        call.funders.add(*funders)


def unseed(apps, schema_editor):
    apps.get_model("funding", "Funder").objects.filter(slug__in=[s for s, _, _ in FUNDERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_funders")]

    operations = [migrations.RunPython(seed, unseed)]
