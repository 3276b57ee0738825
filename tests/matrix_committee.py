"""Permission-matrix rows for the call managers' pages (`committee:*`), and the builders the
committee's tests share (`open_call`, `submitted_dossier`, `funder_person`, `submit_review`).

The matrix's objects are made on first use, once per world:
- COMITE, a project of the company (coordinated by `member`) with the lab, labelled by Pôle
  Alpha and submitted to "Appel du comité", a call funded by `world.funder`; a reviewer of
  `world.funder` (not a persona) is assigned and has submitted his review; `world.funder`
  decided to fund it (not yet released). A second reviewer is free to assign.
- "Appel Bêta", a call funded by `world.other_funder` only, with no dossier.

Who: `funder_manager` (manager of `world.funder`) and `admin` (superuser) manage the call;
everyone else signed in gets 403 on the list of calls (no call to manage) and 404 on the
call's pages (nothing is revealed: neither the consortium, the reviewers, the other funders
nor the pôle's staff). `funder_manager` gets 404 on the other funder's call.
"""

from django.urls import reverse

from funding.dossiers import submit_project
from funding.models import Call, Funder, FunderMember
from funding.review import assign_reviewer, record_decision, save_review
from members.models import Organisation
from projects.models import Project
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    RegionFactory,
    UserFactory,
    with_totp,
)
from tests.funding.dossier_setup import make_consortium
from tests.matrix import (
    Case,
    Forbidden,
    LoginRedirect,
    NotAllowed,
    NotFound,
    RedirectsTo,
    Shows,
    everyone,
    signed_in,
)

# --- builders shared by the committee's tests -------------------------------------------------


def open_call(*funders, **fields) -> Call:
    """An open call (the factory's dates) funded by `funders`."""
    call = CallFactory(**fields)
    call.funders.add(*funders)
    return call


def submitted_dossier(call, *, competences=(), **consortium):
    """Version 1 of an eligible, labelled project submitted to `call` by its coordinator;
    `consortium` goes to `make_consortium` (acronym, coordinator, company, lab…)."""
    team = make_consortium(call=call, **consortium)
    if competences:
        team.project.competences.set(competences)
    return submit_project(actor=team.actor, project=team.project)


def funder_person(funder, email, *, role="reviewer", organisation=None, **names):
    """A person of `funder` (reviewer or manager) with an authenticator app, working for
    `organisation` (a new "other" organisation by default)."""
    user = UserFactory(email=email, **names)
    AffiliationFactory(user=user, organisation=organisation or OtherOrganisationFactory())
    FunderMember.objects.create(funder=funder, user=user, role=role)
    return with_totp(user)


