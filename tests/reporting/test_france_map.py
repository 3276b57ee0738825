"""The map of the 18 regions, shaded in five classes."""

import re

from poles.services import REGIONS
from reporting import france_map


def test_map_draws_the_18_regions_with_name_and_count():
    svg = str(
        france_map.shaded_map_svg({"53": 12, "11": 40}, title="Carte", description="d", dom_id="m")
    )
    assert sorted(re.findall(r'data-region="(\d+)"', svg)) == sorted(REGIONS)
    assert "<title>Bretagne : 12 organisations</title>" in svg
    assert "<title>Corse : 0 organisation" in svg
    assert 'role="img" aria-labelledby="m-titre m-desc"' in svg
    assert "style=" not in svg


def test_shades_in_five_classes_up_to_the_maximum():
    bounds = france_map.class_bounds(40)
    assert bounds == [(1, 8), (9, 16), (17, 24), (25, 32), (33, 40)]
    assert france_map.class_of(0, bounds) == 0
    assert france_map.class_of(40, bounds) == 5
    assert france_map.class_of(2, france_map.class_bounds(2)) == 5


def test_metropolitan_regions_close_their_outline():
    for code in ("32", "28", "11", "44", "27", "24", "53", "52", "75", "84", "76", "93"):
        assert len(france_map.region_lonlat(code)) >= 5
