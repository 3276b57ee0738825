"""A map of France's 18 regions, shaded by a figure per region (server-side SVG, no JS).

The outlines are HAND-DRAWN SIMPLIFICATIONS, not survey data: each vertex is the approximate
longitude/latitude of a known place on a coast, a national border or a boundary between
regions (a city, a cape, a river mouth, the point where three départements meet), projected
with an equirectangular projection scaled by cos(46°) on the longitudes. The shapes are
recognisable at dashboard size and no more; they must not be used for anything that needs
accuracy. Neighbouring regions are built from the same named boundary lines (one list of
points, walked forwards by one region and backwards by the other), so that they meet without
gaps or overlaps.

The 13 metropolitan regions are drawn in place (Corse included); the five overseas regions
(Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) sit in small insets under the map, each
at its own scale. Regions are keyed by their INSEE code, as `poles.Region` is.

`shaded_map_svg(counts, …)` draws the map: five classes of equal width up to the largest count
(plus a class for zero), a legend, and on each region a `<title>` giving its name and count.
Colours are CSS classes (`dash-map__fill--N`) from the portal's stylesheet: no inline style.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from poles.services import REGIONS

COS_46 = math.cos(math.radians(46))
LON_0, LAT_0 = -5.3, 51.2  # top-left corner of the metropolitan frame
SCALE = 46.0  # SVG units per degree of latitude
MARGIN = 8.0

# --- Boundary lines, in (longitude, latitude) --------------------------------------------------
# Coasts and national borders first, then the lines between regions. Endpoints shared by
# several lines are triple points (named in comments).

P = {
    # triple points between regions (approximate)
    "hdf_nor_coast": (1.38, 50.06),  # mouth of the Bresle
    "nor_hdf_idf": (1.71, 49.23),  # Vexin
    "hdf_idf_ge": (3.48, 48.99),  # east of Château-Thierry
    "idf_ge_bfc": (3.41, 48.38),  # Aube / Yonne / Seine-et-Marne
    "idf_bfc_cvl": (2.94, 48.16),  # Loiret / Yonne / Seine-et-Marne
    "idf_cvl_nor": (1.45, 48.79),  # Yvelines / Eure / Eure-et-Loir
    "nor_cvl_pdl": (0.80, 48.30),  # Perche, near Nogent-le-Rotrou
    "nor_pdl_bre": (-1.07, 48.52),  # Manche / Mayenne / Ille-et-Vilaine
    "nor_bre_coast": (-1.51, 48.63),  # Mont-Saint-Michel (Couesnon)
    "bre_pdl_coast": (-2.45, 47.50),  # mouth of the Vilaine
    "pdl_na_coast": (-1.13, 46.31),  # mouth of the Sèvre niortaise
    "pdl_cvl_na": (0.05, 47.12),  # Maine-et-Loire / Indre-et-Loire / Vienne
    "cvl_na_ara": (2.28, 46.42),  # Cher / Allier / Creuse
    "cvl_bfc_ara": (3.03, 46.80),  # Cher / Nièvre / Allier
    "bfc_ara_ch": (6.10, 46.43),  # Ain / Jura / Switzerland
    "ge_bfc_ch": (7.10, 47.49),  # Haut-Rhin / Territoire de Belfort / Switzerland
    "hdf_ge_be": (4.23, 49.96),  # Aisne / Ardennes / Belgium
    "na_ara_occ": (2.06, 44.95),  # Corrèze / Cantal / Lot
    "na_occ_es": (-0.31, 42.84),  # Pyrénées-Atlantiques / Hautes-Pyrénées / Spain
    "ara_occ_paca": (4.65, 44.27),  # the Rhône at Pont-Saint-Esprit
    "occ_paca_coast": (4.23, 43.46),  # mouth of the Petit Rhône
    "ara_paca_it": (6.63, 45.11),  # Savoie / Hautes-Alpes / Italy
    "paca_coast_it": (7.53, 43.78),  # Menton
    "na_coast_es": (-1.78, 43.37),  # Hendaye
    "occ_coast_es": (3.17, 42.44),  # Cerbère
    "hdf_coast_be": (2.55, 51.09),  # east of Dunkerque
}

LINES = {
    # --- coasts --------------------------------------------------------------------------
    "coast_hdf": [
        "hdf_coast_be",
        (2.35, 51.05),
        (1.85, 50.96),
        (1.58, 50.85),
        (1.60, 50.55),
        (1.55, 50.22),
        (1.65, 50.18),
        "hdf_nor_coast",
    ],
    "coast_nor": [
        "hdf_nor_coast",
        (1.08, 49.93),
        (0.55, 49.85),
        (0.18, 49.70),
        (0.08, 49.50),
        (0.35, 49.44),
        (-0.15, 49.29),
        (-0.60, 49.34),
        (-1.10, 49.39),
        (-1.26, 49.70),
        (-1.62, 49.65),
        (-1.94, 49.72),
        (-1.84, 49.50),
        (-1.62, 49.22),
        (-1.58, 48.84),
        (-1.45, 48.70),
        "nor_bre_coast",
    ],
    "coast_bre": [
        "nor_bre_coast",
        (-2.00, 48.66),
        (-2.30, 48.62),
        (-2.76, 48.52),
        (-3.05, 48.80),
        (-3.45, 48.83),
        (-4.00, 48.72),
        (-4.55, 48.62),
        (-4.77, 48.33),
        (-4.50, 48.28),
        (-4.62, 48.20),
        (-4.35, 48.10),
        (-4.73, 48.04),
        (-4.37, 47.80),
        (-3.95, 47.85),
        (-3.40, 47.70),
        (-3.12, 47.48),
        (-2.90, 47.55),
        (-2.75, 47.49),
        "bre_pdl_coast",
    ],
    "coast_pdl": [
        "bre_pdl_coast",
        (-2.52, 47.29),
        (-2.20, 47.26),
        (-2.10, 47.10),
        (-2.25, 46.95),
        (-1.95, 46.70),
        (-1.78, 46.49),
        (-1.45, 46.34),
        "pdl_na_coast",
    ],
    "coast_na": [
        "pdl_na_coast",
        (-1.17, 46.15),
        (-1.08, 45.90),
        (-1.22, 45.70),
        (-1.06, 45.57),
        (-1.16, 45.20),
        (-1.25, 44.66),
        (-1.35, 44.20),
        (-1.45, 43.70),
        (-1.56, 43.48),
        "na_coast_es",
    ],
    "border_es_na": [
        "na_coast_es",
        (-1.45, 43.05),
        (-0.90, 42.96),
        (-0.55, 42.79),
        "na_occ_es",
    ],
    "border_es_occ": [
        "na_occ_es",
        (0.05, 42.70),
        (0.70, 42.85),
        (1.45, 42.60),
        (1.98, 42.40),
        (2.55, 42.34),
        "occ_coast_es",
    ],
    "coast_occ": [
        "occ_coast_es",
        (3.04, 42.70),
        (3.05, 43.05),
        (3.25, 43.25),
        (3.70, 43.40),
        (4.10, 43.55),
        "occ_paca_coast",
    ],
    "coast_paca": [
        "occ_paca_coast",
        (4.85, 43.35),
        (5.37, 43.28),
        (5.60, 43.17),
        (5.93, 43.09),
        (6.15, 43.03),
        (6.65, 43.20),
        (6.90, 43.42),
        (7.02, 43.55),
        (7.27, 43.69),
        "paca_coast_it",
    ],
    "border_it_paca": [
        "paca_coast_it",
        (7.68, 44.05),
        (7.00, 44.23),
        (6.87, 44.53),
        (7.02, 44.83),
        (6.75, 44.95),
        "ara_paca_it",
    ],
    "border_it_ch_ara": [
        "ara_paca_it",
        (6.93, 45.18),
        (7.13, 45.48),
        (6.90, 45.70),
        (6.83, 45.88),
        (7.04, 45.93),
        (6.80, 46.13),
        (6.80, 46.40),
        (6.50, 46.45),
        (6.22, 46.31),
        (5.97, 46.21),
        (6.10, 46.30),
        "bfc_ara_ch",
    ],
    "border_ch_bfc": [
        "bfc_ara_ch",
        (6.38, 46.73),
        (6.45, 46.93),
        (6.85, 47.17),
        (6.95, 47.42),
        "ge_bfc_ch",
    ],
    "border_ch_de_lu_be_ge": [
        "ge_bfc_ch",
        (7.38, 47.43),
        (7.58, 47.59),
        (7.57, 48.05),
        (7.80, 48.58),
        (8.23, 48.97),
        (7.95, 49.05),
        (7.40, 49.17),
        (7.05, 49.12),
        (6.88, 49.21),
        (6.55, 49.42),
        (6.37, 49.47),
        (5.80, 49.55),
        (5.47, 49.50),
        (5.10, 49.77),
        (4.87, 49.80),
        (4.88, 50.15),
        (4.55, 49.98),
        "hdf_ge_be",
    ],
    "border_be_hdf": [
        "hdf_ge_be",
        (4.10, 50.00),
        (4.15, 50.28),
        (3.68, 50.36),
        (3.28, 50.52),
        (3.15, 50.78),
        (2.90, 50.70),
        (2.62, 50.82),
        "hdf_coast_be",
    ],
    # --- between regions -----------------------------------------------------------------
    "hdf_nor": ["hdf_nor_coast", (1.78, 49.76), (1.72, 49.47), "nor_hdf_idf"],
    "hdf_idf": ["nor_hdf_idf", (2.20, 49.17), (2.60, 49.10), (3.07, 49.12), "hdf_idf_ge"],
    "hdf_ge": ["hdf_ge_be", (4.05, 49.60), (3.85, 49.35), (3.62, 49.15), "hdf_idf_ge"],
    "idf_ge": ["hdf_idf_ge", (3.56, 48.70), "idf_ge_bfc"],
    "idf_bfc": ["idf_ge_bfc", (3.10, 48.30), "idf_bfc_cvl"],
    "idf_cvl": ["idf_cvl_nor", (1.60, 48.50), (1.97, 48.29), (2.40, 48.31), "idf_bfc_cvl"],
    "idf_nor": ["nor_hdf_idf", (1.61, 49.05), "idf_cvl_nor"],
    "ge_bfc": [
        "idf_ge_bfc",
        (3.95, 47.95),
        (4.60, 47.92),
        (5.30, 47.60),
        (5.90, 47.85),
        (6.45, 47.93),
        (6.84, 47.82),
        "ge_bfc_ch",
    ],
    "bfc_cvl": ["idf_bfc_cvl", (2.95, 47.75), (2.85, 47.35), "cvl_bfc_ara"],
    "bfc_ara": [
        "cvl_bfc_ara",
        (3.62, 46.75),
        (3.95, 46.30),
        (4.40, 46.28),
        (4.80, 46.20),
        (5.30, 46.28),
        "bfc_ara_ch",
    ],
    "nor_cvl": ["idf_cvl_nor", (1.05, 48.65), "nor_cvl_pdl"],
    "nor_pdl": ["nor_pdl_bre", (-0.50, 48.52), (0.10, 48.44), (0.55, 48.40), "nor_cvl_pdl"],
    "nor_bre": ["nor_bre_coast", "nor_pdl_bre"],
    "cvl_pdl": ["nor_cvl_pdl", (0.95, 48.00), (0.60, 47.70), (0.20, 47.58), "pdl_cvl_na"],
    "cvl_na": [
        "pdl_cvl_na",
        (0.55, 46.95),
        (1.00, 46.60),
        (1.40, 46.35),
        (1.90, 46.35),
        "cvl_na_ara",
    ],
    "cvl_ara": ["cvl_na_ara", (2.60, 46.60), "cvl_bfc_ara"],
    "bre_pdl": [
        "bre_pdl_coast",
        (-2.08, 47.65),
        (-1.60, 47.72),
        (-1.15, 47.85),
        (-1.10, 48.10),
        "nor_pdl_bre",
    ],
    "pdl_na": [
        "pdl_na_coast",
        (-0.70, 46.38),
        (-0.60, 46.65),
        (-0.55, 47.00),
        (-0.20, 47.08),
        "pdl_cvl_na",
    ],
    "na_ara": [
        "cvl_na_ara",
        (2.55, 46.10),
        (2.45, 45.80),
        (2.45, 45.40),
        (2.20, 45.25),
        "na_ara_occ",
    ],
    "na_occ": [
        "na_ara_occ",
        (1.40, 44.85),
        (1.00, 44.60),
        (0.90, 44.30),
        (0.60, 44.00),
        (0.10, 43.95),
        (-0.10, 43.60),
        (-0.05, 43.30),
        (-0.12, 43.05),
        "na_occ_es",
    ],
    "ara_occ": [
        "na_ara_occ",
        (2.70, 44.75),
        (3.10, 44.87),
        (3.50, 44.78),
        (3.90, 44.50),
        (4.20, 44.35),
        "ara_occ_paca",
    ],
    "occ_paca": ["ara_occ_paca", (4.80, 43.95), (4.65, 43.78), (4.62, 43.68), "occ_paca_coast"],
    "ara_paca": [
        "ara_occ_paca",
        (5.00, 44.35),
        (5.60, 44.42),
        (5.65, 44.65),
        (5.85, 44.80),
        (6.30, 44.85),
        (6.45, 45.05),
        "ara_paca_it",
    ],
}

# Each region: the lines around it, in order; "-name" walks a line backwards.
RINGS = {
    "32": ["coast_hdf", "hdf_nor", "hdf_idf", "-hdf_ge", "border_be_hdf"],
    "28": ["coast_nor", "nor_bre", "nor_pdl", "-nor_cvl", "-idf_nor", "-hdf_nor"],
    "11": ["hdf_idf", "idf_ge", "idf_bfc", "-idf_cvl", "-idf_nor"],
    "44": ["-idf_ge", "-hdf_ge", "-border_ch_de_lu_be_ge", "-ge_bfc"],
    "27": ["ge_bfc", "-border_ch_bfc", "-bfc_ara", "-bfc_cvl", "-idf_bfc"],
    "24": ["idf_cvl", "bfc_cvl", "-cvl_ara", "-cvl_na", "-cvl_pdl", "-nor_cvl"],
    "53": ["coast_bre", "bre_pdl", "-nor_bre"],
    "52": ["coast_pdl", "pdl_na", "-cvl_pdl", "-nor_pdl", "-bre_pdl"],
    "75": ["coast_na", "border_es_na", "-na_occ", "-na_ara", "-cvl_na", "-pdl_na"],
    "84": [
        "bfc_ara",
        "-border_it_ch_ara",
        "-ara_paca",
        "-ara_occ",
        "-na_ara",
        "cvl_ara",
    ],
    "76": ["border_es_occ", "coast_occ", "-occ_paca", "-ara_occ", "na_occ"],
    "93": ["coast_paca", "border_it_paca", "-ara_paca", "occ_paca"],
}

CORSICA = [
    (9.36, 43.01),
    (9.47, 42.80),
    (9.53, 42.55),
    (9.56, 42.10),
    (9.40, 41.90),
    (9.28, 41.60),
    (9.16, 41.38),
    (8.88, 41.52),
    (8.80, 41.66),
    (8.72, 41.90),
    (8.60, 42.13),
    (8.68, 42.28),
    (8.70, 42.52),
    (8.95, 42.64),
    (9.28, 42.68),
    (9.33, 42.87),
]

# Overseas regions: (code, outline, label point) in their own longitude/latitude; each inset
# is scaled to fit its box.
OVERSEAS = {
    "01": [  # Guadeloupe: Basse-Terre and Grande-Terre
        [
            (-61.80, 16.30),
            (-61.70, 16.05),
            (-61.60, 15.97),
            (-61.55, 16.10),
            (-61.57, 16.27),
            (-61.52, 16.22),
            (-61.45, 16.28),
            (-61.50, 16.38),
            (-61.53, 16.50),
            (-61.40, 16.48),
            (-61.22, 16.32),
            (-61.20, 16.25),
            (-61.36, 16.22),
            (-61.50, 16.24),
            (-61.58, 16.32),
            (-61.75, 16.35),
        ]
    ],
    "02": [  # Martinique
        [
            (-61.23, 14.87),
            (-61.08, 14.88),
            (-60.92, 14.75),
            (-60.82, 14.55),
            (-60.88, 14.42),
            (-60.98, 14.40),
            (-61.08, 14.48),
            (-61.05, 14.55),
            (-61.18, 14.60),
            (-61.15, 14.72),
        ]
    ],
    "03": [  # Guyane
        [
            (-54.00, 5.75),
            (-53.00, 5.55),
            (-52.30, 5.10),
            (-51.60, 4.20),
            (-51.90, 3.90),
            (-52.35, 3.20),
            (-52.60, 2.50),
            (-52.90, 2.20),
            (-53.80, 2.30),
            (-54.20, 2.40),
            (-54.00, 3.40),
            (-54.40, 4.20),
            (-54.35, 5.05),
        ]
    ],
    "04": [  # La Réunion
        [
            (55.45, -20.87),
            (55.65, -20.92),
            (55.80, -21.05),
            (55.83, -21.25),
            (55.65, -21.38),
            (55.45, -21.35),
            (55.28, -21.22),
            (55.22, -21.05),
            (55.30, -20.93),
        ]
    ],
    "06": [  # Mayotte: Grande-Terre
        [
            (45.04, -12.65),
            (45.12, -12.68),
            (45.20, -12.80),
            (45.18, -12.92),
            (45.22, -12.99),
            (45.10, -13.00),
            (45.08, -12.88),
            (45.04, -12.78),
        ]
    ],
}
OVERSEAS_ORDER = ("01", "02", "03", "04", "06")

# Where the figure is written on each metropolitan region (longitude, latitude).
LABEL_POINTS = {
    "32": (2.75, 50.05),
    "28": (0.05, 49.05),
    "11": (2.50, 48.70),
    "44": (5.60, 48.70),
    "27": (5.05, 47.15),
    "24": (1.65, 47.45),
    "53": (-2.95, 48.15),
    "52": (-0.85, 47.45),
    "75": (0.35, 45.50),
    "84": (4.45, 45.50),
    "76": (2.35, 43.75),
    "93": (6.20, 43.85),
    "94": (9.08, 42.15),
}


def project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection scaled by cos(46°): SVG (x, y) of the metropolitan frame."""
    return (MARGIN + (lon - LON_0) * COS_46 * SCALE, MARGIN + (LAT_0 - lat) * SCALE)


