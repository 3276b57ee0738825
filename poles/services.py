"""Writes about the network: loading the reference data, appointing pôle staff."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from poles.models import Pole, PoleCategory, PoleStaff, PoleStaffRole, Region
from poles.themes import theme_family

POLES_CSV = Path(__file__).resolve().parent / "data" / "poles_2014.csv"

# The 18 regions since 2016, by INSEE code (domain.md).
REGIONS = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
}

CATEGORY_BY_LABEL = {
    "mondial": PoleCategory.MONDIAL,
    "à vocation mondiale": PoleCategory.VOCATION_MONDIALE,
    "national": PoleCategory.NATIONAL,
}

REQUIRED_COLUMNS = {
    "slug",
    "name",
    "short_name",
    "region",
    "theme",
    "category",
    "website",
    "current_region_insee",
    "sources",
}


class PoleDataError(Exception):
    """The pôles file cannot be loaded; the message names the line and the problem."""


@dataclass
class LoadResult:
    regions: int
    created: int
    updated: int


def load_regions() -> int:
    for code, name in REGIONS.items():
        Region.objects.update_or_create(code=code, defaults={"name": name})
    return len(REGIONS)


def _parse_rows(path: Path) -> list[dict]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
            if missing:
                raise PoleDataError(
                    _("colonnes manquantes : %(columns)s") % {"columns": ", ".join(sorted(missing))}
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise PoleDataError(
            _("lecture impossible de %(path)s : %(error)s") % {"path": path, "error": exc}
        ) from None
    parsed = []
    for line, row in enumerate(rows, start=2):
        category = CATEGORY_BY_LABEL.get(row["category"].strip())
        if category is None:
            raise PoleDataError(
                _("ligne %(line)d : catégorie inconnue « %(value)s »")
                % {"line": line, "value": row["category"]}
            )
        codes = [code.strip() for code in row["current_region_insee"].split(";") if code.strip()]
        unknown = [code for code in codes if code not in REGIONS]
        if not codes or unknown:
            raise PoleDataError(
                _("ligne %(line)d : code de région inconnu « %(value)s »")
                % {"line": line, "value": row["current_region_insee"]}
            )
        if not row["slug"].strip() or not row["name"].strip():
            raise PoleDataError(_("ligne %(line)d : identifiant ou nom manquant") % {"line": line})
        parsed.append({**row, "category": category, "codes": codes})
    return parsed


@transaction.atomic
def load_poles(path: Path = POLES_CSV) -> LoadResult:
    """Create or update the regions and the pôles of `path`, matched by slug.

    Idempotent: a second run changes nothing. Nothing is written if any line is wrong.
    """
    rows = _parse_rows(path)
    regions = load_regions()
    created = updated = 0
    for row in rows:
        slug = row["slug"].strip()
        defaults = {
            "name": row["name"].strip(),
            "short_name": (row["short_name"] or row["name"]).strip(),
            "category": row["category"],
            "theme": row["theme"].strip(),
            "theme_family": theme_family(slug, row["theme"]),
            "main_region_id": row["codes"][0],
            "regions_2014": row["region"].strip(),
            "website": row["website"].strip(),
            "notes": (row.get("notes") or "").strip(),
            "sources": row["sources"].strip(),
        }
        pole, was_created = Pole.objects.get_or_create(slug=slug, defaults=defaults)
        changed = (
            []
            if was_created
            else [field for field, value in defaults.items() if getattr(pole, field) != value]
        )
        for field in changed:
            setattr(pole, field, defaults[field])
        if changed:
            pole.save(update_fields=changed)
        regions_changed = set(pole.regions.values_list("code", flat=True)) != set(row["codes"])
        if regions_changed:
            pole.regions.set(row["codes"])
        if was_created:
            created += 1
        elif changed or regions_changed:
            updated += 1
    return LoadResult(regions=regions, created=created, updated=updated)


@transaction.atomic
def appoint_pole_staff(*, actor, user, pole: Pole, role: str = PoleStaffRole.ANIMATOR) -> PoleStaff:
    """Make `user` staff of `pole`; he gets access to the admin, limited to his pôles."""
    staff, _created = PoleStaff.objects.update_or_create(
        user=user, pole=pole, defaults={"role": role}
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return staff
