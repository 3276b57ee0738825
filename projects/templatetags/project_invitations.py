"""The pending invitations of a project, for `projects/includes/project_invitations.html`.

The include is rendered inside other pages (the project page, the invite page) that only
pass `project` and `request`: this tag reads the list and whether the viewer may cancel.
"""

from types import SimpleNamespace

from django import template

from projects import consortium, permissions
from projects.models import InvitationStatus

register = template.Library()


@register.simple_tag
def pending_invitations(project, user):
    """`invitations` (pending, oldest first) and `can_coordinate`, `can_invite` (two queries,
    none when the page has read them: `project.pending_invitation_list`, and the viewer's
    roles from `permissions.get_project_page_for_user`)."""
    can_coordinate = permissions.can_coordinate(user, project)
    invitations = getattr(project, "pending_invitation_list", None)
    if invitations is None:
        invitations = list(
            project.invitations.filter(status=InvitationStatus.PENDING)
            .select_related("organisation", "invited_by")
            .order_by("created_at", "pk")
        )
    return SimpleNamespace(
        invitations=invitations,
        can_coordinate=can_coordinate,
        can_invite=can_coordinate and project.status in consortium.OPEN_STATUSES,
    )
