"""Permission-matrix rows for projects (`consortium:*`)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import AffiliationRole
from projects import consortium
from tests.factories import (
    AffiliationFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    add_partner,
)
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

CASES: list = []

# --- Invitations (`consortium:invite`, `cancel_invitation`, `invitation`) ---------------------
# INVMAT: coordinated by the company (its admin `member` acts for it), the lab a partner (so
# `lab_member` sees the project without coordinating it: 403). TIERS: coordinated by a third
# company, inviting the company (answered by its admin `member`) and the lab (whose only
# persona, `lab_member`, is a plain member: 404, as for everyone else).
# The objects are made on first use, once per world.

INV_PROJECT = "INVMAT"
TIERS_PROJECT = "TIERSPROJ"


def _inv_company_admin(w):
    return w.company.affiliations.get(user__email="member@example.org").user


def _inv_project(w):
    if not hasattr(w, "inv_project"):
        w.inv_project = ProjectFactory(
            actor=_inv_company_admin(w), coordinator=w.company, acronym=INV_PROJECT
        )
        add_partner(w.inv_project, w.lab)
    return w.inv_project


def _inv_invitation(w):
    """A pending invitation of a published company to INVMAT."""
    if not hasattr(w, "inv_invitation"):
        w.inv_invitation = consortium.invite_organisation(
            actor=_inv_company_admin(w),
            project=_inv_project(w),
            organisation=OrganisationFactory(name="Organisation Invitée Matrice"),
        )
    return w.inv_invitation


def _tiers_project(w):
    if not hasattr(w, "tiers_project"):
        coordinator = OrganisationFactory(name="Coordinateur Tiers")
        w.tiers_admin = UserFactory(email="tiers@example.org")
        AffiliationFactory(user=w.tiers_admin, organisation=coordinator, role=AffiliationRole.ADMIN)
        w.tiers_project = ProjectFactory(
            actor=w.tiers_admin, coordinator=coordinator, acronym=TIERS_PROJECT
        )
    return w.tiers_project


def _tiers_invitation(w, organisation):
    project = _tiers_project(w)
    return consortium.invite_organisation(
        actor=w.tiers_admin, project=project, organisation=organisation
    )


def _inv_detail_url(w):
    return f"{reverse('consortium:detail', args=[_inv_project(w).pk])}#invitations"


INV_OUTSIDE = {
    **everyone(NotFound(INV_PROJECT)),
    "anonymous": LoginRedirect(),
    "lab_member": Forbidden(),  # a partner: sees the project, does not coordinate it
    "admin": Forbidden(),  # a superuser sees every project, coordinates none
}

INVITATION_CASES = [
    Case(
        "consortium:invite",
        {**INV_OUTSIDE, "member": Shows(INV_PROJECT, 'name="q"', 'name="siret-siret"')},
        kwargs=lambda w: {"pk": _inv_project(w).pk},
    ),
    Case(
        "consortium:invite",
        {**INV_OUTSIDE, "member": Shows("SIRET invalide")},
        variant="post invalid siret",
        kwargs=lambda w: {"pk": _inv_project(w).pk},
        method="post",
        data={"way": "siret", "siret-siret": "12345678901234", "siret-email": "x@example.org"},
    ),
    Case(
        "consortium:cancel_invitation",
        {**INV_OUTSIDE, "member": RedirectsTo(_inv_detail_url)},
        kwargs=lambda w: {"pk": _inv_project(w).pk, "invitation_pk": _inv_invitation(w).pk},
        method="post",
    ),
    Case(
        "consortium:cancel_invitation",
        {**signed_in(NotAllowed("POST")), "anonymous": LoginRedirect()},
        variant="get",
        kwargs=lambda w: {"pk": _inv_project(w).pk, "invitation_pk": _inv_invitation(w).pk},
    ),
    Case(
        "consortium:invitation",
        {
            **everyone(NotFound(TIERS_PROJECT)),
            "anonymous": LoginRedirect(),
            "member": Shows(TIERS_PROJECT, "Accepter et rejoindre le consortium"),
        },
        variant="to the company",
        kwargs=lambda w: {"invitation_pk": _tiers_invitation(w, w.company).pk},
    ),
    Case(
        "consortium:invitation",
        {**everyone(NotFound(TIERS_PROJECT)), "anonymous": LoginRedirect()},
        variant="to the lab, whose persona is a plain member",
        kwargs=lambda w: {"invitation_pk": _tiers_invitation(w, w.lab).pk},
    ),
    Case(
        "consortium:invitation",
        {
            **everyone(NotFound(TIERS_PROJECT)),
            "anonymous": LoginRedirect(),
            "member": RedirectsTo("/mon-espace/"),
        },
        variant="post decline",
        kwargs=lambda w: {"invitation_pk": _tiers_invitation(w, w.company).pk},
        method="post",
        data={"decision": "decline"},
    ),
]

CASES += INVITATION_CASES


# --- Project pages (`consortium:*` of projects/project_views.py) ------------------------------
# MATPROJ: coordinated by the company (`member` acts for it), the lab a partner
# (`lab_member` edits the lab's part only), Pôle Alpha asked for a label (so its `animator`
# sees the project, and acts on nothing). A superuser sees every project, acts for no partner.
# The lab's part carries a PDF attached by a colleague of the lab.

PM_PROJECT = "MATPROJ"
PM_PDF = b"%PDF-1.4\n%%EOF\n"
PM_SEES = ("member", "lab_member", "animator", "admin")


class Downloads:
    """200 and the file itself, not sniffable."""

    def __init__(self, content: bytes):
        self.content = content

    def check(self, response, url, world):
        assert response.status_code == 200, f"{url}: {response.status_code}, expected 200"
        assert b"".join(response.streaming_content) == self.content
        assert response["X-Content-Type-Options"] == "nosniff"

    def __repr__(self):
        return "200 file"


def _pm_project(w):
    if not hasattr(w, "pm_project"):
        admin = _inv_company_admin(w)
        w.pm_project = ProjectFactory(actor=admin, coordinator=w.company, acronym=PM_PROJECT)
        w.pm_company_part = w.pm_project.partners.get(organisation=w.company)
        w.pm_lab_part = add_partner(w.pm_project, w.lab, expenses_personnel_eur=200_000)
        consortium.request_labels(actor=admin, project=w.pm_project, poles=[w.pole])
    return w.pm_project


def _pm_attachment(w):
    if not hasattr(w, "pm_attachment"):
        _pm_project(w)
        colleague = UserFactory(email="pm-lab@example.org")
        AffiliationFactory(user=colleague, organisation=w.lab)
        w.pm_attachment = consortium.add_attachment(
            actor=colleague,
            partner=w.pm_lab_part,
            kind="support_letter",
            title="Lettre matrice",
            upload=SimpleUploadedFile("lettre.pdf", PM_PDF, content_type="application/pdf"),
        )
    return w.pm_attachment


def _pm(w):
    return {"pk": _pm_project(w).pk}


def _pm_company_part(w):
    return {"pk": _pm_project(w).pk, "partner_pk": w.pm_company_part.pk}


def _pm_lab_part(w):
    return {"pk": _pm_project(w).pk, "partner_pk": w.pm_lab_part.pk}


def _pm_file(w):
    return {"pk": _pm_project(w).pk, "attachment_pk": _pm_attachment(w).pk}


def _pm_detail_url(w):
    return reverse("consortium:detail", args=[_pm_project(w).pk])


def _pm_only(allowed: dict) -> dict:
    """Outside the project 404; in it without the role 403; `allowed` personas as given."""
    return {
        **everyone(NotFound(PM_PROJECT)),
        "anonymous": LoginRedirect(),
        **dict.fromkeys(PM_SEES, Forbidden()),
        **allowed,
    }


PM_PART_DATA = {
    "version": "1",
    "role": "Intégrateur",
    "expenses_personnel_eur": "100000",
    "expenses_overhead_eur": "0",
    "expenses_equipment_eur": "0",
    "expenses_subcontracting_eur": "0",
    "expenses_other_eur": "0",
}

PROJECT_CASES = [
    Case(
        "consortium:list",
        {
            "anonymous": LoginRedirect(),
            **signed_in(Shows("Mes projets", hides=(PM_PROJECT,))),
            **dict.fromkeys(PM_SEES, Shows("Mes projets", PM_PROJECT)),
        },
        kwargs=lambda w: (_pm_project(w), {})[1],
    ),
    Case(
        "consortium:create",
        {
            **everyone(Forbidden()),  # no organisation: the page says to join or register one
            "anonymous": LoginRedirect(),
            **dict.fromkeys(
                ("member", "lab_member", "funder", "other_funder", "funder_manager"),
                Shows('name="acronym"'),
            ),
        },
    ),
    Case(
        "consortium:detail",
        {
            **everyone(NotFound(PM_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(PM_SEES, Shows(PM_PROJECT, "Consortium et éligibilité")),
        },
        kwargs=_pm,
    ),
    Case(
        "consortium:detail",
        {**signed_in(NotFound()), "anonymous": LoginRedirect()},
        variant="unknown pk",
        kwargs=lambda w: {"pk": 999999},
    ),
    Case(
        "consortium:checklist",
        {
            **everyone(NotFound(PM_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(PM_SEES, Shows("Consortium et aide par partenaire")),
        },
        kwargs=_pm,
    ),
    Case(
        "consortium:edit",
        _pm_only({"member": Shows('name="acronym"', PM_PROJECT)}),
        kwargs=_pm,
    ),
    Case(
        "consortium:edit",
        _pm_only({"member": RedirectsTo(_pm_detail_url)}),
        variant="post",
        kwargs=_pm,
        method="post",
        data={"acronym": PM_PROJECT, "title": "Titre modifié", "summary": "Résumé modifié"},
    ),
    Case(
        "consortium:withdraw",
        _pm_only({"member": Shows("Abandonner le projet ?", PM_PROJECT)}),
        kwargs=_pm,
    ),
    Case(
        "consortium:withdraw",
        _pm_only({"member": RedirectsTo(_pm_detail_url)}),
        variant="post",
        kwargs=_pm,
        method="post",
    ),
    Case(
        "consortium:request_labels",
        _pm_only({"member": Shows('name="other_poles"', "Déjà sollicités")}),
        kwargs=_pm,
    ),
    Case(
        "consortium:part",
        _pm_only({"member": Shows('name="version"', "Partie de Ateliers Durand")}),
        variant="the company's part",
        kwargs=_pm_company_part,
    ),
    Case(
        "consortium:part",
        _pm_only({"lab_member": Shows('name="cost_basis"', "Partie de Laboratoire des Mat")}),
        variant="the lab's part",
        kwargs=_pm_lab_part,
    ),
    Case(
        "consortium:part",
        _pm_only({"member": RedirectsTo(_pm_detail_url)}),
        variant="post",
        kwargs=_pm_company_part,
        method="post",
        data=PM_PART_DATA,
    ),
    Case(
        "consortium:part",
        {
            **everyone(NotFound(PM_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(PM_SEES, NotFound()),
        },
        variant="unknown partner",
        kwargs=lambda w: {"pk": _pm_project(w).pk, "partner_pk": 999999},
    ),
    Case(
        "consortium:remove_partner",
        _pm_only({"member": Shows("Retirer Laboratoire des Mat")}),
        kwargs=_pm_lab_part,
    ),
    Case(
        "consortium:remove_partner",
        _pm_only({"member": RedirectsTo(_pm_detail_url)}),
        variant="post",
        kwargs=_pm_lab_part,
        method="post",
    ),
    Case(
        "consortium:attachment_add",
        _pm_only({"lab_member": Shows('name="upload"')}),
        kwargs=_pm_lab_part,
    ),
    Case(
        "consortium:attachment",
        {
            **everyone(NotFound(PM_PROJECT)),
            "anonymous": LoginRedirect(),
            **dict.fromkeys(PM_SEES, Downloads(PM_PDF)),
        },
        kwargs=_pm_file,
    ),
    Case(
        "consortium:attachment_delete",
        _pm_only({"lab_member": Shows("Retirer la pièce ?", "Lettre matrice")}),
        kwargs=_pm_file,
    ),
]

CASES += PROJECT_CASES
