"""Services of projects and their consortia (`projects.consortium`)."""

import hashlib
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from funding import dossiers
from members.identifiers import make_siren, make_siret
from members.models import AffiliationRole
from projects import consortium
from projects import services as search_services
from projects.consortium import ProjectError, StaleEdit
from projects.models import (
    Invitation,
    InvitationSource,
    InvitationStatus,
    LabelRequest,
    LabelStatus,
    PartAttachment,
    Project,
    ProjectPartner,
    ProjectStatus,
)
from tests.factories import (
    AffiliationFactory,
    CallFactory,
    CompetenceFactory,
    InterestFactory,
    OrganisationFactory,
    PartnerSearchFactory,
    PoleFactory,
    ProjectFactory,
    RegionFactory,
    UserFactory,
    add_partner,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
S = ProjectStatus


# --- Arrange helpers -------------------------------------------------------------------------


@pytest.fixture
def project(member, company):
    """An idea of `company` (Lyon), coordinated by `member`, for an open call."""
    return ProjectFactory(
        actor=member, coordinator=company, acronym="ROBOCOMP", title="Cellule robotisée"
    )


@pytest.fixture
def partner_company(db):
    return OrganisationFactory(name="Usinage Tissot", region=RegionFactory(code="76"))


@pytest.fixture
def partner_admin(partner_company):
    user = UserFactory(email="tissot@example.org", first_name="Paul", last_name="Tissot")
    AffiliationFactory(user=user, organisation=partner_company, role=AffiliationRole.ADMIN)
    return user


def _status(project) -> str:
    return Project.objects.get(pk=project.pk).status


def _set_status(project, status):
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def _fill(partner, actor, **fields):
    """Save a part through the service, from its current version."""
    partner = ProjectPartner.objects.get(pk=partner.pk)
    return consortium.update_part(actor=actor, partner=partner, version=partner.version, **fields)


def _eligible(project, *, member, company, lab, lab_member, partner_company, partner_admin):
    """Three partners in Occitanie (Pôle Alpha's territory), every part complete."""
    occitanie = RegionFactory(code="76")
    _fill(project.partners.get(organisation=company), member, rd_region=occitanie,
          expenses_personnel_eur=600_000)  # fmt: skip
    part = add_partner(project, partner_company)
    _fill(part, partner_admin, rd_region=occitanie, expenses_personnel_eur=500_000)
    part = add_partner(project, lab)
    _fill(part, lab_member, rd_region=occitanie, expenses_personnel_eur=300_000,
          cost_basis="marginal")  # fmt: skip
    return project


@pytest.fixture
def consortium_ready(project, member, company, lab, lab_member, partner_company, partner_admin):
    return _eligible(
        project,
        member=member,
        company=company,
        lab=lab,
        lab_member=lab_member,
        partner_company=partner_company,
        partner_admin=partner_admin,
    )


def _label(project, member, animator, pole, *, labelled=True, date=None):
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])
    return consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=labelled,
        committee_date=date or timezone.localdate(),
    )


