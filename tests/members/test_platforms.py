"""Shared platforms: the catalogue, creation and editing, access requests and answers."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from members import platforms
from members.models import AffiliationRole, Platform, PlatformAccessRequest
from tests.factories import (
    AffiliationFactory,
    CompetenceFactory,
    OrganisationFactory,
    PlatformAccessRequestFactory,
    PlatformFactory,
    RegionFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(company):
    return PlatformFactory(
        name="Banc moteur Durand",
        slug="banc-moteur-durand",
        owner_organisation=company,
        contact_email="banc@durand.example",
    )


def _form_data(owner: str, **changes) -> dict:
    data = {
        "owner": owner,
        "name": "Soufflerie de Toulouse",
        "kind": "equipement",
        "description": "Essais aérodynamiques de maquettes.",
        "equipment": "Veine de 2 m",
        "city": "Toulouse",
        "region": "76",
        "access_conditions": "Sur devis.",
        "contact_email": "soufflerie@example.org",
        "is_published": "on",
    }
    data.update(changes)
    return data


# --- Creation and editing ------------------------------------------------------------------


def test_platform_create_by_organisation_admin(client_for, member, company):
    RegionFactory(code="76")
    competence = CompetenceFactory(name="Aéronautique")

    response = client_for(member).post(
        reverse("platforms:create"),
        _form_data(f"organisation-{company.pk}", competences=[competence.pk]),
        follow=True,
    )

    platform = Platform.objects.get()
    assert (platform.owner_organisation, platform.owner_pole, platform.created_by) == (
        company,
        None,
        member,
    )
    assert platform.slug == "soufflerie-de-toulouse"
    assert list(platform.competences.all()) == [competence]
    assert "La plateforme « Soufflerie de Toulouse » est créée." in page_text(response)
    assert AuditEntry.objects.filter(action="platform.create").count() == 1


def test_platform_create_by_animator_for_his_pole(client_for, animator, pole):
    RegionFactory(code="76")

    client_for(animator).post(reverse("platforms:create"), _form_data(f"pole-{pole.pk}"))

    assert Platform.objects.get().owner_pole == pole


def test_platform_create_for_organisation_not_administered_is_refused(client_for, member, lab):
    RegionFactory(code="76")

    response = client_for(member).post(
        reverse("platforms:create"), _form_data(f"organisation-{lab.pk}")
    )

    assert "Sélectionnez un choix valide" in page_text(response)
    assert Platform.objects.count() == 0


def test_platform_create_by_plain_member_is_forbidden(client_for, lab_member):
    response = client_for(lab_member).get(reverse("platforms:create"))

    assert response.status_code == 403
    assert Platform.objects.count() == 0


def test_platform_edit_by_admin_of_owner_saves_changes(client_for, member, company, platform):
    RegionFactory(code="76")

    response = client_for(member).post(
        reverse("platforms:edit", args=[platform.slug]),
        _form_data(f"organisation-{company.pk}", name="Banc moteur rénové"),
        follow=True,
    )

    platform.refresh_from_db()
    assert platform.name == "Banc moteur rénové"
    assert platform.slug == "banc-moteur-durand"
    assert "La fiche de la plateforme est à jour." in page_text(response)
    entry = AuditEntry.objects.get(action="platform.update")
    assert "name" in entry.data["fields"]


def test_update_platform_refuses_owner_the_actor_does_not_manage(member, platform, other_pole):
    with pytest.raises(platforms.PlatformError):
        platforms.update_platform(actor=member, platform=platform, owner=other_pole)


def test_platform_slug_avoids_reserved_paths():
    assert platforms.unique_platform_slug("Nouvelle") == "nouvelle-plateforme"


# --- Access requests -----------------------------------------------------------------------


def test_request_access_mails_contact_and_records(
    lab_member, lab, platform, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        access_request = platforms.request_platform_access(
            actor=lab_member,
            platform=platform,
            organisation=lab,
            message="Tester notre moteur.",
            desired_period="Mars",
        )

    assert access_request.status == "new"
    assert [mail.to for mail in mailoutbox] == [["banc@durand.example"]]
    body = mailoutbox[0].body
    assert "Laboratoire des Matériaux demande à utiliser la plateforme « Banc moteur Durand »" in (
        body
    )
    assert "Mars" in body and "Tester notre moteur." in body
    assert AuditEntry.objects.filter(action="platform.access_request").count() == 1


def test_request_access_twice_while_pending_is_refused(lab_member, lab, platform):
    platforms.request_platform_access(
        actor=lab_member, platform=platform, organisation=lab, message="Une fois."
    )

    with pytest.raises(platforms.PlatformError) as error:
        platforms.request_platform_access(
            actor=lab_member, platform=platform, organisation=lab, message="Deux fois."
        )

    assert "attend déjà la réponse du propriétaire" in str(error.value)


def test_request_access_for_owner_organisation_is_refused(member, company, platform):
    with pytest.raises(platforms.PlatformError):
        platforms.request_platform_access(
            actor=member, platform=platform, organisation=company, message="Chez nous."
        )


def test_request_access_to_unpublished_platform_is_refused(lab_member, lab, company):
    hidden = PlatformFactory(owner_organisation=company, is_published=False)

    with pytest.raises(platforms.PlatformError):
        platforms.request_platform_access(
            actor=lab_member, platform=hidden, organisation=lab, message="Besoin."
        )


def test_request_access_page_post_redirects_to_sent_requests(client_for, lab_member, lab, platform):
    response = client_for(lab_member).post(
        reverse("platforms:request_access", args=[platform.slug]),
        {"organisation": lab.pk, "message": "Tester notre moteur.", "desired_period": ""},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("platforms:requests") + "#envoyees", 302)]
    text = page_text(response)
    assert "Votre demande d'accès est envoyée" in text
    assert "Banc moteur Durand" in text and "Nouvelle" in text


def test_answer_accept_mails_requester(
    client_for, member, lab, platform, django_capture_on_commit_callbacks, mailoutbox
):
    requester = UserFactory(email="demandeur@lab.example")
    access_request = PlatformAccessRequestFactory(
        platform=platform, organisation=lab, requested_by=requester
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("platforms:answer", args=[access_request.pk]),
            {"decision": "accept", "response": "Venez le 3 mars."},
            follow=True,
        )

    access_request.refresh_from_db()
    assert (access_request.status, access_request.response, access_request.decided_by) == (
        "accepted",
        "Venez le 3 mars.",
        member,
    )
    assert "La demande de Laboratoire des Matériaux est acceptée" in page_text(response)
    assert [mail.to for mail in mailoutbox] == [["demandeur@lab.example"]]
    assert "est acceptée" in mailoutbox[0].body and "Venez le 3 mars." in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="platform.access_accept").count() == 1


def test_answer_twice_is_refused(member, lab, platform):
    access_request = PlatformAccessRequestFactory(platform=platform, organisation=lab)
    platforms.answer_access_request(actor=member, access_request=access_request, accept=False)

    with pytest.raises(platforms.PlatformError):
        platforms.answer_access_request(actor=member, access_request=access_request, accept=True)


def test_answer_without_decision_shows_error(client_for, member, lab, platform):
    access_request = PlatformAccessRequestFactory(platform=platform, organisation=lab)

    response = client_for(member).post(
        reverse("platforms:answer", args=[access_request.pk]), {"response": "?"}
    )

    assert "Acceptez ou refusez la demande." in page_text(response)
    access_request.refresh_from_db()
    assert access_request.status == "new"


def test_answer_by_someone_else_is_not_found(client_for, lab_member, lab, platform):
    access_request = PlatformAccessRequestFactory(platform=platform, organisation=lab)

    response = client_for(lab_member).post(
        reverse("platforms:answer", args=[access_request.pk]), {"decision": "accept"}
    )

    assert response.status_code == 404
    access_request.refresh_from_db()
    assert access_request.status == "new"


# --- Catalogue ------------------------------------------------------------------------------


def test_platform_list_filters(client, company, pole):
    robotics = CompetenceFactory(name="Robotique")
    PlatformFactory(name="Atelier robotique", kind="demonstrateur", competences=[robotics])
    PlatformFactory(
        name="Salle blanche", equipment="Lithographie électronique", region=RegionFactory(code="11")
    )
    PlatformFactory(name="Living lab Alpha", owner_organisation=None, owner_pole=pole)
    PlatformFactory(name="Plateforme cachée", is_published=False)
    url = reverse("platforms:list")
    names = ("Atelier robotique", "Salle blanche", "Living lab Alpha", "Plateforme cachée")

    def shown(**params):
        text = page_text(client.get(url, params))
        return {name for name in names if name in text}

    assert shown() == {"Atelier robotique", "Salle blanche", "Living lab Alpha"}
    assert shown(q="lithographie") == {"Salle blanche"}
    assert shown(kind="demonstrateur") == {"Atelier robotique"}
    assert shown(region="11") == {"Salle blanche"}
    assert shown(competence=robotics.slug) == {"Atelier robotique"}
    assert shown(pole=pole.slug) == {"Living lab Alpha"}


def test_platform_list_query_count_does_not_grow(client):
    competences = [CompetenceFactory(name="Robotique"), CompetenceFactory(name="Photonique")]
    assert_same_query_count(
        client,
        reverse("platforms:list"),
        lambda: PlatformFactory(competences=competences),
        shows=lambda platform: platform.name,
    )


def test_platform_detail_links_owner_organisation_and_hides_contact_from_anonymous(
    client, client_for, member, company, platform
):
    anonymous = client.get(platform.get_absolute_url())
    signed_in = client_for(member).get(platform.get_absolute_url())

    assert f'href="{company.get_absolute_url()}"' in anonymous.content.decode()
    assert "banc@durand.example" not in anonymous.content.decode()
    assert "banc@durand.example" in signed_in.content.decode()


def test_requests_page_query_count_does_not_grow_for_owner(client_for, member, platform):
    def add():
        organisation = OrganisationFactory()
        return PlatformAccessRequestFactory(platform=platform, organisation=organisation)

    assert_same_query_count(
        client_for(member),
        reverse("platforms:requests"),
        add,
        shows=lambda access_request: access_request.organisation.name,
    )


def test_requests_page_query_count_does_not_grow_for_requester(client_for, lab_member, lab):
    assert_same_query_count(
        client_for(lab_member),
        reverse("platforms:requests"),
        lambda: PlatformAccessRequestFactory(organisation=lab, requested_by=lab_member),
        shows=lambda access_request: access_request.platform.name,
    )


def test_organisation_admin_manages_only_his_organisations_platforms(member, company, lab):
    mine = PlatformFactory(owner_organisation=company)
    PlatformFactory(owner_organisation=lab)
    other = OrganisationFactory()
    AffiliationFactory(user=member, organisation=other, role=AffiliationRole.MEMBER)
    PlatformFactory(owner_organisation=other)

    assert list(platforms.platforms_managed_by(member)) == [mine]


def test_access_request_model_is_unchanged_by_failed_request(lab_member, lab, platform):
    with pytest.raises(platforms.PlatformError):
        platforms.request_platform_access(
            actor=lab_member, platform=platform, organisation=OrganisationFactory(), message="x"
        )

    assert PlatformAccessRequest.objects.count() == 0
