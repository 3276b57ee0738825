"""The SVG bar chart and the CSV are drawn from one `Chart`."""

from reporting.charts import Chart, Row, Series, bar_chart_svg, chart_csv


def _chart(**kwargs):
    defaults = {
        "slug": "essai",
        "title": "Essai",
        "description": "Un essai.",
        "category": "Année",
        "series": (Series("a", "Aide accordée"),),
        "rows": (Row("2024", "2024", (1_250_000,)), Row("2025", "2025", (0,))),
        "money": True,
    }
    return Chart(**{**defaults, **kwargs})


def test_bar_chart_is_accessible_svg_with_values():
    svg = str(bar_chart_svg(_chart(), dom_id="g"))
    assert svg.startswith('<svg class="dash-bars" role="img" aria-labelledby="g-titre g-desc"')
    assert '<title id="g-titre">Essai</title>' in svg
    assert "2024 : Aide accordée 1\u202f250\u202f000\u00a0€" in svg  # the <desc>
    assert 'data-value="1250000"' in svg
    assert "style=" not in svg


def test_empty_chart_says_so_instead_of_an_empty_frame():
    chart = _chart(rows=(Row("2024", "2024", (0,)),))
    assert str(bar_chart_svg(chart, dom_id="g")) == (
        '<p class="dash-empty">Aucune donnée pour l&#x27;instant.</p>'
    )


def test_csv_has_plain_integers_and_codes_when_asked():
    text = chart_csv(_chart(with_codes=True))
    assert text.startswith("\ufeffcode,Année,Aide accordée\r\n")
    assert "2024,2024,1250000\r\n" in text


def test_labels_are_escaped():
    svg = str(bar_chart_svg(_chart(rows=(Row("x", "<b>", (3,)),)), dom_id="g"))
    assert "&lt;b&gt;" in svg and "<b>" not in svg
