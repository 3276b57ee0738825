"""Invitations to a consortium: the coordinator's three ways to invite, the invitee's answer,
the pending list on the project page, and the member space.

Who answers: the admins of the invited organisation (for an invitation by SIRET, of an
organisation with that SIREN), as `consortium.invitations_for` lists them. A plain member of
the invited organisation gets 404 — the invitation is shown to him nowhere.
"""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services as member_services
from members.identifiers import make_siren, make_siret
from members.models import AffiliationRole, OrganisationKind
from projects import consortium
from projects import services as search_services
from projects.models import (
    InterestStatus,
    Invitation,
    InvitationSource,
    InvitationStatus,
    ProjectPartner,
)
from tests.factories import (
    AffiliationFactory,
    InterestFactory,
    OrganisationFactory,
    ProjectFactory,
    ResearchOrganisationFactory,
    UserFactory,
    add_partner,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

SUMMARY = "Un drone d'inspection à structure composite imprimée."


@pytest.fixture
def project(member, company):
    """DRONECO, coordinated by `company` (whose admin is `member`), a confidential project."""
    return ProjectFactory(
        actor=member,
        coordinator=company,
        acronym="DRONECO",
        title="Drone composite d'inspection",
        summary=SUMMARY,
    )


@pytest.fixture
def lab_admin(lab):
    user = UserFactory(email="lab.admin@example.org", first_name="Luc", last_name="Directeur")
    AffiliationFactory(user=user, organisation=lab, role=AffiliationRole.ADMIN)
    return user


@pytest.fixture
def invitation(project, member, lab, lab_admin):
    """A pending invitation of the laboratory, with a message."""
    return consortium.invite_organisation(
        actor=member, project=project, organisation=lab, message="Votre banc de vision nous manque."
    )


def _invite_url(project, query=""):
    url = reverse("consortium:invite", args=[project.pk])
    return f"{url}?q={query}" if query else url


def _section(response, heading_id):
    """The HTML of the section labelled by the heading `heading_id`."""
    body = response.content.decode()
    start = body.index(f'aria-labelledby="{heading_id}"')
    return body[start : body.index("</section>", start)]


def _invitation_url(invitation):
    return reverse("consortium:invitation", kwargs={"invitation_pk": invitation.pk})


# --- 1. The directory -------------------------------------------------------------------------


def test_invite_page_search_lists_invitable_organisations_only(
    client_for, member, project, company, lab
):
    # Arrange: four "Optique" organisations, of which only one may be invited.
    free = OrganisationFactory(name="Optique Atlantique")
    add_partner(project, OrganisationFactory(name="Optique Partenaire"))
    invited = OrganisationFactory(name="Optique Invitée")
    consortium.invite_organisation(actor=member, project=project, organisation=invited)
    OrganisationFactory(name="Optique Cachée", is_published=False)

    # Act
    response = client_for(member).get(_invite_url(project, "optique"))

    # Assert
    text = page_text(response)
    assert response.status_code == 200
    assert "1 organisation trouvée" in text
    assert free.name in text
    body = response.content.decode()
    assert f'id="organisation-{free.pk}"' in body
    for hidden in ("Optique Partenaire", "Optique Cachée"):
        assert hidden not in text
    # The invited one is only in the pending list of the aside, not among the choices.
    assert "Optique Invitée" in text
    assert f'id="organisation-{invited.pk}"' not in body


def test_invite_page_search_finds_an_organisation_by_siren_or_siret(client_for, member, project):
    target = OrganisationFactory(name="Usinage Précis")
    OrganisationFactory(name="Usinage Voisin")
    spaced_siren = f"{target.siren[:3]} {target.siren[3:6]} {target.siren[6:]}"

    by_siren = page_text(client_for(member).get(_invite_url(project, spaced_siren)))
    by_siret = page_text(client_for(member).get(_invite_url(project, target.siret)))

    assert "Usinage Précis" in by_siren and "Usinage Voisin" not in by_siren
    assert "Usinage Précis" in by_siret and "Usinage Voisin" not in by_siret


def test_invite_page_search_says_when_nothing_matches(client_for, member, project):
    response = client_for(member).get(_invite_url(project, "introuvable"))

    assert "Aucune organisation à inviter ne correspond à « introuvable »" in page_text(response)


def test_invite_page_search_answers_htmx_with_the_results_only(client_for, member, project):
    OrganisationFactory(name="Optique Atlantique")

    response = client_for(member).get(
        _invite_url(project, "optique"), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert "Optique Atlantique" in body
    assert "<html" not in body
    assert "Inviter une organisation absente du portail" not in body


def test_coordinator_invites_an_organisation_of_the_directory_with_a_message(
    client_for, member, project, django_capture_on_commit_callbacks, mailoutbox
):
    # Arrange
    target = OrganisationFactory(name="Optique Atlantique")
    target_admin = UserFactory(email="optique@example.org")
    AffiliationFactory(user=target_admin, organisation=target, role=AffiliationRole.ADMIN)

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            _invite_url(project, "optique"),
            {
                "way": "annuaire",
                "annuaire-organisation": target.pk,
                "annuaire-message": "Votre optique nous intéresse.",
            },
            follow=True,
        )

    # Assert
    invitation = Invitation.objects.get(project=project, organisation=target)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.source == InvitationSource.DIRECTORY
    assert invitation.message == "Votre optique nous intéresse."
    assert invitation.invited_by == member
    assert response.redirect_chain[-1][0] == _invite_url(project, "optique")
    text = page_text(response)
    assert "Optique Atlantique est invitée ; ses administrateurs sont prévenus par e-mail." in text
    assert "Invitations en attente" in text
    assert "1 organisation trouvée" not in text  # it left the results
    assert [mail.to for mail in mailoutbox] == [["optique@example.org"]]
    assert "DRONECO" in mailoutbox[0].subject


def test_inviting_an_organisation_already_invited_keeps_the_message_and_says_why(
    client_for, member, project, lab, invitation
):
    response = client_for(member).post(
        _invite_url(project, "laboratoire"),
        {"way": "annuaire", "annuaire-organisation": lab.pk, "annuaire-message": "Relance"},
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Cette organisation ne peut pas être invitée" in text
    assert "Relance" in response.content.decode()
    assert Invitation.objects.filter(project=project).count() == 1


def test_invite_page_lists_cost_the_same_queries_for_one_or_three_results(
    client_for, member, project
):
    numbers = itertools.count(1)

    def add_organisation():
        return OrganisationFactory(name=f"Optique Numéro {next(numbers):03d}")

    assert_same_query_count(
        client_for(member),
        _invite_url(project, "optique"),
        add_organisation,
        shows=lambda o: o.name,
    )


# --- 2. Accepted interests --------------------------------------------------------------------


@pytest.fixture
def linked_project(project, search, member):
    """DRONECO linked to `search`, the partner search of its coordinator."""
    consortium.update_project(actor=member, project=project, partner_search=search)
    project.refresh_from_db()
    return project


def _accepted_interest(search, member, organisation):
    interest = InterestFactory(posting=search, organisation=organisation)
    return search_services.answer_interest(actor=member, interest=interest, accept=True)


def test_invite_page_offers_accepted_interests_in_one_click(
    client_for, member, linked_project, search, lab, django_capture_on_commit_callbacks
):
    # Arrange: the lab's interest was accepted; a company's is still pending.
    interest = _accepted_interest(search, member, lab)
    InterestFactory(posting=search, organisation=OrganisationFactory(name="Entreprise Attente"))
    client = client_for(member)

    # Act
    page = page_text(client.get(_invite_url(linked_project)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invite_url(linked_project), {"way": "interet", "interest": interest.pk}, follow=True
        )

    # Assert
    assert f"Inviter {lab.name}" in page
    assert "Entreprise Attente" not in page
    invitation = Invitation.objects.get(project=linked_project, organisation=lab)
    assert invitation.source == InvitationSource.INTEREST
    assert invitation.interest == interest
    text = page_text(response)
    assert f"{lab.name} est invitée" in text
    assert "Invitation envoyée" in text
    assert f"Inviter {lab.name}" not in text


def test_invite_page_marks_accepted_interests_already_in_the_consortium(
    client_for, member, linked_project, search, lab
):
    _accepted_interest(search, member, lab)
    add_partner(linked_project, lab)

    text = page_text(client_for(member).get(_invite_url(linked_project)))

    assert "Dans le consortium" in text
    assert f"Inviter {lab.name}" not in text


def test_invite_page_without_partner_search_says_how_to_link_one(client_for, member, project):
    text = page_text(client_for(member).get(_invite_url(project)))

    assert "Ce projet n'est lié à aucune recherche de partenaires." in text


def test_invite_page_interests_cost_the_same_queries_for_one_or_three(
    client_for, member, linked_project, search
):
    def add_interest():
        return _accepted_interest(search, member, ResearchOrganisationFactory())

    assert_same_query_count(
        client_for(member),
        _invite_url(linked_project),
        add_interest,
        shows=lambda interest: interest.organisation.name,
    )


def test_an_interest_of_another_search_cannot_be_used(client_for, member, linked_project, lab):
    foreign = InterestFactory(organisation=lab)
    foreign.status, foreign.answered_at = InterestStatus.ACCEPTED, timezone.now()
    foreign.save(update_fields=["status", "answered_at"])

    response = client_for(member).post(
        _invite_url(linked_project), {"way": "interet", "interest": foreign.pk}, follow=True
    )

    assert "Cet intérêt n'existe pas ou ne concerne pas ce projet." in page_text(response)
    assert not Invitation.objects.filter(project=linked_project).exists()


# --- 3. By SIRET and e-mail -------------------------------------------------------------------

NEW_SIREN = make_siren("73282932")
NEW_SIRET = make_siret(NEW_SIREN, "0007")


def _by_siret(client, project, siret, email="contact@nouvelle.example", message=""):
    return client.post(
        _invite_url(project),
        {"way": "siret", "siret-siret": siret, "siret-email": email, "siret-message": message},
        follow=True,
    )


def test_coordinator_invites_an_organisation_absent_from_the_portal_by_siret(
    client_for, member, project, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _by_siret(client_for(member), project, f"{NEW_SIRET[:9]} {NEW_SIRET[9:]}")

    invitation = Invitation.objects.get(project=project)
    assert (invitation.organisation, invitation.siret, invitation.email) == (
        None,
        NEW_SIRET,
        "contact@nouvelle.example",
    )
    assert invitation.source == InvitationSource.EMAIL
    text = page_text(response)
    assert "L'invitation est envoyée à contact@nouvelle.example." in text
    assert f"SIRET {NEW_SIRET}" in text  # in the pending list
    assert [mail.to for mail in mailoutbox] == [["contact@nouvelle.example"]]
    assert NEW_SIRET in mailoutbox[0].body


def test_invalid_siret_is_a_form_error_and_keeps_the_input(client_for, member, project):
    response = _by_siret(client_for(member), project, "12345678901234", message="Rejoignez-nous")

    assert response.status_code == 200
    text = page_text(response)
    assert "SIRET invalide : sa clé de contrôle est fausse." in text
    body = response.content.decode()
    assert 'value="contact@nouvelle.example"' in body
    assert "Rejoignez-nous" in body
    assert not Invitation.objects.exists()


def test_siret_of_an_organisation_on_the_portal_invites_it_directly(
    client_for, member, project, lab_admin
):
    known = OrganisationFactory(name="Usinage Précis")

    response = _by_siret(client_for(member), project, make_siret(known.siren, "0099"))

    invitation = Invitation.objects.get(project=project)
    assert invitation.organisation == known
    assert (
        "Ce SIRET est celui de Usinage Précis, déjà inscrite sur le portail : elle est invitée "
        "directement" in page_text(response)
    )


def test_invitation_by_siret_is_answered_once_the_organisation_registers(
    client_for, member, project, django_capture_on_commit_callbacks
):
    # Arrange: invited by SIRET; then a newcomer registers his organisation with that SIRET.
    consortium.invite_by_siret(
        actor=member, project=project, siret=NEW_SIRET, email="nouveau@example.org"
    )
    newcomer = UserFactory(email="nouveau@example.org")
    organisation = member_services.register_organisation(
        actor=newcomer, name="Nouvelle Optique", kind=OrganisationKind.COMPANY, siret=NEW_SIRET
    )
    client = client_for(newcomer)
    invitation = Invitation.objects.get(project=project)

    # Act
    dashboard = page_text(client.get(reverse("dashboard")))
    page = client.get(_invitation_url(invitation))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _invitation_url(invitation), {"decision": "accept", "organisation": organisation.pk}
        )

    # Assert
    assert "Invitations à rejoindre un consortium" in dashboard
    assert f"l'organisation de SIRET {NEW_SIRET}" in dashboard
    assert "Nouvelle Optique" in page_text(page)  # the organisation answering
    assert response.status_code == 302
    assert response["Location"] == reverse("consortium:detail", args=[project.pk])
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.organisation == organisation
    assert ProjectPartner.objects.filter(project=project, organisation=organisation).exists()


# --- Permissions of the invite page ---------------------------------------------------------


def test_invite_page_is_forbidden_to_a_partner_and_hidden_from_outsiders(
    client_for, project, lab, lab_member, outsider
):
    add_partner(project, lab)

    as_partner = client_for(lab_member).get(_invite_url(project))
    as_outsider = client_for(outsider).get(_invite_url(project))

    assert as_partner.status_code == 403
    assert as_outsider.status_code == 404
    assert "DRONECO" not in as_outsider.content.decode()


def test_invite_page_of_a_withdrawn_project_says_so_and_refuses(client_for, member, project):
    consortium.withdraw_project(actor=member, project=project)

    page = page_text(client_for(member).get(_invite_url(project)))
    response = _by_siret(client_for(member), project, NEW_SIRET)

    assert "il n'est plus possible d'inviter de partenaires" in page
    assert "Le projet est « Abandonné »" in page_text(response)
    assert not Invitation.objects.exists()


# --- The invitee ------------------------------------------------------------------------------


def test_invitee_admin_sees_what_the_invitation_may_show_and_no_more(
    client_for, project, company, member, lab, invitation, lab_admin
):
    # Arrange: the coordinator's part has a budget; another partner is in the consortium.
    ProjectPartner.objects.filter(project=project, organisation=company).update(
        expenses_personnel_eur=987_654
    )
    add_partner(project, OrganisationFactory(name="Partenaire Discret"))

    # Act
    response = client_for(lab_admin).get(_invitation_url(invitation))

    # Assert
    text = page_text(response)
    assert response.status_code == 200
    for shown in (
        "DRONECO",
        "Drone composite d'inspection",
        SUMMARY,
        "Ateliers Durand",  # the coordinator
        "Marc Durand",  # who invited
        "Votre banc de vision nous manque.",
        "Accepter et rejoindre le consortium",
    ):
        assert shown in text
    assert "987" not in text
    assert "Partenaire Discret" not in text


def test_invitee_admin_accepts_and_the_project_opens_to_his_organisation(
    client_for,
    project,
    lab,
    lab_member,
    lab_admin,
    invitation,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    # Arrange: before, the lab's people cannot see the project.
    detail = reverse("consortium:detail", args=[project.pk])
    assert client_for(lab_member).get(detail).status_code == 404

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lab_admin).post(
            _invitation_url(invitation), {"decision": "accept"}, follow=True
        )

    # Assert
    assert response.redirect_chain == [(detail, 302)]
    assert "fait désormais partie du consortium DRONECO" in page_text(response)
    assert ProjectPartner.objects.filter(project=project, organisation=lab).exists()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_by) == (InvitationStatus.ACCEPTED, lab_admin)
    colleague = client_for(lab_member).get(detail)
    assert colleague.status_code == 200
    assert "DRONECO" in page_text(colleague)
    assert [mail.to for mail in mailoutbox] == [["member@example.org"]]
    # The invitation page stays readable, with the answer.
    after = page_text(client_for(lab_admin).get(_invitation_url(invitation)))
    assert "a accepté cette invitation" in after


def test_invitee_admin_declines(client_for, project, lab, lab_admin, invitation):
    response = client_for(lab_admin).post(
        _invitation_url(invitation), {"decision": "decline"}, follow=True
    )

    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert "Vous avez décliné l'invitation au consortium DRONECO" in page_text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not ProjectPartner.objects.filter(project=project, organisation=lab).exists()
    assert "Invitations à rejoindre un consortium" not in page_text(response)
    detail = reverse("consortium:detail", args=[project.pk])
    assert client_for(lab_admin).get(detail).status_code == 404


def test_answer_without_a_decision_is_a_form_error(client_for, lab_admin, invitation):
    response = client_for(lab_admin).post(_invitation_url(invitation), {})

    assert response.status_code == 200
    assert "Choisissez d'accepter ou de décliner." in page_text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_plain_member_of_the_invited_organisation_cannot_see_or_answer(
    client_for, lab_member, invitation
):
    client = client_for(lab_member)

    page = client.get(_invitation_url(invitation))
    answer = client.post(_invitation_url(invitation), {"decision": "accept"})
    dashboard = page_text(client.get(reverse("dashboard")))

    assert page.status_code == 404
    assert "DRONECO" not in page.content.decode()
    assert answer.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert "Invitations à rejoindre un consortium" not in dashboard


def test_invitation_page_is_not_found_for_the_coordinator_and_outsiders(
    client_for, member, outsider, admin, invitation
):
    for user in (member, outsider, admin):
        assert client_for(user).get(_invitation_url(invitation)).status_code == 404


def test_answering_an_invitation_answered_meanwhile_says_so(
    client_for, project, lab_admin, invitation
):
    other_admin = UserFactory(email="autre.admin@example.org")
    AffiliationFactory(user=other_admin, organisation=invitation.organisation, role="admin")
    consortium.answer_invitation(actor=other_admin, invitation=invitation, accept=False)

    response = client_for(lab_admin).post(
        _invitation_url(invitation), {"decision": "accept"}, follow=True
    )

    text = page_text(response)
    assert "Cette invitation a déjà reçu une réponse." in text
    assert "a décliné cette invitation" in text
    assert not ProjectPartner.objects.filter(project=project, organisation=invitation.organisation)


# --- Cancelling, and the pending list of the project page -------------------------------------


def test_coordinator_cancels_an_invitation(client_for, member, project, lab_admin, invitation):
    response = client_for(member).post(
        reverse(
            "consortium:cancel_invitation",
            kwargs={"pk": project.pk, "invitation_pk": invitation.pk},
        ),
        {"next": _invite_url(project)},
        follow=True,
    )

    assert response.redirect_chain == [(_invite_url(project), 302)]
    assert "L'invitation de Laboratoire des Matériaux est annulée." in page_text(response)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED
    # The lab's admin may no longer answer it.
    page = page_text(client_for(lab_admin).get(_invitation_url(invitation)))
    assert "Le coordinateur a annulé cette invitation." in page
    assert "Accepter et rejoindre le consortium" not in page


def test_cancel_goes_back_to_the_project_page_and_ignores_foreign_next(
    client_for, member, project, invitation
):
    response = client_for(member).post(
        reverse(
            "consortium:cancel_invitation",
            kwargs={"pk": project.pk, "invitation_pk": invitation.pk},
        ),
        {"next": "https://ailleurs.example/"},
    )

    assert response["Location"] == f"{project.get_absolute_url()}#invitations"


def test_cancel_is_forbidden_to_a_partner(client_for, project, lab, invitation):
    partner_org = OrganisationFactory(name="Partenaire Actif")
    add_partner(project, partner_org)
    partner_user = UserFactory()
    AffiliationFactory(user=partner_user, organisation=partner_org)

    response = client_for(partner_user).post(
        reverse(
            "consortium:cancel_invitation",
            kwargs={"pk": project.pk, "invitation_pk": invitation.pk},
        )
    )

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_project_page_lists_pending_invitations_with_cancel_for_the_coordinator(
    client_for, member, project, invitation
):
    partner_org = OrganisationFactory(name="Partenaire Actif")
    add_partner(project, partner_org)
    partner_user = UserFactory()
    AffiliationFactory(user=partner_user, organisation=partner_org)
    detail = reverse("consortium:detail", args=[project.pk])

    as_coordinator = client_for(member).get(detail)
    as_partner = client_for(partner_user).get(detail)

    coordinator_text = page_text(as_coordinator)
    assert "Invitations en attente" in coordinator_text
    assert "Laboratoire des Matériaux" in coordinator_text
    assert "Annuler l'invitation" in coordinator_text
    assert _invite_url(project) in as_coordinator.content.decode()
    partner_text = page_text(as_partner)
    assert "Laboratoire des Matériaux" in partner_text
    assert "Annuler l'invitation" not in partner_text
    assert _invite_url(project) not in as_partner.content.decode()


def test_pending_invitations_cost_the_same_queries_for_one_or_three(client_for, member, project):
    def add_invitation():
        return consortium.invite_organisation(
            actor=member, project=project, organisation=OrganisationFactory()
        )

    assert_same_query_count(
        client_for(member),
        _invite_url(project),
        add_invitation,
        shows=lambda invitation: invitation.organisation.name,
    )


# --- The member space -------------------------------------------------------------------------


def test_dashboard_shows_invitations_to_answer_and_my_projects(
    client_for, project, lab, lab_admin, invitation
):
    own = ProjectFactory(
        actor=lab_admin, coordinator=lab, acronym="LABPROJ", title="Projet du labo"
    )

    response = client_for(lab_admin).get(reverse("dashboard"))

    text = page_text(response)
    assert "Invitations à rejoindre un consortium" in text
    assert "DRONECO — Drone composite d'inspection" in text
    assert "Ateliers Durand invite Laboratoire des Matériaux" in text
    assert _invitation_url(invitation) in response.content.decode()
    assert "Mes projets" in text
    assert "LABPROJ — Projet du labo" in text
    assert own.get_status_display() in text
    my_projects = _section(response, "projets-titre")
    assert "LABPROJ" in my_projects
    assert "DRONECO" not in my_projects  # not a partner yet
    assert reverse("consortium:list") in response.content.decode()


def test_dashboard_costs_the_same_queries_for_one_or_three_invitations(client_for, lab, lab_admin):
    def add_invitation():
        coordinator = OrganisationFactory()
        project = ProjectFactory(coordinator=coordinator)
        return consortium.invite_organisation(
            actor=project.created_by, project=project, organisation=lab
        )

    assert_same_query_count(
        client_for(lab_admin),
        reverse("dashboard"),
        add_invitation,
        shows=lambda invitation: invitation.project.title,
    )


def test_dashboard_costs_the_same_queries_for_one_or_three_projects(client_for, member, company):
    def add_project():
        return ProjectFactory(actor=member, coordinator=company)

    assert_same_query_count(
        client_for(member), reverse("dashboard"), add_project, shows=lambda project: project.title
    )


# --- The partner search page ------------------------------------------------------------------


def test_partner_search_page_offers_its_colleagues_to_build_the_project(
    client_for, search, company, outsider
):
    colleague = UserFactory()
    AffiliationFactory(user=colleague, organisation=company)
    create_url = f"{reverse('consortium:create')}?recherche={search.pk}"

    as_colleague = client_for(colleague).get(search.get_absolute_url())
    as_outsider = client_for(outsider).get(search.get_absolute_url())

    assert "Monter le projet" in page_text(as_colleague)
    assert create_url in as_colleague.content.decode()
    assert "Monter le projet" not in page_text(as_outsider)


def test_invite_page_search_says_when_results_are_cut(client_for, member, project):
    for number in range(16):
        OrganisationFactory(name=f"Optique Série {number:03d}")

    text = page_text(client_for(member).get(_invite_url(project, "optique")))

    assert "Les 15 premières organisations trouvées : précisez votre recherche" in text
    assert "Optique Série 014" in text
    assert "Optique Série 015" not in text


def test_invite_page_keeps_ids_of_four_digits_whole(client_for, member, project):
    # French formatting groups thousands ("1 234"): an id in a form value must not be.
    far = OrganisationFactory(id=12345, name="Optique Lointaine")

    response = client_for(member).get(_invite_url(project, "lointaine"))

    body = response.content.decode()
    assert f'id="organisation-{far.pk}" name="annuaire-organisation" value="{far.pk}"' in body
    assert f'<label for="organisation-{far.pk}">' in body
