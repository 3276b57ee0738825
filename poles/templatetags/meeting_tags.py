"""Tags of the business-meetings panel on the event page."""

from django import template

from poles import meetings

register = template.Library()


@register.simple_tag
def meetings_panel_counts(event, registration) -> dict[str, int]:
    """`{% meetings_panel_counts event registration as counts %}`: participants open to
    meetings, requests to answer, requests sent, accepted meetings (two queries)."""
    return meetings.panel_counts(event, registration)