def _pdf(name="lettre.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- Projects ------------------------------------------------------------------------------------


def test_create_project_makes_the_coordinator_the_first_partner(member, company):
    robotics = CompetenceFactory(name="Robotique et cobotique", slug="robotique")

    project = consortium.create_project(
        actor=member,
        coordinator=company,
        competences=[robotics],
        acronym="ROBOCOMP",
        title="Cellule robotisée",
        summary="Une cellule.",
        duration_months=36,
    )

    assert project.status == S.IDEA
    assert list(project.competences.values_list("name", flat=True)) == ["Robotique et cobotique"]
    (part,) = project.partners.all()
    assert (part.organisation, part.rd_region_id, part.version) == (company, "84", 1)
    entry = AuditEntry.objects.get(action="project.create")
    assert entry.summary == "Projet ROBOCOMP créé par Ateliers Durand"


def test_create_project_for_an_organisation_of_someone_else_is_refused(lab_member, company):
    with pytest.raises(PermissionDenied):
        consortium.create_project(
            actor=lab_member, coordinator=company, acronym="X", title="X", summary="X"
        )

    assert not Project.objects.exists()


def test_create_project_invalid_duration_is_a_validation_error(member, company):
    with pytest.raises(ValidationError) as error:
        consortium.create_project(
            actor=member,
            coordinator=company,
            acronym="X",
            title="X",
            summary="X",
            duration_months=0,
        )

    assert "duration_months" in error.value.message_dict
    assert not Project.objects.exists()


def test_update_project_by_a_partner_is_refused(project, lab, lab_member):
    add_partner(project, lab)

    with pytest.raises(PermissionDenied):
        consortium.update_project(actor=lab_member, project=project, title="Autre titre")

    assert Project.objects.get(pk=project.pk).title == "Cellule robotisée"


def test_update_project_changes_fields_and_competences(project, member):
    vision = CompetenceFactory(name="Vision par ordinateur")

    consortium.update_project(
        actor=member, project=project, title="Cellule à vision", competences=[vision]
    )

    project.refresh_from_db()
    assert project.title == "Cellule à vision"
    assert list(project.competences.all()) == [vision]


# --- The status workflow -------------------------------------------------------------------------


def test_invitation_moves_an_idea_to_consortium(project, member, lab):
    consortium.invite_organisation(actor=member, project=project, organisation=lab)

    assert _status(project) == S.CONSORTIUM


def test_invitation_by_siret_moves_an_idea_to_consortium(project, member):
    consortium.invite_by_siret(
        actor=member,
        project=project,
        siret=make_siret(make_siren("73282932"), "0001"),
        email="contact@example.org",
    )

    assert _status(project) == S.CONSORTIUM


@pytest.mark.parametrize("start", [S.IDEA, S.CONSORTIUM])
def test_label_request_moves_to_labelling(project, member, pole, start):
    _set_status(project, start)

    consortium.request_labels(actor=member, project=project, poles=[pole])

    assert _status(project) == S.LABELLING


@pytest.mark.parametrize("start", [S.LABELLING, S.LABELLED, S.SUBMITTED])
def test_label_request_keeps_a_later_status(project, member, pole, start):
    _set_status(project, start)

    consortium.request_labels(actor=member, project=project, poles=[pole])

    assert _status(project) == start


def test_label_granted_moves_labelling_to_labelled(project, member, animator, pole):
    _label(project, member, animator, pole)

    assert _status(project) == S.LABELLED


def test_every_label_refused_moves_labelling_back_to_consortium(
    project, member, animator, pole, other_pole, other_animator
):
    first, second = consortium.request_labels(
        actor=member, project=project, poles=[pole, other_pole]
    )
    today = timezone.localdate()

    consortium.decide_label(
        actor=animator, label_request=first, labelled=False, committee_date=today
    )
    assert _status(project) == S.LABELLING  # the other pôle has not decided yet
    consortium.decide_label(
        actor=other_animator, label_request=second, labelled=False, committee_date=today
    )

    assert _status(project) == S.CONSORTIUM


def test_label_decision_corrected_to_refused_moves_labelled_back(
    project, member, animator, pole, other_pole
):
    # One pôle labelled, then its staff correct the decision: no label left.
    request = _label(project, member, animator, pole)
    consortium.request_labels(actor=member, project=project, poles=[other_pole])

    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=False,
        committee_date=timezone.localdate(),
    )

    assert _status(project) == S.LABELLING  # the other pôle's committee is still to come


def test_only_label_corrected_to_refused_moves_labelled_back_to_consortium(
    project, member, animator, pole
):
    request = _label(project, member, animator, pole)

    consortium.decide_label(
        actor=animator,
        label_request=request,
        labelled=False,
        committee_date=timezone.localdate(),
    )

    assert _status(project) == S.CONSORTIUM
    assert LabelRequest.objects.get(pk=request.pk).status == LabelStatus.REFUSED


def test_submission_moves_labelled_to_submitted(consortium_ready, member, animator, pole):
    _label(consortium_ready, member, animator, pole)

    dossiers.submit_project(actor=member, project=consortium_ready)

    assert _status(consortium_ready) == S.SUBMITTED


@pytest.mark.parametrize(("funded", "expected"), [(True, S.FUNDED), (False, S.NOT_FUNDED)])
def test_outcome_moves_submitted_to_funded_or_not(project, admin, funded, expected):
    _set_status(project, S.SUBMITTED)

    consortium.record_outcome(actor=admin, project=project, funded=funded)

    assert _status(project) == expected
    assert AuditEntry.objects.get(action="project.outcome").data == {"previous": "submitted"}


@pytest.mark.parametrize("start", [S.IDEA, S.CONSORTIUM, S.LABELLING, S.LABELLED, S.SUBMITTED])
def test_withdraw_from_every_open_status(project, member, lab, start):
    invitation = consortium.invite_organisation(actor=member, project=project, organisation=lab)
    _set_status(project, start)

    consortium.withdraw_project(actor=member, project=project)

    assert _status(project) == S.WITHDRAWN
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.CANCELLED
    assert AuditEntry.objects.get(action="project.withdraw").data == {"previous": start}


@pytest.mark.parametrize(("start", "label"), [(S.FUNDED, "Financé"), (S.NOT_FUNDED, "Non financé")])
def test_withdraw_after_the_outcome_is_refused(project, member, start, label):
    _set_status(project, start)

    with pytest.raises(ProjectError) as error:
        consortium.withdraw_project(actor=member, project=project)

    assert str(error.value) == f"Le projet est « {label} » : il ne peut plus être modifié."
    assert _status(project) == start


def test_withdraw_twice_is_refused_and_recorded_once(project, member):
    consortium.withdraw_project(actor=member, project=project)

    with pytest.raises(ProjectError) as error:
        consortium.withdraw_project(actor=member, project=project)

    assert str(error.value) == "Le projet est « Abandonné » : il ne peut plus être modifié."
    assert AuditEntry.objects.filter(action="project.withdraw").count() == 1