def _point(item) -> tuple[float, float]:
    return P[item] if isinstance(item, str) else item


def _line(name: str) -> list[tuple[float, float]]:
    reverse = name.startswith("-")
    points = [_point(item) for item in LINES[name.lstrip("-")]]
    return points[::-1] if reverse else points


def region_lonlat(code: str) -> list[tuple[float, float]]:
    """The outline of a metropolitan region, in (longitude, latitude), closed implicitly."""
    if code == "94":
        return list(CORSICA)
    points: list[tuple[float, float]] = []
    for name in RINGS[code]:
        line = _line(name)
        if points and points[-1] == line[0]:
            line = line[1:]
        points.extend(line)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _html(template: str, *args) -> SafeString:
    """`format_html` with floats written to one decimal (SVG coordinates)."""
    return format_html(template, *(f"{a:.1f}" if isinstance(a, float) else a for a in args))


def _path(points) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


# --- Frame --------------------------------------------------------------------------------------

METRO_WIDTH = project(9.7, 0)[0] + MARGIN
METRO_HEIGHT = project(0, 41.25)[1] + MARGIN
INSET_GAP = 8.0
INSET_SIZE = (METRO_WIDTH - 6 * INSET_GAP) / 5
INSET_TOP = METRO_HEIGHT + 4
LEGEND_TOP = INSET_TOP + INSET_SIZE + 22
WIDTH = METRO_WIDTH
HEIGHT = LEGEND_TOP + 56


