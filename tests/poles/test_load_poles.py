"""`load_poles`: the 18 regions and the 71 pôles of 2014, idempotent, all or nothing."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from poles import themes
from poles.models import Pole, PoleCategory, Region, ThemeFamily
from poles.services import POLES_CSV

pytestmark = pytest.mark.django_db

COLUMNS = [
    "slug", "name", "short_name", "region", "theme", "category", "website", "current_region",
    "current_region_insee", "sources", "notes",
]  # fmt: skip


def _load(*args) -> str:
    out = StringIO()
    call_command("load_poles", *args, stdout=out)
    return out.getvalue().strip()


def _row(**overrides) -> dict:
    row = {
        "slug": "pole-essai",
        "name": "Pôle Essai",
        "short_name": "Essai",
        "region": "Bretagne",
        "theme": "Mer",
        "category": "national",
        "website": "",
        "current_region": "Bretagne",
        "current_region_insee": "53",
        "sources": "https://example.org/essai",
        "notes": "",
    }
    return {**row, **overrides}


def _write_csv(path, rows, columns=COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_load_poles_first_run_reports_what_it_created():
    output = _load()

    assert output == "regions 18, poles created 71, updated 0"


def test_load_poles_creates_18_regions_and_71_poles_by_category():
    _load()

    by_category = {
        category: Pole.objects.filter(category=category).count() for category in PoleCategory
    }
    assert Region.objects.count() == 18
    assert Pole.objects.count() == 71
    assert by_category == {
        PoleCategory.MONDIAL: 7,
        PoleCategory.VOCATION_MONDIALE: 11,
        PoleCategory.NATIONAL: 53,
    }


def test_load_poles_sets_territory_and_main_region_of_aerospace_valley():
    _load()

    pole = Pole.objects.get(slug="aerospace-valley")
    assert set(pole.regions.values_list("code", flat=True)) == {"76", "75"}
    assert (pole.main_region.code, pole.main_region.name) == ("76", "Occitanie")
    assert pole.category == PoleCategory.MONDIAL
    assert pole.theme_family == ThemeFamily.AERO


def test_load_poles_keeps_sources_as_provenance():
    _load()

    pole = Pole.objects.get(slug="aerospace-valley")
    assert "https://www.aerospace-valley.com/en/page/about-us-0" in pole.source_urls
    assert len(pole.source_urls) == 3
    assert Pole.objects.filter(sources="").count() == 0


def test_load_poles_sets_a_theme_family_on_every_pole():
    _load()

    families = set(Pole.objects.values_list("theme_family", flat=True))
    assert families <= set(ThemeFamily.values)
    assert Pole.objects.exclude(theme_family__in=ThemeFamily.values).count() == 0


def test_load_poles_every_pole_of_the_file_has_a_hand_assigned_family():
    with POLES_CSV.open(encoding="utf-8", newline="") as handle:
        slugs = {row["slug"] for row in csv.DictReader(handle)}

    assert slugs - set(themes.FAMILY_BY_SLUG) == set()


def test_load_poles_second_run_changes_nothing():
    # Arrange
    _load()
    before = list(Pole.objects.order_by("slug").values())
    territories = {
        p.slug: set(p.regions.values_list("code", flat=True)) for p in Pole.objects.all()
    }

    # Act
    output = _load()

    # Assert
    assert output == "regions 18, poles created 0, updated 0"
    assert list(Pole.objects.order_by("slug").values()) == before
    assert {
        p.slug: set(p.regions.values_list("code", flat=True)) for p in Pole.objects.all()
    } == territories


def test_load_poles_changed_row_is_updated(tmp_path):
    # Arrange
    _load("--file", str(_write_csv(tmp_path / "v1.csv", [_row()])))
    changed = _write_csv(tmp_path / "v2.csv", [_row(name="Pôle Essai renommé")])

    # Act
    output = _load("--file", str(changed))

    # Assert
    assert output == "regions 18, poles created 0, updated 1"
    assert Pole.objects.get(slug="pole-essai").name == "Pôle Essai renommé"


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ({"category": "régional"}, "ligne 3 : catégorie inconnue « régional »"),
        ({"current_region_insee": "53;99"}, "ligne 3 : code de région inconnu « 53;99 »"),
        ({"current_region_insee": ""}, "ligne 3 : code de région inconnu «  »"),
        ({"slug": ""}, "ligne 3 : identifiant ou nom manquant"),
    ],
)
def test_load_poles_bad_line_fails_naming_it_and_writes_nothing(tmp_path, bad_row, message):
    # Arrange: a good line 2, a bad line 3.
    path = _write_csv(tmp_path / "poles.csv", [_row(), _row(**{"slug": "pole-deux", **bad_row})])

    # Act
    with pytest.raises(CommandError) as caught:
        _load("--file", str(path))

    # Assert
    assert str(caught.value) == message
    assert (Region.objects.count(), Pole.objects.count()) == (0, 0)


def test_load_poles_missing_columns_fail_naming_them(tmp_path):
    columns = [c for c in COLUMNS if c not in {"category", "sources"}]
    path = _write_csv(tmp_path / "poles.csv", [_row()], columns=columns)

    with pytest.raises(CommandError) as caught:
        _load("--file", str(path))

    assert str(caught.value) == "colonnes manquantes : category, sources"
    assert Pole.objects.count() == 0


def test_load_poles_missing_file_fails_in_one_line(tmp_path):
    path = tmp_path / "absent.csv"

    with pytest.raises(CommandError) as caught:
        _load("--file", str(path))

    message = str(caught.value)
    assert message.startswith(f"lecture impossible de {path} : ")
    assert "\n" not in message
    assert Region.objects.count() == 0
