"""members.permissions, persona by persona."""

import pytest
from django.contrib.auth.models import AnonymousUser

from members import permissions
from tests.conftest import PERSONAS
from tests.factories import ResearchOrganisationFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

# Who manages `company` (an active member of `pole`): its admins, the staff of `pole`, superusers.
MANAGES_COMPANY = {"member", "animator", "admin"}


def _user(request, persona_name):
    return request.getfixturevalue(persona_name) or AnonymousUser()


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_can_manage_organisation_by_persona(request, company, persona_name):
    user = _user(request, persona_name)

    allowed = permissions.can_manage_organisation(user, company)

    assert allowed is (persona_name in MANAGES_COMPANY)


def test_can_manage_organisation_plain_member_of_organisation_cannot(lab_member, lab):
    # lab_member works for the laboratory, but as a plain member, not as its admin.
    assert permissions.can_manage_organisation(lab_member, lab) is False


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [
        ("anonymous", set()),
        ("outsider", set()),
        ("member", set()),
        ("animator", {"Pôle Alpha"}),
        ("other_animator", {"Pôle Bêta"}),
        ("admin", {"Pôle Alpha", "Pôle Bêta"}),
    ],
)
def test_staff_poles_by_persona(request, pole, other_pole, persona_name, expected):
    user = _user(request, persona_name)

    poles = set(permissions.staff_poles(user).values_list("name", flat=True))

    assert poles == expected


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("animator", True),
        ("admin", True),
    ],
)
def test_admin_can_manage_members_by_persona(request, persona_name, expected):
    user = _user(request, persona_name)

    assert permissions.admin_can_manage_members(user) is expected


@pytest.mark.parametrize(
    ("persona_name", "warned"),
    [("anonymous", False), ("outsider", False), ("animator", True), ("admin", True)],
)
def test_organisation_detail_rnsr_warning_shown_only_to_managers(
    request, client_for, pole, persona_name, warned
):
    # Arrange: an RNSR number whose letter breaks the usual rule (X would be expected).
    laboratory = ResearchOrganisationFactory(name="Labo Douteux", rnsr="200212720D")
    laboratory.memberships.create(pole=pole, status="active", college="recherche")
    client = client_for(request.getfixturevalue(persona_name))

    # Act
    text = page_text(client.get(laboratory.get_absolute_url()))

    # Assert
    assert "200212720D" in text
    assert ("ne suit pas la règle habituelle" in text) is warned