@pytest.mark.parametrize("funded", [True, False])
def test_outcome_twice_is_refused_and_recorded_once(project, admin, funded):
    _set_status(project, S.SUBMITTED)
    consortium.record_outcome(actor=admin, project=project, funded=True)

    with pytest.raises(ProjectError, match="il ne peut plus être modifié"):
        consortium.record_outcome(actor=admin, project=project, funded=funded)

    assert _status(project) == S.FUNDED
    assert AuditEntry.objects.filter(action="project.outcome").count() == 1


@pytest.mark.parametrize("start", [S.IDEA, S.CONSORTIUM, S.LABELLING, S.LABELLED])
def test_outcome_before_submission_is_refused(project, admin, start):
    _set_status(project, start)

    with pytest.raises(ProjectError, match="cette action n'est plus possible"):
        consortium.record_outcome(actor=admin, project=project, funded=True)

    assert _status(project) == start


def test_outcome_by_the_coordinator_is_refused(project, member):
    _set_status(project, S.SUBMITTED)

    with pytest.raises(PermissionDenied):
        consortium.record_outcome(actor=member, project=project, funded=True)

    assert _status(project) == S.SUBMITTED


@pytest.mark.parametrize(
    ("start", "label"),
    [(S.WITHDRAWN, "Abandonné"), (S.FUNDED, "Financé"), (S.NOT_FUNDED, "Non financé")],
)
def test_closed_project_refuses_every_change(project, member, lab, pole, start, label):
    _set_status(project, start)
    message = f"Le projet est « {label} » : il ne peut plus être modifié."
    part = project.partners.get()

    for change in (
        lambda: consortium.update_project(actor=member, project=project, title="Nouveau"),
        lambda: consortium.invite_organisation(actor=member, project=project, organisation=lab),
        lambda: consortium.request_labels(actor=member, project=project, poles=[pole]),
        lambda: consortium.update_part(actor=member, partner=part, version=1, role="x"),
        lambda: consortium.add_attachment(
            actor=member, partner=part, kind="other", title="Pièce", upload=_pdf()
        ),
    ):
        with pytest.raises(ProjectError) as error:
            change()
        assert str(error.value) == message

    assert _status(project) == start
    assert not Invitation.objects.exists()
    assert not LabelRequest.objects.exists()


@pytest.mark.parametrize("start", [S.IDEA, S.CONSORTIUM, S.LABELLING])
def test_submission_before_the_label_is_refused(consortium_ready, member, start):
    _set_status(consortium_ready, start)
    label = dict(S.choices)[start]

    with pytest.raises(dossiers.SubmissionError) as error:
        dossiers.submit_project(actor=member, project=consortium_ready)

    assert str(error.value) == (
        f"Le projet est « {label} » : il doit être labellisé pour être déposé."
    )


# --- Invitations ---------------------------------------------------------------------------------


def test_invite_from_the_directory_mails_the_admins_and_records(
    project, member, partner_company, partner_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = consortium.invite_organisation(
            actor=member, project=project, organisation=partner_company, message="Bienvenue !"
        )

    assert (invitation.status, invitation.source) == ("pending", InvitationSource.DIRECTORY)
    assert (invitation.organisation, invitation.siret) == (partner_company, partner_company.siret)
    (mail,) = mailoutbox
    assert mail.to == ["tissot@example.org"]
    assert mail.subject == "[Pôles] Ateliers Durand vous invite dans le consortium ROBOCOMP"
    assert "Bienvenue !" in mail.body
    assert AuditEntry.objects.get(action="project.invite").summary == (
        "Usinage Tissot invitée dans le consortium ROBOCOMP"
    )


def test_invite_twice_or_a_partner_is_refused(project, member, company, partner_company, lab):
    consortium.invite_organisation(actor=member, project=project, organisation=partner_company)
    add_partner(project, lab)

    with pytest.raises(ProjectError) as twice:
        consortium.invite_organisation(actor=member, project=project, organisation=partner_company)
    with pytest.raises(ProjectError) as partner:
        consortium.invite_organisation(actor=member, project=project, organisation=lab)
    with pytest.raises(ProjectError) as coordinator:
        consortium.invite_organisation(actor=member, project=project, organisation=company)

    assert str(twice.value) == "Usinage Tissot est déjà invitée : elle n'a pas encore répondu."
    assert str(partner.value) == "Laboratoire des Matériaux fait déjà partie du consortium."
    assert str(coordinator.value) == "Ateliers Durand fait déjà partie du consortium."
    assert Invitation.objects.count() == 1


def test_invite_again_after_a_decline_is_accepted(project, member, partner_company, partner_admin):
    first = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )
    consortium.answer_invitation(actor=partner_admin, invitation=first, accept=False)

    again = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )

    assert again.status == InvitationStatus.PENDING
    assert Invitation.objects.get(pk=first.pk).status == InvitationStatus.DECLINED


def test_invite_by_a_partner_is_refused(project, lab, lab_member, partner_company):
    add_partner(project, lab)

    with pytest.raises(PermissionDenied):
        consortium.invite_organisation(
            actor=lab_member, project=project, organisation=partner_company
        )

    assert not Invitation.objects.exists()


