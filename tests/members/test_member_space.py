"""A member's own space: his organisation's profile, joining organisations and pôles."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from members.identifiers import make_siren, make_siret
from members.models import (
    Affiliation,
    AffiliationRole,
    College,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationJoinRequest,
)
from tests.factories import (
    AffiliationFactory,
    MembershipFactory,
    OrganisationFactory,
    PoleStaffFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db


def _profile_data(organisation, **changes):
    """The edit form's fields as the page would post them back, with `changes` applied."""
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "siren": organisation.siren,
        "siret": organisation.siret,
        "rnsr": organisation.rnsr,
        "uai": organisation.uai,
        "group_name": organisation.group_name,
        "headcount": organisation.headcount or "",
        "turnover_eur": organisation.turnover_eur or "",
        "balance_sheet_eur": organisation.balance_sheet_eur or "",
        "address": organisation.address,
        "postcode": organisation.postcode,
        "city": organisation.city,
        "region": organisation.region_id or "",
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "phone": organisation.phone,
        "description": organisation.description,
        "keywords": organisation.keywords,
        "is_published": "on" if organisation.is_published else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


# --- Editing the profile ----------------------------------------------------------------------


def test_profile_edit_by_admin_saves_and_records_who_changed_what(client, member, company):
    client.force_login(member)

    response = client.post(
        reverse("members:edit", kwargs={"slug": company.slug}),
        _profile_data(
            company, description="Bancs d'essai pour moteurs électriques.", headcount=300
        ),
        follow=True,
    )

    company.refresh_from_db()
    assert company.description == "Bancs d'essai pour moteurs électriques."
    assert company.size_category == "eti"
    assert "La fiche de l'organisation est à jour." in page_text(response)
    assert "Bancs d'essai pour moteurs électriques." in page_text(response)
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == member
    assert set(entry.data["fields"]) == {"description", "headcount", "size_category"}


def test_profile_edit_bad_siret_shows_error_and_keeps_typed_values(client, member, company):
    client.force_login(member)
    before = company.description

    response = client.post(
        reverse("members:edit", kwargs={"slug": company.slug}),
        _profile_data(company, siret="73282932000075", description="Nouvelle présentation"),
    )

    text = page_text(response)
    assert "SIRET invalide : sa clé de contrôle est fausse." in text
    assert "Nouvelle présentation" in response.content.decode()
    company.refresh_from_db()
    assert company.description == before
    assert not AuditEntry.objects.exists()


def test_profile_edit_siret_of_another_company_is_refused(client, member, company):
    client.force_login(member)
    other_siret = make_siret(make_siren("55512345"), "0001")

    response = client.post(
        reverse("members:edit", kwargs={"slug": company.slug}),
        _profile_data(company, siret=other_siret),
    )

    assert "Le SIRET doit commencer par le SIREN de l'organisation." in page_text(response)


def test_profile_edit_by_plain_member_is_forbidden(client, lab_member, lab):
    client.force_login(lab_member)

    response = client.get(reverse("members:edit", kwargs={"slug": lab.slug}))

    assert response.status_code == 403
    assert 'name="siret"' not in response.content.decode()


# --- Contacts ---------------------------------------------------------------------------------


def test_contacts_hidden_from_anonymous_visitors(client, member, company):
    response = client.get(company.get_absolute_url())

    text = page_text(response)
    assert "Connectez-vous pour voir les contacts de cette organisation." in text
    assert member.email not in text


def test_contacts_hidden_from_users_without_organisation(client, outsider, member, company):
    client.force_login(outsider)

    text = page_text(client.get(company.get_absolute_url()))

    assert "Les contacts sont réservés aux membres" in text
    assert member.email not in text


def test_contacts_shown_to_members_of_the_network(client, lab_member, member, company):
    Organisation.objects.filter(pk=company.pk).update(contact_email="contact@durand.example")
    client.force_login(lab_member)

    text = page_text(client.get(company.get_absolute_url()))

    assert "contact@durand.example" in text
    assert member.email in text
    assert "Marc Durand" in text


def test_contacts_leave_out_people_who_opted_out(client, lab_member, member, company):
    Affiliation.objects.filter(user=member).update(is_contact=False)
    client.force_login(lab_member)

    text = page_text(client.get(company.get_absolute_url()))

    assert member.email not in text
    assert "Aucun contact publié." in text


# --- Registering an organisation --------------------------------------------------------------


