"""The admin, scoped: a pôle's animator sees only his pôle's memberships and organisations."""

import pytest
from django.urls import reverse

from members.models import MembershipStatus
from tests.factories import MembershipFactory, OrganisationFactory, PoleFactory
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

NAMES = ("Ateliers Durand", "Candidat Alpha", "Marine Bretonne")


@pytest.fixture
def network(pole, other_pole):
    """Pôle Alpha: Ateliers Durand (active), Candidat Alpha (pending);
    Pôle Bêta: Marine Bretonne (active)."""
    durand = OrganisationFactory(name="Ateliers Durand")
    candidate = OrganisationFactory(name="Candidat Alpha")
    marine = OrganisationFactory(name="Marine Bretonne")
    MembershipFactory(organisation=durand, pole=pole)
    MembershipFactory(organisation=candidate, pole=pole, status=MembershipStatus.PENDING)
    MembershipFactory(organisation=marine, pole=other_pole)
    return durand, candidate, marine


def _shown(response, names=NAMES):
    text = page_text(response)
    return {name for name in names if name in text}


def test_admin_membership_list_for_animator_shows_only_his_pole(client_for, animator, network):
    response = client_for(animator).get(reverse("admin:members_membership_changelist"))

    assert _shown(response) == {"Ateliers Durand", "Candidat Alpha"}
    assert "Pôle Bêta" not in page_text(response)


def test_admin_organisation_list_for_animator_shows_only_his_pole_members(
    client_for, animator, network
):
    OrganisationFactory(name="Sans Adhésion")

    response = client_for(animator).get(reverse("admin:members_organisation_changelist"))

    assert _shown(response, (*NAMES, "Sans Adhésion")) == {
        "Ateliers Durand",
        "Candidat Alpha",
    }


def test_admin_organisation_of_other_pole_is_hidden_from_animator(client_for, animator, network):
    marine = network[2]
    url = reverse("admin:members_organisation_change", args=[marine.pk])

    response = client_for(animator).get(url, follow=True)

    assert response.redirect_chain in ([], [(reverse("admin:index"), 302)])
    assert response.status_code in (200, 404)
    assert "Marine Bretonne" not in page_text(response)


def test_admin_organisation_of_his_pole_opens_for_animator(client_for, animator, network):
    durand = network[0]

    response = client_for(animator).get(
        reverse("admin:members_organisation_change", args=[durand.pk])
    )

    assert response.status_code == 200
    assert "Ateliers Durand" in page_text(response)


def test_admin_membership_of_other_pole_is_hidden_from_animator(client_for, animator, network):
    membership = network[2].memberships.get()

    response = client_for(animator).get(
        reverse("admin:members_membership_change", args=[membership.pk]), follow=True
    )

    assert "Marine Bretonne" not in page_text(response)


def test_admin_pole_list_for_animator_shows_only_his_pole(client_for, animator, other_pole):
    response = client_for(animator).get(reverse("admin:poles_pole_changelist"))

    text = page_text(response)
    assert "Pôle Alpha" in text
    assert "Pôle Bêta" not in text


def test_admin_lists_for_superuser_show_everything(client_for, admin, network):
    client = client_for(admin)

    memberships = client.get(reverse("admin:members_membership_changelist"))
    organisations = client.get(reverse("admin:members_organisation_changelist"))

    assert _shown(memberships) == set(NAMES)
    assert _shown(organisations) == set(NAMES)


def test_admin_lists_for_other_animator_show_only_his_pole(client_for, other_animator, network):
    response = client_for(other_animator).get(reverse("admin:members_organisation_changelist"))

    assert _shown(response) == {"Marine Bretonne"}


def test_admin_member_lists_are_closed_to_non_staff(client_for, member, network):
    url = reverse("admin:members_organisation_changelist")

    response = client_for(member).get(url)

    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize(
    "url_name", ["admin:members_membership_changelist", "admin:members_organisation_changelist"]
)
@pytest.mark.parametrize("persona_name", ["animator", "admin"])
def test_admin_changelist_query_count_same_with_one_or_three_rows(
    client_for, request, pole, url_name, persona_name
):
    client = client_for(request.getfixturevalue(persona_name))

    def add_row():
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, pole=pole)
        MembershipFactory(organisation=organisation, pole=PoleFactory())
        return organisation

    assert_same_query_count(client, reverse(url_name), add_row, shows=lambda o: o.name)