def test_invite_from_an_accepted_interest(project, member, company, lab, lab_member):
    search = PartnerSearchFactory(author=member, organisation=company)
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)
    search_services.answer_interest(actor=member, interest=interest, accept=True)
    consortium.update_project(actor=member, project=project, partner_search=search)
    interest.refresh_from_db()

    invitation = consortium.invite_organisation(
        actor=member, project=project, organisation=lab, interest=interest
    )

    assert (invitation.source, invitation.interest) == (InvitationSource.INTEREST, interest)


@pytest.mark.parametrize("case", ["pending", "other-search", "other-organisation"])
def test_invite_from_an_interest_that_does_not_fit_is_refused(
    project, member, company, lab, lab_member, partner_company, case
):
    search = PartnerSearchFactory(author=member, organisation=company)
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)
    if case != "pending":
        search_services.answer_interest(actor=member, interest=interest, accept=True)
        interest.refresh_from_db()
    if case != "other-search":
        consortium.update_project(actor=member, project=project, partner_search=search)
    organisation = partner_company if case == "other-organisation" else lab

    with pytest.raises(ProjectError) as error:
        consortium.invite_organisation(
            actor=member, project=project, organisation=organisation, interest=interest
        )

    assert str(error.value) == "Cet intérêt ne peut pas servir à inviter cette organisation."
    assert not Invitation.objects.exists()


def test_invite_by_siret_of_an_unknown_organisation_then_it_registers_and_accepts(
    project, member, mailoutbox, django_capture_on_commit_callbacks
):
    siren = make_siren("73282932")
    siret = make_siret(siren, "0001")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = consortium.invite_by_siret(
            actor=member,
            project=project,
            siret=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}",
            email="dirigeant@nouvelle.example",
        )
    assert (invitation.organisation, invitation.siret) == (None, siret)
    assert invitation.source == InvitationSource.EMAIL
    assert mailoutbox[0].to == ["dirigeant@nouvelle.example"]
    assert f"SIRET {siret}" in mailoutbox[0].body

    # The organisation registers (another establishment of the same company) with its admin.
    newcomer = OrganisationFactory(name="Nouvelle Mécanique", siren=siren,
                                   siret=make_siret(siren, "0002"))  # fmt: skip
    boss = UserFactory(email="dirigeant@nouvelle.example")
    AffiliationFactory(user=boss, organisation=newcomer, role=AffiliationRole.ADMIN)
    assert list(consortium.invitations_for(boss)) == [invitation]

    with django_capture_on_commit_callbacks(execute=True):
        consortium.answer_invitation(
            actor=boss, invitation=invitation, accept=True, organisation=newcomer
        )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.organisation, invitation.answered_by) == (
        InvitationStatus.ACCEPTED,
        newcomer,
        boss,
    )
    part = ProjectPartner.objects.get(project=project, organisation=newcomer)
    assert part.rd_region_id == newcomer.region_id
    assert mailoutbox[-1].to == ["member@example.org"]
    assert mailoutbox[-1].subject == "[Pôles] Nouvelle Mécanique rejoint le consortium ROBOCOMP"
    assert list(consortium.invitations_for(boss)) == []


def test_siret_invitation_cannot_be_accepted_for_an_organisation_one_does_not_administer(
    project, member
):
    siren = make_siren("73282932")
    invitation = consortium.invite_by_siret(
        actor=member, project=project, siret=make_siret(siren, "0001"), email="a@example.org"
    )
    mine = OrganisationFactory(name="Établissement Nord", siren=siren,
                               siret=make_siret(siren, "0002"))  # fmt: skip
    not_mine = OrganisationFactory(name="Établissement Sud", siren=siren,
                                   siret=make_siret(siren, "0003"))  # fmt: skip
    boss = UserFactory()
    AffiliationFactory(user=boss, organisation=mine, role=AffiliationRole.ADMIN)

    with pytest.raises(PermissionDenied):
        consortium.answer_invitation(
            actor=boss, invitation=invitation, accept=True, organisation=not_mine
        )

    assert not ProjectPartner.objects.filter(organisation=not_mine).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_siret_invitation_answered_without_organisation_or_another_siren_is_refused(
    project, member, partner_company
):
    siren = make_siren("73282932")
    invitation = consortium.invite_by_siret(
        actor=member, project=project, siret=make_siret(siren, "0001"), email="a@example.org"
    )
    newcomer = OrganisationFactory(siren=siren, siret=make_siret(siren, "0002"))
    boss = UserFactory()
    AffiliationFactory(user=boss, organisation=newcomer, role=AffiliationRole.ADMIN)
    AffiliationFactory(user=boss, organisation=partner_company, role=AffiliationRole.ADMIN)

    for organisation in (None, partner_company):
        with pytest.raises(ProjectError) as error:
            consortium.answer_invitation(
                actor=boss, invitation=invitation, accept=True, organisation=organisation
            )
        assert str(error.value) == "Choisissez l'organisation invitée."

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_invite_by_siret_of_a_known_organisation_invites_it_directly(
    project, member, partner_company
):
    invitation = consortium.invite_by_siret(
        actor=member, project=project, siret=partner_company.siret, email="x@example.org"
    )

    assert (invitation.organisation, invitation.source) == (
        partner_company,
        InvitationSource.DIRECTORY,
    )


