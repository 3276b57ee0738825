"""Services of the pôles: members' requests, the staff's follow-up, the catalogue."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from members.models import MembershipStatus
from poles import member_services
from poles.models import ServiceRequest, ServiceRequestStatus
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleServiceFactory,
    ServiceRequestFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(pole):
    return PoleServiceFactory(
        pole=pole, title="Pré-diagnostic brevets", contact_email="pi@alpha.example"
    )


def test_request_service_by_member_writes_request_audit_and_mails(
    member, company, service, animator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        service_request = member_services.request_service(
            actor=member, service=service, organisation=company, message="  Protéger un logiciel. "
        )

    assert (service_request.status, service_request.message) == ("new", "Protéger un logiciel.")
    assert AuditEntry.objects.filter(action="service.request").count() == 1
    assert sorted(mail.to[0] for mail in mailoutbox) == ["member@example.org", "pi@alpha.example"]
    to_pole = next(mail for mail in mailoutbox if mail.to == ["pi@alpha.example"])
    assert "Ateliers Durand demande le service « Pré-diagnostic brevets »" in to_pole.body
    assert "Protéger un logiciel." in to_pole.body
    acknowledgement = next(mail for mail in mailoutbox if mail.to == ["member@example.org"])
    assert "est transmise à l'équipe de Pôle Alpha" in acknowledgement.body


def test_request_service_without_contact_mails_the_pole_staff(
    member, company, pole, animator, django_capture_on_commit_callbacks, mailoutbox
):
    service = PoleServiceFactory(pole=pole, contact_email="")

    with django_capture_on_commit_callbacks(execute=True):
        member_services.request_service(
            actor=member, service=service, organisation=company, message="Besoin."
        )

    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "animator@example.org",
        "member@example.org",
    ]


def test_request_members_only_service_refused_for_non_member_organisation(pole, service):
    outsider_company = OrganisationFactory(name="Hors Pôle")
    user = UserFactory()
    AffiliationFactory(user=user, organisation=outsider_company)

    with pytest.raises(member_services.ServiceRequestError) as error:
        member_services.request_service(
            actor=user, service=service, organisation=outsider_company, message="Besoin."
        )

    assert str(error.value) == (
        "Ce service est réservé aux adhérents de Pôle Alpha : Hors Pôle n'en est pas membre active."
    )
    assert ServiceRequest.objects.count() == 0


def test_request_members_only_service_refused_for_pending_membership(pole, service):
    candidate = OrganisationFactory()
    MembershipFactory(organisation=candidate, pole=pole, status=MembershipStatus.PENDING)
    user = UserFactory()
    AffiliationFactory(user=user, organisation=candidate)

    with pytest.raises(member_services.ServiceRequestError):
        member_services.request_service(
            actor=user, service=service, organisation=candidate, message="Besoin."
        )


def test_request_open_service_allowed_for_non_member(pole):
    service = PoleServiceFactory(pole=pole, members_only=False)
    organisation = OrganisationFactory()
    user = UserFactory()
    AffiliationFactory(user=user, organisation=organisation)

    service_request = member_services.request_service(
        actor=user, service=service, organisation=organisation, message="Besoin."
    )

    assert service_request.organisation == organisation


def test_request_service_refused_for_someone_else_organisation(lab_member, company, service):
    with pytest.raises(member_services.ServiceRequestError):
        member_services.request_service(
            actor=lab_member, service=service, organisation=company, message="Besoin."
        )


def test_update_service_request_done_mails_the_requester(
    member, company, service, animator, django_capture_on_commit_callbacks, mailoutbox
):
    service_request = ServiceRequestFactory(
        service=service, organisation=company, requested_by=member
    )

    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_service_request(
            actor=animator,
            service_request=service_request,
            status=ServiceRequestStatus.DONE,
            staff_notes="Rendez-vous fixé.",
        )

    service_request.refresh_from_db()
    assert (service_request.status, service_request.staff_notes, service_request.handled_by) == (
        "done",
        "Rendez-vous fixé.",
        animator,
    )
    assert [mail.to for mail in mailoutbox] == [["member@example.org"]]
    assert "Pôle Alpha a traité la demande du service « Pré-diagnostic brevets »" in (
        mailoutbox[0].body
    )
    entry = AuditEntry.objects.get(action="service.request_update")
    assert (entry.data["previous"], entry.data["status"]) == ("new", "done")


def test_update_service_request_declined_mails_and_in_progress_does_not(
    member, company, service, animator, django_capture_on_commit_callbacks, mailoutbox
):
    service_request = ServiceRequestFactory(
        service=service, organisation=company, requested_by=member
    )

    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_service_request(
            actor=animator, service_request=service_request, status="in_progress", staff_notes=""
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        member_services.update_service_request(
            actor=animator, service_request=service_request, status="declined", staff_notes=""
        )

    assert len(mailoutbox) == 1
    assert "ne donne pas suite" in mailoutbox[0].body


def test_update_service_request_unknown_status_refused(company, service, animator):
    service_request = ServiceRequestFactory(service=service, organisation=company)

    with pytest.raises(member_services.ServiceRequestError):
        member_services.update_service_request(
            actor=animator, service_request=service_request, status="lost", staff_notes=""
        )


# --- Pages ---------------------------------------------------------------------------------


def test_service_request_page_post_creates_request_and_shows_it_in_mine(
    client_for, member, company, service
):
    client = client_for(member)

    response = client.post(
        reverse("services:request", args=[service.pk]),
        {"organisation": company.pk, "message": "Protéger notre logiciel."},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("services:mine"), 302)]
    text = page_text(response)
    assert "Votre demande est envoyée à l'équipe de Pôle Alpha" in text
    assert "Pré-diagnostic brevets" in text and "Ateliers Durand" in text and "Nouvelle" in text
    assert ServiceRequest.objects.get().requested_by == member


def test_service_request_page_for_non_member_organisation_shows_error(client_for, pole, service):
    organisation = OrganisationFactory(name="Hors Pôle")
    user = UserFactory()
    AffiliationFactory(user=user, organisation=organisation)

    response = client_for(user).post(
        reverse("services:request", args=[service.pk]),
        {"organisation": organisation.pk, "message": "Besoin."},
    )

    assert "Hors Pôle n'en est pas membre active" in page_text(response)
    assert ServiceRequest.objects.count() == 0


def test_service_request_page_without_message_shows_error(client_for, member, company, service):
    response = client_for(member).post(
        reverse("services:request", args=[service.pk]), {"organisation": company.pk}
    )

    assert "Décrivez votre besoin en quelques lignes." in page_text(response)


def test_service_detail_for_non_member_explains_and_links_to_pole(client_for, pole, service):
    organisation = OrganisationFactory()
    user = UserFactory()
    AffiliationFactory(user=user, organisation=organisation)

    response = client_for(user).get(reverse("services:detail", args=[service.pk]))

    text = page_text(response)
    assert "réservé aux adhérents de Pôle Alpha" in text
    assert f'href="{pole.get_absolute_url()}"' in response.content.decode()
    assert 'name="message"' not in response.content.decode()


def test_service_detail_anonymous_request_redirects_to_login(client, service):
    url = reverse("services:request", args=[service.pk])

    response = client.post(url, {"message": "x"})

    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_service_list_filters_by_pole_kind_and_text(client, pole, other_pole):
    PoleServiceFactory(pole=pole, kind="financement", title="Rencontres investisseurs")
    PoleServiceFactory(pole=pole, kind="international", title="Mission au Japon")
    PoleServiceFactory(pole=other_pole, kind="financement", title="Club des financeurs")
    PoleServiceFactory(pole=pole, title="Service arrêté", is_active=False)
    url = reverse("services:list")

    def titles(**params):
        text = page_text(client.get(url, params))
        return {
            title
            for title in (
                "Rencontres investisseurs",
                "Mission au Japon",
                "Club des financeurs",
                "Service arrêté",
            )
            if title in text
        }

    assert titles() == {"Rencontres investisseurs", "Mission au Japon", "Club des financeurs"}
    assert titles(kind="financement") == {"Rencontres investisseurs", "Club des financeurs"}
    assert titles(pole="pole-beta") == {"Club des financeurs"}
    assert titles(q="japon") == {"Mission au Japon"}
    assert titles(q="bêta") == {"Club des financeurs"}


def test_service_list_query_count_does_not_grow(client, pole, other_pole):
    poles = iter([pole, other_pole, pole])
    assert_same_query_count(
        client,
        reverse("services:list"),
        lambda: PoleServiceFactory(pole=next(poles)),
        shows=lambda service: service.title,
    )


def test_my_service_requests_query_count_does_not_grow(client_for, member, company, pole):
    assert_same_query_count(
        client_for(member),
        reverse("services:mine"),
        lambda: ServiceRequestFactory(
            service=PoleServiceFactory(pole=pole), organisation=company, requested_by=member
        ),
        shows=lambda service_request: service_request.service.title,
    )


def test_my_service_requests_hides_other_organisations_requests(client_for, member, lab, pole):
    ServiceRequestFactory(
        service=PoleServiceFactory(pole=pole, title="Demande du labo"), organisation=lab
    )

    response = client_for(member).get(reverse("services:mine"))

    assert "Demande du labo" not in page_text(response)
    assert "Vos organisations n'ont fait aucune demande de service." in page_text(response)


def test_pole_page_lists_its_active_services(client, pole, service):
    PoleServiceFactory(pole=pole, title="Service arrêté", is_active=False)

    response = client.get(pole.get_absolute_url())

    text = page_text(response)
    assert "Services aux adhérents" in text
    assert "Pré-diagnostic brevets" in text
    assert "Service arrêté" not in text


# --- Admin ---------------------------------------------------------------------------------


def test_admin_request_list_for_animator_shows_only_his_pole(
    client_for, animator, pole, other_pole, company
):
    ServiceRequestFactory(service=PoleServiceFactory(pole=pole, title="Service Alpha"))
    ServiceRequestFactory(service=PoleServiceFactory(pole=other_pole, title="Service Bêta"))

    response = client_for(animator).get(reverse("admin:poles_servicerequest_changelist"))

    text = page_text(response)
    assert "Service Alpha" in text
    assert "Service Bêta" not in text


def test_admin_service_list_for_animator_shows_only_his_pole(
    client_for, animator, pole, other_pole
):
    PoleServiceFactory(pole=pole, title="Service Alpha")
    PoleServiceFactory(pole=other_pole, title="Service Bêta")

    response = client_for(animator).get(reverse("admin:poles_poleservice_changelist"))

    text = page_text(response)
    assert "Service Alpha" in text and "Service Bêta" not in text


def test_admin_request_of_other_pole_hidden_from_animator(client_for, animator, other_pole):
    service_request = ServiceRequestFactory(
        service=PoleServiceFactory(pole=other_pole, title="Service Bêta")
    )

    response = client_for(animator).get(
        reverse("admin:poles_servicerequest_change", args=[service_request.pk]), follow=True
    )

    assert "Service Bêta" not in page_text(response)


def test_admin_request_change_goes_through_service(
    client_for, animator, member, company, service, django_capture_on_commit_callbacks, mailoutbox
):
    service_request = ServiceRequestFactory(
        service=service, organisation=company, requested_by=member
    )
    url = reverse("admin:poles_servicerequest_change", args=[service_request.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client_for(animator).post(url, {"status": "done", "staff_notes": "Rendez-vous le 3."})

    service_request.refresh_from_db()
    assert (service_request.status, service_request.handled_by) == ("done", animator)
    assert AuditEntry.objects.filter(action="service.request_update").count() == 1
    assert [mail.to for mail in mailoutbox] == [["member@example.org"]]


def test_admin_action_marks_requests_declined(
    client_for, animator, member, company, service, django_capture_on_commit_callbacks, mailoutbox
):
    requests = [
        ServiceRequestFactory(service=service, organisation=company, requested_by=member)
        for _ in range(2)
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(animator).post(
            reverse("admin:poles_servicerequest_changelist"),
            {
                "action": "mark_declined",
                "_selected_action": [str(r.pk) for r in requests],
            },
            follow=True,
        )

    assert "2 demandes passent au statut « Refusée »." in page_text(response)
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == {"declined"}
    assert len(mailoutbox) == 2


def test_admin_request_list_query_count_does_not_grow(client_for, admin, pole):
    assert_same_query_count(
        client_for(admin),
        reverse("admin:poles_servicerequest_changelist"),
        lambda: ServiceRequestFactory(service=PoleServiceFactory(pole=pole)),
        shows=lambda service_request: service_request.service.title,
    )