def _inset_geometry(code: str, index: int):
    """(paths, label point, box) of an overseas region scaled into its inset box."""
    rings = OVERSEAS[code]
    lat_mid = sum(lat for ring in rings for _lon, lat in ring) / sum(len(r) for r in rings)
    cos = math.cos(math.radians(lat_mid))
    xs = [lon * cos for ring in rings for lon, _lat in ring]
    ys = [-lat for ring in rings for _lon, lat in ring]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    box_x = INSET_GAP + index * (INSET_SIZE + INSET_GAP)
    inner = INSET_SIZE - 46  # room for the figure and the name under the shape
    scale = inner / span
    off_x = box_x + (INSET_SIZE - (max(xs) - min(xs)) * scale) / 2
    off_y = INSET_TOP + 6 + (inner - (max(ys) - min(ys)) * scale) / 2
    paths = [
        [
            (off_x + (lon * cos - min(xs)) * scale, off_y + (-lat - min(ys)) * scale)
            for lon, lat in ring
        ]
        for ring in rings
    ]
    label_at = (box_x + INSET_SIZE / 2, INSET_TOP + INSET_SIZE - 24)
    return paths, label_at, (box_x, INSET_TOP, INSET_SIZE, INSET_SIZE)


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    paths: tuple[str, ...]
    label_at: tuple[float, float]
    inset: bool = False