def test_invite_by_siret_twice_is_refused(project, member, partner_company):
    siret = make_siret(make_siren("73282932"), "0001")
    consortium.invite_by_siret(actor=member, project=project, siret=siret, email="a@example.org")
    consortium.invite_organisation(actor=member, project=project, organisation=partner_company)

    with pytest.raises(ProjectError) as unknown:
        consortium.invite_by_siret(
            actor=member, project=project, siret=siret, email="b@example.org"
        )
    with pytest.raises(ProjectError) as known:
        consortium.invite_by_siret(
            actor=member, project=project, siret=partner_company.siret, email="b@example.org"
        )

    assert str(unknown.value) == (
        "Ce SIRET est déjà invité : l'organisation n'a pas encore répondu."
    )
    assert str(known.value) == "Usinage Tissot est déjà invitée : elle n'a pas encore répondu."
    assert Invitation.objects.count() == 2


def test_invite_by_invalid_siret_is_a_validation_error(project, member):
    with pytest.raises(ValidationError) as error:
        consortium.invite_by_siret(
            actor=member, project=project, siret="12345678901234", email="a@example.org"
        )

    assert error.value.message_dict == {
        "siret": ["Ce SIRET n'est pas valide (14 chiffres, clé de Luhn)."]
    }
    assert not Invitation.objects.exists()


def test_answer_invitation_by_a_plain_member_or_an_outsider_is_refused(
    project, member, partner_company, outsider
):
    invitation = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )
    plain = UserFactory()
    AffiliationFactory(user=plain, organisation=partner_company, role=AffiliationRole.MEMBER)

    for actor in (plain, outsider, member):
        with pytest.raises(PermissionDenied):
            consortium.answer_invitation(actor=actor, invitation=invitation, accept=True)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_declined_invitation_adds_no_partner_and_tells_the_coordinator(
    project, member, partner_company, partner_admin, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )

    with django_capture_on_commit_callbacks(execute=True):
        consortium.answer_invitation(actor=partner_admin, invitation=invitation, accept=False)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED
    assert not project.partners.filter(organisation=partner_company).exists()
    assert mailoutbox[-1].subject == (
        "[Pôles] Usinage Tissot décline l'invitation au consortium ROBOCOMP"
    )


def test_answer_twice_is_refused(project, member, partner_company, partner_admin):
    invitation = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )
    consortium.answer_invitation(actor=partner_admin, invitation=invitation, accept=True)

    with pytest.raises(PermissionDenied):
        consortium.answer_invitation(actor=partner_admin, invitation=invitation, accept=False)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_cancel_invitation_by_the_coordinator_only_and_once(
    project, member, partner_company, partner_admin
):
    invitation = consortium.invite_organisation(
        actor=member, project=project, organisation=partner_company
    )
    with pytest.raises(PermissionDenied):
        consortium.cancel_invitation(actor=partner_admin, invitation=invitation)

    consortium.cancel_invitation(actor=member, invitation=invitation)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.CANCELLED
    assert list(consortium.invitations_for(partner_admin)) == []
    with pytest.raises(ProjectError, match="déjà reçu une réponse"):
        consortium.cancel_invitation(actor=member, invitation=invitation)


def test_remove_partner_by_the_coordinator_takes_its_part_and_files(
    project, member, partner_company, partner_admin, django_capture_on_commit_callbacks
):
    part = add_partner(project, partner_company)
    attachment = consortium.add_attachment(
        actor=partner_admin, partner=part, kind="support_letter", title="Soutien", upload=_pdf()
    )
    path = attachment.file.path

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consortium.remove_partner(actor=member, partner=part)
    kept_until_commit = Path(path).exists()
    for callback in callbacks:
        callback()

    assert not ProjectPartner.objects.filter(pk=part.pk).exists()
    assert not PartAttachment.objects.exists()
    assert kept_until_commit
    assert not Path(path).exists()


def test_remove_partner_refused_for_a_partner_and_for_the_coordinator_itself(
    project, member, lab, lab_member, partner_company
):
    other = add_partner(project, partner_company)
    add_partner(project, lab)

    with pytest.raises(PermissionDenied):
        consortium.remove_partner(actor=lab_member, partner=other)
    with pytest.raises(ProjectError) as error:
        consortium.remove_partner(
            actor=member, partner=project.partners.get(organisation=project.coordinator)
        )

    assert str(error.value) == "Le coordinateur ne peut pas se retirer du consortium."
    assert project.partners.count() == 3


# --- Parts and optimistic concurrency ---------------------------------------------------------


def test_update_part_saves_fields_and_bumps_the_version(project, member):
    part = project.partners.get()
    occitanie = RegionFactory(code="76")

    saved = consortium.update_part(
        actor=member,
        partner=part,
        version=1,
        role="Intégrateur",
        rd_region=occitanie,
        expenses_personnel_eur=400_000,
        expenses_equipment_eur=50_000,
        cost_basis="marginal",
    )

    stored = ProjectPartner.objects.get(pk=part.pk)
    assert (stored.version, stored.role, stored.rd_region_id) == (2, "Intégrateur", "76")
    assert stored.total_expenses_eur == 450_000
    assert stored.cost_basis == ""  # a company has no cost basis
    assert stored.updated_by == member
    assert saved.version == 2
    assert AuditEntry.objects.get(action="project.update_part").data == {
        "partner": part.pk,
        "version": 2,
    }