def test_register_organisation_makes_creator_its_admin(client, outsider):
    client.force_login(outsider)
    siren = make_siren("71234567")

    response = client.post(
        reverse("members:create"),
        {
            "name": "Optique du Lac",
            "kind": "company",
            "siren": siren,
            "siret": make_siret(siren, "0001"),
            "headcount": "12",
            "turnover_eur": "1500000",
            "city": "Annecy",
            "is_published": "on",
        },
        follow=True,
    )

    organisation = Organisation.objects.get(name="Optique du Lac")
    assert organisation.size_category == "pme"
    assert Affiliation.objects.get(user=outsider, organisation=organisation).role == "admin"
    assert "Optique du Lac est créée ; vous en êtes l'administrateur." in page_text(response)
    assert AuditEntry.objects.filter(action="organisation.register").count() == 1


def test_register_organisation_with_known_siren_leads_to_the_existing_one(
    client, outsider, company
):
    client.force_login(outsider)

    response = client.post(
        reverse("members:create"),
        {"name": "Durand Bis", "kind": "company", "siren": company.siren},
        follow=True,
    )

    assert not Organisation.objects.filter(name="Durand Bis").exists()
    assert response.redirect_chain[-1][0] == reverse("members:join", kwargs={"slug": company.slug})
    assert "Ateliers Durand est déjà sur le portail" in page_text(response)


def test_register_company_without_identifier_is_refused_with_reason(client, outsider):
    client.force_login(outsider)

    response = client.post(
        reverse("members:create"), {"name": "Sans Numéro", "kind": "company", "city": "Brest"}
    )

    assert "Une entreprise est identifiée par son SIREN ou son SIRET." in page_text(response)
    assert 'value="Sans Numéro"' in response.content.decode()
    assert not Organisation.objects.filter(name="Sans Numéro").exists()


# --- Joining an organisation ------------------------------------------------------------------


def test_dashboard_finds_organisation_by_siret(client, outsider, company):
    client.force_login(outsider)

    response = client.get(reverse("dashboard"), {"q": company.siret})

    text = page_text(response)
    assert "Bienvenue ! Rattachez-vous à votre organisation" in text
    assert "Ateliers Durand" in text
    assert reverse("members:join", kwargs={"slug": company.slug}) in response.content.decode()


def test_join_request_reaches_the_admins(
    client, outsider, member, company, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:join", kwargs={"slug": company.slug}),
            {"job_title": "Ingénieure", "message": "Je travaille au bureau d'études."},
            follow=True,
        )

    join_request = OrganisationJoinRequest.objects.get(user=outsider)
    assert join_request.status == JoinRequestStatus.PENDING
    assert "Votre demande est envoyée aux administrateurs de Ateliers Durand." in page_text(
        response
    )
    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert "Ateliers Durand" in mailoutbox[0].subject
    assert "Je travaille au bureau d'études." in mailoutbox[0].body


def test_join_request_twice_gets_a_clear_message(client, outsider, company):
    client.force_login(outsider)
    url = reverse("members:join", kwargs={"slug": company.slug})
    client.post(url, {"job_title": "Ingénieure"})

    response = client.post(url, {"job_title": "Ingénieure"})

    assert "Votre demande de rattachement à Ateliers Durand est déjà en attente." in page_text(
        response
    )
    assert OrganisationJoinRequest.objects.filter(user=outsider).count() == 1


def test_admin_sees_and_approves_join_request(
    client, outsider, member, company, mailoutbox, django_capture_on_commit_callbacks
):
    join_request = OrganisationJoinRequest.objects.create(
        user=outsider, organisation=company, job_title="Ingénieure"
    )
    client.force_login(member)
    assert "Olivia Dehors" in page_text(client.get(reverse("dashboard")))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "members:join_request_decide", kwargs={"slug": company.slug, "pk": join_request.pk}
            ),
            {"decision": "approve"},
            follow=True,
        )

    affiliation = Affiliation.objects.get(user=outsider, organisation=company)
    assert affiliation.role == AffiliationRole.MEMBER
    assert affiliation.job_title == "Ingénieure"
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decided_by == member
    assert f"{outsider.email} est rattaché à Ateliers Durand." in page_text(response)
    assert mailoutbox[-1].to == [outsider.email]
    assert "Vous êtes désormais rattaché à Ateliers Durand" in mailoutbox[-1].body