def submit_review(assignment, values, *, committee="Avis pour le comité.", applicants=""):
    """The assigned reviewer scores the call's criteria in order (`values`) and submits."""
    criteria = list(assignment.call.criteria.all())
    return save_review(
        actor=assignment.reviewer,
        assignment=assignment,
        scores={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
        comment_committee=committee,
        comment_applicants=applicants,
        submit=True,
    )


# --- the matrix's world -----------------------------------------------------------------------

PROJECT = "COMITE"
CALL_TITLE = "Appel du comité"
OTHER_CALL_TITLE = "Appel Bêta"
MANAGERS = ("funder_manager", "admin")
REVIEWER_EMAIL = "evaluateur.comite@example.org"
FREE_REVIEWER_EMAIL = "evaluatrice.libre@example.org"
COMMITTEE_COMMENT = "Consortium solide, marché à préciser."


def _member(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _committee(w):
    """The call, the submitted dossier, its assignment, review and decision (see above)."""
    if not hasattr(w, "committee"):
        call = open_call(w.funder, slug="appel-comite", title=CALL_TITLE)
        version = submitted_dossier(
            call,
            coordinator=w.company,
            actor=_member(w),
            company=OrganisationFactory(name="Usinage Occitan", region=RegionFactory(code="76")),
            lab=w.lab,
            pole=w.pole,
            expenses=(300_000, 300_000, 400_000),
            acronym=PROJECT,
        )
        chief = UserFactory(email="chef.comite@example.org", is_superuser=True, is_staff=True)
        reviewer = funder_person(w.funder, REVIEWER_EMAIL, first_name="Eva", last_name="Luatrice")
        funder_person(w.funder, FREE_REVIEWER_EMAIL, first_name="Libre", last_name="Évaluatrice")
        assignment = assign_reviewer(
            actor=chief, project=version.project, call=call, reviewer=reviewer, funder=w.funder
        )
        review = submit_review(assignment, (4, 3, 4, 3, 3), committee=COMMITTEE_COMMENT)
        record_decision(
            actor=chief,
            project=version.project,
            call=call,
            funder=w.funder,
            outcome="funded",
            aids={w.company.pk: 100_000},
        )
        open_call(w.other_funder, slug="appel-beta", title=OTHER_CALL_TITLE)
        w.committee = {
            "call": call,
            "version": version,
            "project": version.project,
            "assignment": assignment,
            "review": review,
        }
    return w.committee


def _made(w):
    _committee(w)
    return {}


def _call_kwargs(w):
    return {"slug": _committee(w)["call"].slug}


def _project_kwargs(w):
    return {**_call_kwargs(w), "project_pk": _committee(w)["project"].pk}


def _call_url(w):
    return reverse("committee:call", kwargs=_call_kwargs(w))


def _managers(shown, others=None) -> dict:
    """The call's managers get `shown`; everyone else signed in 404 (or `others`)."""
    return {
        **everyone(others or NotFound(PROJECT, REVIEWER_EMAIL)),
        "anonymous": LoginRedirect(),
        **dict.fromkeys(MANAGERS, shown),
    }


def _post_only() -> dict:
    return {**signed_in(NotAllowed("POST")), "anonymous": LoginRedirect()}


class _Queried(dict):
    """POST data made of primary keys, looked up when the request is sent: a row's data are
    static, and its objects exist only once its `kwargs` built them."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def items(self):
        return self.make().items()


def _assign_data():
    reviewer = FunderMember.objects.get(user__email=FREE_REVIEWER_EMAIL)
    project = Project.objects.get(acronym=PROJECT)
    return {"project": project.pk, "reviewer": reviewer.user_id, "funder": reviewer.funder_id}


def _decision_data():
    funder = Funder.objects.get(slug="banque-regionale")
    company = Organisation.objects.get(name="Ateliers Durand")
    prefix = f"f{funder.pk}"
    return {
        "funder": funder.pk,
        f"{prefix}-outcome": "funded",
        f"{prefix}-comment_applicants": "Financé par la Banque régionale.",
        f"{prefix}-aid_{company.pk}": 90_000,
    }


CASES = [
    Case(
        "committee:calls",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "funder_manager": Shows(CALL_TITLE, hides=(OTHER_CALL_TITLE,)),
            "admin": Shows(CALL_TITLE, OTHER_CALL_TITLE),
        },
        kwargs=_made,
    ),
    Case(
        "committee:call",
        _managers(Shows(PROJECT, REVIEWER_EMAIL, "Assigner la suggestion")),
        kwargs=_call_kwargs,
    ),
    Case(
        "committee:call",
        {
            **everyone(NotFound(OTHER_CALL_TITLE)),
            "anonymous": LoginRedirect(),
            "admin": Shows(OTHER_CALL_TITLE, "Aucun dossier déposé"),
        },
        variant="other funder's call",
        kwargs=lambda w: {"slug": (_committee(w), "appel-beta")[1]},
    ),
    Case(
        "committee:call",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown slug",
        kwargs=lambda w: {"slug": "appel-inconnu"},
    ),
    Case(
        "committee:assign",
        _managers(RedirectsTo(lambda w: f"{_call_url(w)}#dossier-{_committee(w)['project'].pk}")),
        kwargs=_call_kwargs,
        method="post",
        data=_Queried(_assign_data),
    ),
    Case("committee:assign", _post_only(), variant="get", kwargs=_call_kwargs),
    Case(
        "committee:withdraw",
        _managers(RedirectsTo(lambda w: f"{_call_url(w)}#dossier-{_committee(w)['project'].pk}")),
        kwargs=lambda w: {**_call_kwargs(w), "pk": _committee(w)["assignment"].pk},
        method="post",
    ),
    Case(
        "committee:withdraw",
        _post_only(),
        variant="get",
        kwargs=lambda w: {**_call_kwargs(w), "pk": _committee(w)["assignment"].pk},
    ),
    Case(
        "committee:reopen",
        _managers(RedirectsTo(lambda w: f"{_call_url(w)}#dossier-{_committee(w)['project'].pk}")),
        kwargs=lambda w: {**_call_kwargs(w), "pk": _committee(w)["review"].pk},
        method="post",
    ),
    Case(
        "committee:reopen",
        _post_only(),
        variant="get",
        kwargs=lambda w: {**_call_kwargs(w), "pk": _committee(w)["review"].pk},
    ),
    Case(
        "committee:ranking",
        _managers(Shows(PROJECT, "3,40", COMMITTEE_COMMENT, "Financé")),
        kwargs=_call_kwargs,
    ),
    Case(
        "committee:decision",
        _managers(Shows(PROJECT, 'name="f', "Usinage Occitan", 'value="100000"')),
        kwargs=_project_kwargs,
    ),
    Case(
        "committee:decision",
        _managers(
            RedirectsTo(
                lambda w: (
                    reverse("committee:decision", kwargs=_project_kwargs(w))
                    + f"#financeur-{w.funder.slug}"
                )
            )
        ),
        variant="post",
        kwargs=_project_kwargs,
        method="post",
        data=_Queried(_decision_data),
    ),
    Case(
        "committee:release",
        _managers(Shows(PROJECT, "Communiquer les décisions")),
        kwargs=_call_kwargs,
    ),
    Case(
        "committee:release",
        _managers(RedirectsTo(lambda w: reverse("committee:ranking", kwargs=_call_kwargs(w)))),
        variant="post",
        kwargs=_call_kwargs,
        method="post",
    ),
    Case(
        "committee:history",
        _managers(Shows(PROJECT, "Évaluation remise", "Décision d&#x27;un financeur")),
        kwargs=_project_kwargs,
    ),
]