def test_update_part_from_a_stale_version_is_refused_and_overwrites_nothing(
    project, member, company
):
    colleague = UserFactory(first_name="Hugo", last_name="Collègue", email="hugo@example.org")
    AffiliationFactory(user=colleague, organisation=company)
    part = project.partners.get()
    consortium.update_part(actor=colleague, partner=part, version=1, role="Intégrateur")

    with pytest.raises(StaleEdit) as error:
        consortium.update_part(actor=member, partner=part, version=1, role="Essais")

    assert str(error.value).startswith(
        "Hugo Collègue a enregistré cette partie pendant que vous la modifiiez."
    )
    assert (error.value.current.version, error.value.current.role) == (2, "Intégrateur")
    stored = ProjectPartner.objects.get(pk=part.pk)
    assert (stored.version, stored.role, stored.updated_by) == (2, "Intégrateur", colleague)


def test_update_part_of_another_partner_is_refused(project, lab, lab_member):
    add_partner(project, lab)
    coordinator_part = project.partners.get(organisation=project.coordinator)

    with pytest.raises(PermissionDenied):
        consortium.update_part(
            actor=lab_member, partner=coordinator_part, version=1, role="Piratage"
        )

    assert ProjectPartner.objects.get(pk=coordinator_part.pk).role == ""


def test_update_part_negative_expense_is_a_validation_error(project, member):
    part = project.partners.get()

    with pytest.raises(ValidationError) as error:
        consortium.update_part(actor=member, partner=part, version=1, expenses_other_eur=-1)

    assert "expenses_other_eur" in error.value.message_dict
    assert ProjectPartner.objects.get(pk=part.pk).version == 1