def shapes() -> list[Shape]:
    """The 18 regions as SVG paths in the map's frame (13 metropolitan, then 5 overseas)."""
    result = []
    for code in ("32", "28", "11", "44", "27", "24", "53", "52", "75", "84", "76", "93", "94"):
        points = [project(lon, lat) for lon, lat in region_lonlat(code)]
        result.append(Shape(code, REGIONS[code], (_path(points),), project(*LABEL_POINTS[code])))
    for index, code in enumerate(OVERSEAS_ORDER):
        paths, label_at, _box = _inset_geometry(code, index)
        result.append(
            Shape(code, REGIONS[code], tuple(_path(p) for p in paths), label_at, inset=True)
        )
    return result


# --- Shading ------------------------------------------------------------------------------------

CLASSES = 5


def class_bounds(maximum: int) -> list[tuple[int, int]]:
    """Five classes of equal width from 1 to `maximum` (fewer when the maximum is small)."""
    if maximum <= 0:
        return []
    width = max(1, math.ceil(maximum / CLASSES))
    bounds = []
    low = 1
    while low <= maximum and len(bounds) < CLASSES:
        high = maximum if len(bounds) == CLASSES - 1 else min(maximum, low + width - 1)
        bounds.append((low, high))
        low = high + 1
    return bounds


