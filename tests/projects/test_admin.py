"""Moderation in the admin: pôle staff see their pôles' searches and hide or show them."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from projects.models import PartnerSearch, PartnerSearchStatus
from tests.factories import InterestFactory, PartnerSearchFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:projects_partnersearch_changelist")


@pytest.fixture
def other_search(other_pole):
    return PartnerSearchFactory(title="Recherche bretonne", pole=other_pole)


def test_admin_partner_search_list_for_animator_shows_his_pole_only(
    client_for, animator, search, other_search
):
    text = page_text(client_for(animator).get(CHANGELIST))

    assert "Démonstrateur de drone composite" in text
    assert "Recherche bretonne" not in text


def test_admin_partner_search_list_for_superuser_shows_all(client_for, admin, search, other_search):
    text = page_text(client_for(admin).get(CHANGELIST))

    assert "Démonstrateur de drone composite" in text
    assert "Recherche bretonne" in text


def test_admin_hide_action_moderates_through_service(client_for, animator, search):
    response = client_for(animator).post(
        CHANGELIST, {"action": "hide", "_selected_action": [search.pk]}, follow=True
    )

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.HIDDEN
    assert "1 recherche masquée." in page_text(response)
    entry = AuditEntry.objects.for_object(search).first()
    assert (entry.action, entry.actor) == ("partner_search.hide", animator)


def test_admin_unhide_action_reopens(client_for, animator, search):
    PartnerSearch.objects.filter(pk=search.pk).update(status=PartnerSearchStatus.HIDDEN)

    response = client_for(animator).post(
        CHANGELIST, {"action": "unhide", "_selected_action": [search.pk]}, follow=True
    )

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.OPEN
    assert "1 recherche de nouveau visible." in page_text(response)


def test_admin_hide_action_on_search_of_other_pole_changes_nothing(
    client_for, animator, other_search
):
    client_for(animator).post(
        CHANGELIST, {"action": "hide", "_selected_action": [other_search.pk]}, follow=True
    )

    other_search.refresh_from_db()
    assert other_search.status == PartnerSearchStatus.OPEN


def test_admin_partner_search_of_other_pole_hidden_from_animator(
    client_for, animator, other_search
):
    url = reverse("admin:projects_partnersearch_change", args=[other_search.pk])

    response = client_for(animator).get(url, follow=True)

    assert "Recherche bretonne" not in page_text(response)


def test_admin_partner_search_is_read_only(client_for, animator, search):
    url = reverse("admin:projects_partnersearch_change", args=[search.pk])

    response = client_for(animator).get(url)

    text = page_text(response)
    assert "Démonstrateur de drone composite" in text
    assert "Recherche publique" in text
    assert 'name="title"' not in response.content.decode()
    assert "Enregistrer" not in text


def test_admin_interest_list_read_only_for_animator(client_for, animator, search, lab):
    InterestFactory(posting=search, organisation=lab)

    response = client_for(animator).get(reverse("admin:projects_interest_changelist"))
    add = client_for(animator).get(reverse("admin:projects_interest_add"))

    assert "Laboratoire des Matériaux" in page_text(response)
    assert add.status_code == 403


def test_admin_partner_searches_closed_to_members(client_for, member, search):
    response = client_for(member).get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