def test_update_part_of_a_lab_keeps_its_cost_basis(project, lab, lab_member):
    part = add_partner(project, lab)

    consortium.update_part(actor=lab_member, partner=part, version=1, cost_basis="full")

    assert ProjectPartner.objects.get(pk=part.pk).cost_basis == "full"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_update_part_concurrent_saves_from_the_same_version_only_one_wins(company):
    # Two people (two connections) opened the part at version 1 and save at the same time.
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        AffiliationFactory(user=user, organisation=company)
    project = ProjectFactory(actor=first, coordinator=company)
    part_id = project.partners.get().pk
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(user, role):
        try:
            part = ProjectPartner.objects.get(pk=part_id)
            assert part.version == 1
            barrier.wait(timeout=10)
            consortium.update_part(actor=user, partner=part, version=part.version, role=role)
            outcomes[role] = "saved"
        except StaleEdit:
            outcomes[role] = "stale"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(first, "Intégrateur")),
        threading.Thread(target=edit, args=(second, "Essais")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(role for role, outcome in outcomes.items() if outcome == "saved")
    stored = ProjectPartner.objects.get(pk=part_id)
    assert (stored.version, stored.role) == (2, winner)


# --- Attachments -------------------------------------------------------------------------------


def test_add_attachment_stores_the_pdf_its_size_and_sha256(project, member):
    part = project.partners.get()

    attachment = consortium.add_attachment(
        actor=member, partner=part, kind="support_letter", title="  ", upload=_pdf("Soutien.pdf")
    )

    stored = PartAttachment.objects.get(pk=attachment.pk)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (stored.size, stored.original_name, stored.title) == (
        len(PDF),
        "Soutien.pdf",
        "Soutien.pdf",
    )
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    assert stored.file.name.startswith(f"projects/{project.pk}/{part.pk}/")
    assert AuditEntry.objects.get(action="project.attach").data["sha256"] == stored.sha256


def test_add_attachment_that_is_not_a_pdf_is_refused(project, member):
    part = project.partners.get()
    fake = SimpleUploadedFile("lettre.pdf", b"GIF89a not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as error:
        consortium.add_attachment(actor=member, partner=part, kind="other", title="X", upload=fake)

    assert error.value.message_dict == {"upload": ["Seuls les fichiers PDF sont acceptés."]}
    assert not PartAttachment.objects.exists()


def test_add_attachment_over_the_size_limit_is_refused(project, member, settings):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    part = project.partners.get()
    big = _pdf(content=PDF + b"0" * (2 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        consortium.add_attachment(actor=member, partner=part, kind="other", title="X", upload=big)

    assert error.value.message_dict == {"upload": ["Le fichier dépasse 2 Mo."]}
    assert not PartAttachment.objects.exists()


def test_add_attachment_at_the_size_limit_is_accepted(project, member, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF)
    part = project.partners.get()

    consortium.add_attachment(actor=member, partner=part, kind="other", title="X", upload=_pdf())

    assert PartAttachment.objects.count() == 1


def test_add_attachment_of_unknown_kind_is_refused(project, member):
    with pytest.raises(ValidationError) as error:
        consortium.add_attachment(
            actor=member, partner=project.partners.get(), kind="cv", title="X", upload=_pdf()
        )

    assert "kind" in error.value.message_dict


def test_add_attachment_to_another_partners_part_is_refused(project, lab, lab_member):
    add_partner(project, lab)

    with pytest.raises(PermissionDenied):
        consortium.add_attachment(
            actor=lab_member,
            partner=project.partners.get(organisation=project.coordinator),
            kind="other",
            title="X",
            upload=_pdf(),
        )

    assert not PartAttachment.objects.exists()


def test_delete_attachment_removes_the_file_after_commit(
    project, member, lab_member, django_capture_on_commit_callbacks
):
    part = project.partners.get()
    attachment = consortium.add_attachment(
        actor=member, partner=part, kind="other", title="X", upload=_pdf()
    )
    storage, name = attachment.file.storage, attachment.file.name
    with pytest.raises(PermissionDenied):
        consortium.delete_attachment(actor=lab_member, attachment=attachment)

    with django_capture_on_commit_callbacks(execute=True):
        consortium.delete_attachment(actor=member, attachment=attachment)

    assert not PartAttachment.objects.exists()
    assert not storage.exists(name)


# --- Labels ------------------------------------------------------------------------------------


def test_request_labels_ranks_the_lead_first_and_mails_the_staff(
    project, member, pole, other_pole, animator, other_animator, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    third = PoleFactory(name="Pôle Gamma", short_name="Gamma")

    with django_capture_on_commit_callbacks(execute=True):
        consortium.request_labels(actor=member, project=project, poles=[other_pole, pole])
    consortium.request_labels(actor=member, project=project, poles=[pole, third])

    requests = list(project.label_requests.order_by("rank"))
    assert [(r.pole.short_name, r.rank, r.is_lead) for r in requests] == [
        ("Bêta", 0, True),
        ("Alpha", 1, False),
        ("Gamma", 2, False),
    ]
    (mail,) = mailoutbox
    assert sorted(mail.to) == ["animator@example.org", "other.animator@example.org"]
    assert "Pôle Bêta (pôle chef de file)" in mail.body


def test_request_labels_again_from_the_same_poles_or_none_is_refused(project, member, pole):
    consortium.request_labels(actor=member, project=project, poles=[pole])

    with pytest.raises(ProjectError) as again:
        consortium.request_labels(actor=member, project=project, poles=[pole])
    with pytest.raises(ValidationError) as none:
        consortium.request_labels(actor=member, project=project, poles=[])

    assert str(again.value) == "Ces pôles ont déjà reçu une demande de label."
    assert none.value.message_dict == {"poles": ["Choisissez au moins un pôle."]}


def test_decide_label_by_staff_of_another_pole_is_refused(project, member, pole, other_animator):
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])

    with pytest.raises(PermissionDenied):
        consortium.decide_label(
            actor=other_animator,
            label_request=request,
            labelled=True,
            committee_date=timezone.localdate(),
        )

    assert LabelRequest.objects.get(pk=request.pk).status == LabelStatus.REQUESTED


def test_decide_label_in_the_future_or_undated_is_refused(project, member, animator, pole):
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])

    for date, message in (
        (timezone.localdate() + timedelta(days=1), "Le comité ne peut pas être daté du futur."),
        (None, "Indiquez la date du comité."),
    ):
        with pytest.raises(ValidationError) as error:
            consortium.decide_label(
                actor=animator, label_request=request, labelled=True, committee_date=date
            )
        assert error.value.message_dict == {"committee_date": [message]}


def test_decide_label_mails_the_consortium_with_the_comments(
    project, member, animator, pole, lab, lab_member, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    add_partner(project, lab)
    (request,) = consortium.request_labels(actor=member, project=project, poles=[pole])

    with django_capture_on_commit_callbacks(execute=True):
        consortium.decide_label(
            actor=animator,
            label_request=request,
            labelled=True,
            committee_date=timezone.localdate(),
            comments="Précisez le marché visé.",
        )

    (mail,) = mailoutbox
    assert sorted(mail.to) == ["lab@example.org", "member@example.org"]
    assert mail.subject == "[Pôles] Pôle Alpha labellise le projet ROBOCOMP"
    assert "Précisez le marché visé." in mail.body


def _call(closes_in_days):
    now = timezone.now()
    return CallFactory(
        opens_at=now - timedelta(days=100), closes_at=now + timedelta(days=closes_in_days)
    )


def test_counts_for_a_label_dated_on_or_before_the_deadline_day_only():
    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=100), closes_at=timezone.now() - timedelta(days=3)
    )
    deadline = timezone.localtime(call.closes_at).date()

    def label(status, day):
        return LabelRequest(status=status, committee_date=day)

    assert label(LabelStatus.LABELLED, deadline).counts_for(call) is True
    assert label(LabelStatus.LABELLED, deadline - timedelta(days=1)).counts_for(call) is True
    assert label(LabelStatus.LABELLED, deadline + timedelta(days=1)).counts_for(call) is False
    assert label(LabelStatus.REFUSED, deadline).counts_for(call) is False
    assert LabelRequest(status=LabelStatus.REQUESTED).counts_for(call) is False
    assert label(LabelStatus.LABELLED, deadline).counts_for(None) is True