def test_admin_declines_join_request_without_affiliation(client, outsider, member, company):
    join_request = OrganisationJoinRequest.objects.create(user=outsider, organisation=company)
    client.force_login(member)

    client.post(
        reverse(
            "members:join_request_decide", kwargs={"slug": company.slug, "pk": join_request.pk}
        ),
        {"decision": "decline"},
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert not Affiliation.objects.filter(user=outsider, organisation=company).exists()


# --- Joining a pôle ---------------------------------------------------------------------------


def test_membership_request_notifies_the_pole_staff(
    client, member, company, other_pole, mailoutbox, django_capture_on_commit_callbacks
):
    staff = PoleStaffFactory(pole=other_pole, user__email="equipe@beta.example")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:membership_request", kwargs={"slug": company.slug}),
            {"pole": other_pole.pk, "college": College.SME, "motivation": "Projets en Bretagne."},
            follow=True,
        )

    membership = Membership.objects.get(organisation=company, pole=other_pole)
    assert membership.status == MembershipStatus.PENDING
    assert membership.motivation == "Projets en Bretagne."
    assert membership.requested_by == member
    assert "La demande d'adhésion à Pôle Bêta est envoyée à l'équipe du pôle." in page_text(
        response
    )
    assert [mail.to for mail in mailoutbox] == [[staff.user.email]]
    assert "Projets en Bretagne." in mailoutbox[0].body


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (MembershipStatus.PENDING, "est déjà en attente"),
        (MembershipStatus.ACTIVE, "Ateliers Durand est déjà membre de Pôle Bêta."),
    ],
)
def test_membership_request_twice_gets_a_clear_message(
    client, member, company, other_pole, status, message
):
    MembershipFactory(organisation=company, pole=other_pole, status=status)
    client.force_login(member)

    response = client.post(
        reverse("members:membership_request", kwargs={"slug": company.slug}),
        {"pole": other_pole.pk, "college": College.SME, "motivation": "Encore"},
    )

    assert message in page_text(response)
    assert Membership.objects.get(organisation=company, pole=other_pole).status == status


def test_refused_membership_may_be_asked_again(client, member, company, other_pole):
    MembershipFactory(organisation=company, pole=other_pole, status=MembershipStatus.REFUSED)
    client.force_login(member)

    client.post(
        reverse("members:membership_request", kwargs={"slug": company.slug}),
        {"pole": other_pole.pk, "college": College.SME, "motivation": "Nouveau projet"},
    )

    membership = Membership.objects.get(organisation=company, pole=other_pole)
    assert membership.status == MembershipStatus.PENDING
    assert membership.motivation == "Nouveau projet"


def test_animator_approves_requests_in_admin_with_audit_and_mail(
    client, animator, pole, mailoutbox, django_capture_on_commit_callbacks
):
    requester = UserFactory(email="dirigeante@neuve.example")
    newcomer = OrganisationFactory(name="Jeune Pousse")
    AffiliationFactory(user=requester, organisation=newcomer, role=AffiliationRole.ADMIN)
    membership = MembershipFactory(
        organisation=newcomer, pole=pole, status=MembershipStatus.PENDING, requested_by=requester
    )
    client.force_login(animator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_membership_changelist"),
            {"action": "approve_requests", "_selected_action": [membership.pk]},
            follow=True,
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.decided_by == animator
    assert membership.start_date is not None
    assert "1 demande d'adhésion acceptée." in page_text(response)
    entry = AuditEntry.objects.get(action="membership.approve")
    assert entry.actor == animator
    assert mailoutbox[-1].to == [requester.email]
    assert "Jeune Pousse" in mailoutbox[-1].body


def test_animator_cannot_decide_twice(client, animator, pole, company):
    membership = Membership.objects.get(organisation=company, pole=pole)
    client.force_login(animator)

    response = client.post(
        reverse("admin:members_membership_changelist"),
        {"action": "refuse_requests", "_selected_action": [membership.pk]},
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert "n'est plus en attente" in page_text(response)


# --- The member's space -----------------------------------------------------------------------


def test_dashboard_lists_organisations_and_their_poles(client, member, company, pole):
    client.force_login(member)

    text = page_text(client.get(reverse("dashboard")))

    assert "Mes organisations" in text
    assert "Ateliers Durand" in text
    assert "Alpha Active" in text
    assert "Adhérer à un pôle" in text


def test_dashboard_query_count_does_not_grow_with_organisations(client, member, pole):
    client.force_login(member)

    def add_affiliation():
        organisation = OrganisationFactory()
        AffiliationFactory(user=member, organisation=organisation, role=AffiliationRole.ADMIN)
        MembershipFactory(organisation=organisation, pole=pole)
        OrganisationJoinRequest.objects.create(
            user=UserFactory(), organisation=organisation, job_title="Technicien"
        )
        return organisation

    assert_same_query_count(client, reverse("dashboard"), add_affiliation, shows=lambda o: o.name)
