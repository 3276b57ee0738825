"""Partner searches shown on other apps' pages (an organisation's profile), without those apps
knowing about the projects app."""

from django import template

from projects.models import PartnerSearch

register = template.Library()


@register.inclusion_tag("projects/includes/organisation_searches.html", takes_context=True)
def open_partner_searches(context, organisation, limit=5):
    """The organisation's open partner searches, for signed-in people (one query)."""
    user = context["request"].user
    searches = []
    if user.is_authenticated:
        searches = list(
            PartnerSearch.objects.open()
            .filter(organisation=organisation)
            .order_by("-created_at")[:limit]
        )
    return {"searches": searches, "organisation": organisation}