# --- evaluate_project --------------------------------------------------------------------------


def test_evaluate_project_without_call_lists_issues_but_no_verdict(project, member):
    consortium.update_project(actor=member, project=project, call=None)

    evaluation = consortium.evaluate_project(Project.objects.get(pk=project.pk))

    assert evaluation.verdict is None
    assert evaluation.rows == ()
    assert [issue.message for issue in evaluation.issues] == ["aucune dépense saisie"]


def test_evaluate_project_reports_every_incomplete_part(project, member, company, lab):
    unknown_size = OrganisationFactory(
        name="Entreprise Inconnue", headcount=None, turnover_eur=None, balance_sheet_eur=None
    )
    _fill(project.partners.get(), member, expenses_personnel_eur=100_000)
    add_partner(project, unknown_size, expenses_personnel_eur=100_000)
    add_partner(project, lab, rd_region=None)

    evaluation = consortium.evaluate_project(project)

    assert [(issue.partner.organisation.name, issue.message) for issue in evaluation.issues] == [
        (
            "Entreprise Inconnue",
            "effectif et chiffre d'affaires ou total de bilan inconnus : l'entreprise est "
            "comptée comme grande entreprise ; complétez la fiche de l'organisation",
        ),
        ("Laboratoire des Matériaux", "assiette des coûts non choisie : comptée en coûts complets"),
        (
            "Laboratoire des Matériaux",
            "région des travaux de R&D non renseignée : comptée hors territoire",
        ),
        ("Laboratoire des Matériaux", "aucune dépense saisie"),
    ]
    assert evaluation.complete is False
    assert evaluation.submittable is False
    results = {part.organisation.name: result for part, result in evaluation.rows}
    assert results["Entreprise Inconnue"].category == "ge"
    assert results["Laboratoire des Matériaux"].rate == Decimal("0.4")  # full costs assumed
    assert results["Laboratoire des Matériaux"].in_territory is False


def test_evaluate_project_complete_consortium_passes_the_hard_rules(
    consortium_ready, member, animator, pole
):
    _label(consortium_ready, member, animator, pole)

    evaluation = consortium.evaluate_project(consortium_ready)

    assert evaluation.complete
    assert {c.code: c.status for c in evaluation.verdict.checks} == dict.fromkeys(
        [c.code for c in evaluation.verdict.checks], "pass"
    )
    assert evaluation.submittable
    assert [(part.organisation.name, result.aid_eur) for part, result in evaluation.rows] == [
        ("Ateliers Durand", 300_000),
        ("Usinage Tissot", 250_000),
        ("Laboratoire des Matériaux", 300_000),
    ]


def test_evaluate_project_labelled_is_warn_while_the_committee_is_pending(
    consortium_ready, member, pole
):
    consortium.request_labels(actor=member, project=consortium_ready, poles=[pole])

    evaluation = consortium.evaluate_project(consortium_ready)

    check = evaluation.verdict.check("labelled")
    assert check.status == "warn"
    assert check.message.startswith("Label demandé à Alpha : en attente")
    assert evaluation.verdict.check("territory_labelling_poles").status == "pass"
    assert evaluation.submittable is False


def test_evaluate_project_labelled_passes_once_labelled_before_the_deadline(
    consortium_ready, member, animator, pole
):
    _label(consortium_ready, member, animator, pole)

    check = consortium.evaluate_project(consortium_ready).verdict.check("labelled")

    assert (check.status, check.message) == ("pass", "Labellisé par 1 pôle(s) : Alpha.")


def test_evaluate_project_labelled_fails_when_the_label_is_after_the_deadline(
    consortium_ready, member, animator, pole
):
    # The call closed three days ago; the committee met today.
    Project.objects.filter(pk=consortium_ready.pk).update(call=_call(-3))
    _label(consortium_ready, member, animator, pole)

    evaluation = consortium.evaluate_project(Project.objects.get(pk=consortium_ready.pk))

    assert evaluation.verdict.check("labelled").status == "fail"
    assert evaluation.verdict.eligible is False


def test_evaluate_project_refused_pole_is_left_out_of_the_territory(
    consortium_ready, member, animator, pole, other_pole, other_animator
):
    # Bêta (Bretagne) leads but refuses; Alpha (Occitanie) labels: Alpha's territory counts.
    first, second = consortium.request_labels(
        actor=member, project=consortium_ready, poles=[other_pole, pole]
    )
    today = timezone.localdate()
    consortium.decide_label(
        actor=other_animator, label_request=first, labelled=False, committee_date=today
    )
    consortium.decide_label(
        actor=animator, label_request=second, labelled=True, committee_date=today
    )

    verdict = consortium.evaluate_project(consortium_ready).verdict

    assert verdict.check("territory_lead_pole").status == "pass"
    assert "chef de file Alpha" in verdict.check("territory_lead_pole").message
