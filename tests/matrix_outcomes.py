"""Permission-matrix rows for the outcomes pages (see tests/matrix.py for the vocabulary).

Objects are made on first use, once per world:
- OUTMAT, coordinated by the company (its admin `member` reports), the lab a partner (so
  `lab_member` sees the project without coordinating it: 403), labelled by Pôle Alpha (its
  animator sees it: 403), funded by the world's funder, with one final report;
- ENCOURS, a project of the company not funded: no outcome form (404), no public record (404).

The public record (`funded:*`) and the open data (`opendata:*`) are open to everyone.
"""

from datetime import timedelta

from django.utils import timezone

from projects import outcomes
from tests.factories import ProjectFactory, make_funded_project
from tests.matrix import Case, Forbidden, LoginRedirect, NotFound, Shows, everyone

FUNDED = "OUTMAT"
NOT_FUNDED = "ENCOURS"
SECRET_SUMMARY = "Résumé confidentiel OUTMAT"
SECRET_EMAIL = "contact.secret@ateliers.example"
PUBLIC_SUMMARY = "Un produit sur le marché européen."


def _member(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _funded(w):
    if not hasattr(w, "outcome_project"):
        w.company.contact_email = SECRET_EMAIL
        w.company.save(update_fields=["contact_email"])
        w.outcome_project = make_funded_project(
            actor=_member(w),
            coordinator=w.company,
            partners=[w.lab],
            poles=[w.pole],
            funder=w.funder,
            acronym=FUNDED,
            title="Projet financé de la matrice",
            summary=SECRET_SUMMARY,
        )
        w.outcome_report = outcomes.report_outcome(
            actor=_member(w),
            project=w.outcome_project,
            stage="final",
            as_of=timezone.localdate() - timedelta(days=3),
            products_on_market=1,
            jobs_created=4,
            jobs_kept=6,
            patents_filed=0,
            follow_on_funding_eur=0,
            public_summary=PUBLIC_SUMMARY,
        )
    return w.outcome_project


def _not_funded(w):
    if not hasattr(w, "not_funded_project"):
        w.not_funded_project = ProjectFactory(
            actor=_member(w), coordinator=w.company, acronym=NOT_FUNDED
        )
    return w.not_funded_project


def _made(w):
    _funded(w)
    _not_funded(w)
    return {}


class ServesData:
    """200, a file of `content_type` containing every text of `texts` and none of `hides`."""

    def __init__(self, content_type: str, *texts, hides=()):
        self.content_type, self.texts, self.hides = content_type, texts, hides

    def check(self, response, url, world):
        assert response.status_code == 200, f"{url}: {response.status_code}, expected 200"
        assert response["Content-Type"] == self.content_type
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8")
        for text in self.texts:
            assert (text(world) if callable(text) else text) in body
        for text in self.hides:
            assert (text(world) if callable(text) else text) not in body

    def __repr__(self):
        return "200 (data)"


# The outcome form: the coordinator's people; partners, the labelling pôle's staff and
# superusers see the project but do not coordinate it (403); everyone else 404.
COORDINATOR_ONLY = {
    **everyone(NotFound(FUNDED)),
    "anonymous": LoginRedirect(),
    "lab_member": Forbidden(),
    "animator": Forbidden(),
    "admin": Forbidden(),
}
NO_FORM = {**everyone(NotFound(NOT_FUNDED)), "anonymous": LoginRedirect()}


def _create_kwargs(w):
    return {"pk": _funded(w).pk}


def _edit_kwargs(w):
    _funded(w)
    return {"pk": w.outcome_project.pk, "outcome_pk": w.outcome_report.pk}


CSV = "text/csv; charset=utf-8"
JSON = "application/json"

CASES = [
    Case(
        "consortium:outcome_create",
        {**COORDINATOR_ONLY, "member": Shows("Déclarer les retombées", FUNDED)},
        kwargs=_create_kwargs,
    ),
    Case(
        "consortium:outcome_create",
        {**COORDINATOR_ONLY, "member": Shows("La date ne peut pas être dans le futur.")},
        variant="post future date",
        kwargs=_create_kwargs,
        method="post",
        data={
            "stage": "follow_up",
            "as_of": "2999-01-01",
            "products_on_market": 1,
            "jobs_created": 0,
            "jobs_kept": 0,
            "patents_filed": 0,
            "follow_on_funding_eur": 0,
        },
    ),
    Case(
        "consortium:outcome_create",
        NO_FORM,
        variant="project not funded",
        kwargs=lambda w: {"pk": _not_funded(w).pk},
    ),
    Case(
        "consortium:outcome_edit",
        {**COORDINATOR_ONLY, "member": Shows("Modifier le bilan des retombées", PUBLIC_SUMMARY)},
        kwargs=_edit_kwargs,
    ),
    Case(
        "funded:list",
        everyone(Shows(FUNDED, hides=(NOT_FUNDED, SECRET_SUMMARY))),
        kwargs=_made,
    ),
    Case(
        "funded:detail",
        everyone(Shows(FUNDED, PUBLIC_SUMMARY, lambda w: w.lab.name, hides=(SECRET_SUMMARY,))),
        kwargs=lambda w: {"pk": _funded(w).pk},
    ),
    Case(
        "funded:detail",
        everyone(NotFound(NOT_FUNDED)),
        variant="project not funded",
        kwargs=lambda w: {"pk": _not_funded(w).pk},
    ),
    Case("opendata:index", everyone(Shows("Licence Ouverte / Open Licence 2.0 (Etalab)"))),
    Case(
        "opendata:organisations_csv",
        everyone(
            ServesData(
                CSV,
                lambda w: w.company.name,
                hides=(lambda w: w.unpublished.name, SECRET_EMAIL),
            )
        ),
        kwargs=_made,
    ),
    Case(
        "opendata:organisations_json",
        everyone(
            ServesData(
                JSON,
                lambda w: w.company.name,
                hides=(lambda w: w.unpublished.name, SECRET_EMAIL),
            )
        ),
        kwargs=_made,
    ),
    Case(
        "opendata:funded_projects_csv",
        everyone(ServesData(CSV, FUNDED, hides=(NOT_FUNDED, SECRET_SUMMARY))),
        kwargs=_made,
    ),
    Case(
        "opendata:funded_projects_json",
        everyone(ServesData(JSON, FUNDED, hides=(NOT_FUNDED, SECRET_SUMMARY))),
        kwargs=_made,
    ),
]
