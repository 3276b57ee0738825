"""Permission-matrix rows for the reviewers' pages (`review:*`).

Objects are made on first use, once per world: MATRIX, the submitted dossier of
`tests/matrix_dossiers.py` (coordinated by `member`, with `lab_member`'s lab); its call is
funded by `world.funder`, and a reviewer of `world.funder` is assigned to it: the `funder`
persona when the row is played for him, another reviewer of the same funder otherwise.

Who: the list is for people with a reviewer role or an assignment (`funder`; `other_funder`,
a reviewer of another funder and call, sees an empty list); 403 for everyone else signed in,
the funder's manager and superusers included. An assignment and its conflict page are for its
reviewer only: 404 for everyone else (the consortium, the other reviewer, the pôle's staff,
the funder's manager, superusers), so that nothing of the dossier is revealed. The assigned
reviewer also reads the dossier's versions (`dossiers:detail`), as the managers of a funder
of its call do.
"""

from django.urls import reverse

from funding.models import FunderMember
from funding.review import assign_reviewer
from members.models import User
from tests.factories import UserFactory, with_totp
from tests.matrix import (
    Case,
    Forbidden,
    LoginRedirect,
    NotFound,
    RedirectsTo,
    Shows,
    everyone,
    signed_in,
)
from tests.matrix_dossiers import DOSSIER_PROJECT, SEES_DOSSIER, _reference, _version

REVIEWER = "funder"
PERSONA_EMAIL = "funder@example.org"


def _reviewer(w):
    """The `funder` persona if this row is played for him, another reviewer otherwise."""
    user = User.objects.filter(email=PERSONA_EMAIL).first()
    if user is None:
        user = with_totp(UserFactory(email="evaluateur.matrice@example.org"))
        FunderMember.objects.create(funder=w.funder, user=user, role="reviewer")
    return user


def _assignment(w):
    if not hasattr(w, "assignment"):
        version = _version(w)
        version.call.funders.add(w.funder)
        w.assignment = assign_reviewer(
            actor=UserFactory(
                email="gestion.matrice@example.org", is_superuser=True, is_staff=True
            ),
            project=version.project,
            call=version.call,
            reviewer=_reviewer(w),
            funder=w.funder,
        )
    return w.assignment


def _assignment_kwargs(w):
    return {"pk": _assignment(w).pk}


def _assignment_url(w):
    return reverse("review:assignment", kwargs=_assignment_kwargs(w))


def _made(*objects):
    """kwargs of a URL without parameters, once the objects it should show exist."""
    return {}


def _reviewer_only(expect) -> dict:
    return {
        **everyone(NotFound(DOSSIER_PROJECT)),
        "anonymous": LoginRedirect(),
        REVIEWER: expect,
    }


CASES = [
    Case(
        "review:list",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            REVIEWER: Shows(DOSSIER_PROJECT, "Évaluation des dossiers", "Non commencée"),
            "other_funder": Shows(
                "Aucun dossier ne vous est confié pour le moment.", hides=(DOSSIER_PROJECT,)
            ),
        },
        kwargs=lambda w: _made(_assignment(w)),
    ),
    Case(
        "review:assignment",
        _reviewer_only(
            Shows(DOSSIER_PROJECT, _reference, 'name="comment_committee"', "Ateliers Durand")
        ),
        kwargs=_assignment_kwargs,
    ),
    Case(
        "review:assignment",
        _reviewer_only(RedirectsTo(_assignment_url)),
        variant="post draft",
        kwargs=_assignment_kwargs,
        method="post",
        data={"action": "draft", "comment_committee": "À compléter."},
    ),
    Case(
        "review:assignment",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown pk",
        kwargs=lambda w: {"pk": 999999},
    ),
    Case(
        "review:conflict",
        _reviewer_only(Shows(DOSSIER_PROJECT, 'name="reason"')),
        kwargs=_assignment_kwargs,
    ),
    Case(
        "review:conflict",
        _reviewer_only(RedirectsTo("/evaluation/")),
        variant="post",
        kwargs=_assignment_kwargs,
        method="post",
        data={"reason": "J'ai travaillé pour le coordinateur."},
    ),
    # The assigned reviewer reads the dossier's versions, and so does the manager of a funder of
    # its call; the reviewer of another call does not.
    Case(
        "dossiers:detail",
        {
            **everyone(NotFound(DOSSIER_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(
                (*SEES_DOSSIER, REVIEWER, "funder_manager"), Shows(DOSSIER_PROJECT, _reference)
            ),
        },
        variant="assigned reviewer",
        kwargs=lambda w: {"pk": _assignment(w) and _version(w).pk},
    ),
]