def class_of(value: int, bounds: list[tuple[int, int]]) -> int:
    """0 for no value, else 1…5 (the darker, the more)."""
    for index, (low, high) in enumerate(bounds, start=1):
        if low <= value <= high:
            # spread fewer than five classes over the whole scale, so that the top is dark
            return round(index * CLASSES / len(bounds))
    return 0


def _count_label(count: int) -> str:
    return ngettext("%(count)s organisation", "%(count)s organisations", count) % {"count": count}


def shaded_map_svg(
    counts: Mapping[str, int], *, title: str, description: str, dom_id: str
) -> SafeString:
    """The map, each region shaded by `counts[code]` (missing codes count 0), with a legend."""
    bounds = class_bounds(max(counts.values(), default=0))
    parts = [
        _html(
            '<svg class="dash-map" role="img" aria-labelledby="{0}-titre {0}-desc" '
            'viewBox="0 0 {1} {2}" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{0}-titre">{3}</title><desc id="{0}-desc">{4}</desc>',
            dom_id,
            WIDTH,
            HEIGHT,
            title,
            description,
        )
    ]
    for index, code in enumerate(OVERSEAS_ORDER):
        _paths, _label, (x, y, w, h) = _inset_geometry(code, index)
        parts.append(
            _html(
                '<rect class="dash-map__inset" x="{}" y="{}" width="{}" '
                'height="{}" rx="4"/>'
                '<text class="dash-map__inset-name" x="{}" y="{}" '
                'text-anchor="middle">{}</text>',
                x,
                y,
                w,
                h,
                x + w / 2,
                y + h - 7,
                REGIONS[code],
            )
        )
    for shape in shapes():
        count = int(counts.get(shape.code, 0))
        level = class_of(count, bounds)
        paths = "".join(
            _html('<path class="dash-map__fill--{}" d="{}"/>', level, d) for d in shape.paths
        )
        parts.append(
            _html(
                '<g class="dash-map__region" data-region="{}" data-value="{}">'
                "<title>{} : {}</title>{}"
                '<text class="dash-map__value dash-map__value--{}" x="{}" y="{}" '
                'text-anchor="middle" dominant-baseline="middle">{}</text></g>',
                shape.code,
                count,
                shape.name,
                _count_label(count),
                mark_safe(paths),  # noqa: S308 - built by format_html above
                "light" if level >= 4 and not shape.inset else "dark",
                shape.label_at[0],
                shape.label_at[1],
                count,
            )
        )
    parts.append(_legend(bounds))
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - escaped parts


def _legend(bounds) -> SafeString:
    items = [(0, "0")] + [
        (class_of(low, bounds), f"{low}" if low == high else f"{low}–{high}")
        for low, high in bounds
    ]
    parts = [
        _html(
            '<text class="dash-map__legend-title" x="{}" y="{}">{}</text>',
            INSET_GAP,
            LEGEND_TOP,
            _("Organisations membres par région"),
        )
    ]
    step = (WIDTH - 2 * INSET_GAP) / 6
    for index, (level, text) in enumerate(items):
        x = INSET_GAP + index * step
        parts.append(
            _html(
                '<rect class="dash-map__fill--{}" x="{}" y="{}" width="22" '
                'height="16" rx="2"/>'
                '<text class="dash-map__legend" x="{}" y="{}">{}</text>',
                level,
                x,
                LEGEND_TOP + 12,
                x + 28,
                LEGEND_TOP + 25,
                text,
            )
        )
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - escaped parts
