"""`{% chart_svg chart dom_id %}`: a dashboard chart as SVG (bars, or the map of regions)."""

from django import template

from reporting import charts, france_map

register = template.Library()


@register.simple_tag
def chart_svg(chart: charts.Chart, dom_id: str):
    if chart.kind == "map":
        return france_map.shaded_map_svg(
            {row.key: row.values[0] for row in chart.rows},
            title=chart.title,
            description=charts.describe(chart),
            dom_id=dom_id,
        )
    return charts.bar_chart_svg(chart, dom_id=dom_id)


@register.filter
def chart_value(chart: charts.Chart, value) -> str:
    """A figure as the chart writes it: French digits, in euros for money."""
    return chart.display(value)
