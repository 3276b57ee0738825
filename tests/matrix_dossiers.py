"""Permission-matrix rows for labelling and dossiers (`labelling:*`, `dossiers:*`).

Objects are made on first use, once per world:
- LABELX, a project of the company (coordinated by `member`) asked to Pôle Alpha for a label,
  not yet decided: the labelling pages;
- MATRIX, the company with the lab and another company of Occitanie, labelled by Pôle Alpha
  and submitted once by `member` (version 1): the dossier pages.

Who sees a dossier: the people who see its project (the consortium, the labelling pôle's
staff, superusers). Submitting is for the coordinator's people: 403 for the other partners,
the pôle's staff and superusers, who see the project but do not coordinate it.
"""

from django.urls import reverse

from funding.dossiers import submit_project
from funding.models import DossierVersion
from projects import consortium
from tests.factories import OrganisationFactory, ProjectFactory, RegionFactory
from tests.funding.dossier_setup import PDF_BYTES, make_consortium
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


class Serves:
    """200, a download of `content_type` whose bytes start with `starts_with`."""

    def __init__(self, content_type: str, starts_with: bytes):
        self.content_type, self.starts_with = content_type, starts_with

    def check(self, response, url, world):
        assert response.status_code == 200, f"{url}: {response.status_code}, expected 200"
        assert response["Content-Type"] == self.content_type
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(self.starts_with)

    def __repr__(self):
        return "200 (file)"


LABEL_PROJECT = "LABELX"
DOSSIER_PROJECT = "MATRIX"
LABEL_STAFF = ("animator", "admin")
SEES_DOSSIER = ("member", "lab_member", "animator", "admin")


def _member(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _label_request(w):
    if not hasattr(w, "label_request"):
        project = ProjectFactory(
            actor=_member(w), coordinator=w.company, acronym=LABEL_PROJECT, title="Labellisation"
        )
        [w.label_request] = consortium.request_labels(
            actor=_member(w), project=project, poles=[w.pole]
        )
    return w.label_request


def _version(w):
    """Version 1 of MATRIX: 70 % of its expenses in Occitanie, Pôle Alpha's territory."""
    if not hasattr(w, "version"):
        team = make_consortium(
            coordinator=w.company,
            actor=_member(w),
            company=OrganisationFactory(name="Usinage Occitan", region=RegionFactory(code="76")),
            lab=w.lab,
            pole=w.pole,
            expenses=(300_000, 300_000, 400_000),
            acronym=DOSSIER_PROJECT,
        )
        w.version = submit_project(actor=team.actor, project=team.project)
    return w.version


def _made(*objects):
    """kwargs of a URL without parameters, once the objects it should show exist."""
    return {}


def _version_kwargs(w):
    return {"pk": _version(w).pk}


def _reference(w):
    return _version(w).reference


def _latest_version_url(w):
    latest = DossierVersion.objects.filter(project_id=_version(w).project_id).latest("number")
    return reverse("dossiers:detail", kwargs={"pk": latest.pk})


def _dossier_access(shown) -> dict:
    return {
        **everyone(NotFound(DOSSIER_PROJECT)),
        "anonymous": LoginRedirect(),
        **dict.fromkeys(SEES_DOSSIER, shown),
    }


def _submit_access(coordinator) -> dict:
    return {
        **everyone(NotFound(DOSSIER_PROJECT)),
        "anonymous": LoginRedirect(),
        "member": coordinator,
        "lab_member": Forbidden(),
        "animator": Forbidden(),
        "admin": Forbidden(),
    }


CASES = [
    # Labelling: pôle staff only (403 for those who animate no pôle, 404 for another pôle's).
    Case(
        "labelling:list",
        {
            **everyone(Forbidden()),
            "anonymous": LoginRedirect(),
            "animator": Shows(LABEL_PROJECT, "1 demande à décider"),
            "other_animator": Shows("Aucune demande de label", hides=(LABEL_PROJECT,)),
            "admin": Shows(LABEL_PROJECT),
        },
        kwargs=lambda w: _made(_label_request(w)),
    ),
    Case(
        "labelling:decide",
        {
            **everyone(NotFound(LABEL_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(LABEL_STAFF, Shows(LABEL_PROJECT, 'name="committee_date"')),
        },
        kwargs=lambda w: {"pk": _label_request(w).pk},
    ),
    Case(
        "labelling:decide",
        {
            **everyone(NotFound(LABEL_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(LABEL_STAFF, RedirectsTo("/labellisation/")),
        },
        variant="post",
        kwargs=lambda w: {"pk": _label_request(w).pk},
        method="post",
        data={"decision": "refused", "committee_date": "2024-06-03", "comments": "Hors sujet."},
    ),
    Case(
        "labelling:decide",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown pk",
        kwargs=lambda w: {"pk": 999999},
    ),
    # Dossiers.
    Case(
        "dossiers:submit",
        _submit_access(Shows(DOSSIER_PROJECT, "Déposer la version 2")),
        kwargs=lambda w: {"pk": _version(w).project_id},
    ),
    Case(
        "dossiers:submit",
        _submit_access(RedirectsTo(_latest_version_url)),
        variant="post",
        kwargs=lambda w: {"pk": _version(w).project_id},
        method="post",
    ),
    Case(
        "dossiers:detail",
        _dossier_access(Shows(DOSSIER_PROJECT, _reference, "Ateliers Durand", "Usinage Occitan")),
        kwargs=_version_kwargs,
    ),
    Case(
        "dossiers:detail",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown pk",
        kwargs=lambda w: {"pk": 999999},
    ),
    Case(
        "dossiers:detail",
        {**signed_in(NotAllowed("GET")), "anonymous": LoginRedirect()},
        variant="post",
        kwargs=_version_kwargs,
        method="post",
    ),
    Case(
        "dossiers:pdf",
        _dossier_access(Serves("application/pdf", b"%PDF-")),
        kwargs=_version_kwargs,
    ),
    Case(
        "dossiers:csv",
        _dossier_access(Shows("Partenaire;Catégorie", "Ateliers Durand;")),
        kwargs=_version_kwargs,
    ),
    Case(
        "dossiers:file",
        _dossier_access(Serves("application/pdf", PDF_BYTES)),
        kwargs=lambda w: {"pk": _version(w).pk, "file_pk": _version(w).files.get().pk},
    ),
]
