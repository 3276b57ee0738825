"""PartnerSearch querysets: who sees what, what is open, what has expired."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from members.models import OrganisationKind
from projects.models import PartnerSearch, PartnerSearchStatus
from tests.conftest import PERSONAS
from tests.factories import InterestFactory, PartnerSearchFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user(request, persona_name):
    return request.getfixturevalue(persona_name) or AnonymousUser()


def _yesterday():
    return timezone.localdate() - timedelta(days=1)


# Who sees a search of `company` (member's organisation) attached to `pole`, by its state.
SEES = {
    "open": set(PERSONAS) - {"anonymous"},
    "closed": {"member", "admin"},
    "expired": {"member", "admin"},
    "hidden": {"member", "animator", "admin"},
}


@pytest.mark.parametrize("state", sorted(SEES))
@pytest.mark.parametrize("persona_name", PERSONAS)
def test_visible_to_by_persona_and_state(request, search, state, persona_name):
    # Arrange
    if state == "expired":
        PartnerSearch.objects.filter(pk=search.pk).update(expires_on=_yesterday())
    elif state != "open":
        PartnerSearch.objects.filter(pk=search.pk).update(status=state)
    user = _user(request, persona_name)

    # Act
    visible = PartnerSearch.objects.visible_to(user).filter(pk=search.pk).exists()

    # Assert
    assert visible is (persona_name in SEES[state])


def test_visible_to_colleague_of_author_sees_closed_search(search, company):
    colleague = UserFactory()
    company.affiliations.create(user=colleague)
    PartnerSearch.objects.filter(pk=search.pk).update(status=PartnerSearchStatus.CLOSED)

    assert list(PartnerSearch.objects.visible_to(colleague)) == [search]


def test_visible_to_interested_organisation_keeps_closed_search(search, lab, lab_member):
    InterestFactory(posting=search, organisation=lab, user=lab_member)
    PartnerSearch.objects.filter(pk=search.pk).update(status=PartnerSearchStatus.CLOSED)

    assert list(PartnerSearch.objects.visible_to(lab_member)) == [search]


def test_visible_to_staff_of_other_pole_misses_hidden_search(search, other_animator):
    PartnerSearch.objects.filter(pk=search.pk).update(status=PartnerSearchStatus.HIDDEN)

    assert list(PartnerSearch.objects.visible_to(other_animator)) == []


def test_open_and_expired_split_by_expiry_date(member, company):
    today = timezone.localdate()
    live = PartnerSearchFactory(author=member, organisation=company, title="Vivante")
    last_day = PartnerSearchFactory(
        author=member, organisation=company, title="Dernier jour", expires_on=today
    )
    past = PartnerSearchFactory(
        author=member, organisation=company, title="Passée", expires_on=_yesterday()
    )
    swept = PartnerSearchFactory(
        author=member, organisation=company, title="Balayée", status=PartnerSearchStatus.EXPIRED
    )
    PartnerSearchFactory(
        author=member, organisation=company, title="Close", status=PartnerSearchStatus.CLOSED
    )

    assert set(PartnerSearch.objects.open()) == {live, last_day}
    assert set(PartnerSearch.objects.expired()) == {past, swept}
    assert set(PartnerSearch.objects.due_to_expire()) == {past}


@pytest.mark.parametrize(
    ("kind", "titles"),
    [
        (OrganisationKind.COMPANY, {"Entreprise seule", "Entreprise et labo", "Tout"}),
        (OrganisationKind.RESEARCH, {"Entreprise et labo", "Labo et IRT", "Tout"}),
        (OrganisationKind.RTO, {"Labo et IRT", "Tout"}),
        (OrganisationKind.TRAINING, {"Tout"}),
    ],
)
def test_wanting_kind_matches_whole_codes(member, company, kind, titles):
    for title, kinds in [
        ("Entreprise seule", ["company"]),
        ("Entreprise et labo", ["research", "company"]),
        ("Labo et IRT", ["rto", "research"]),
        ("Tout", list(OrganisationKind.values)),
        ("Sans type", []),
    ]:
        PartnerSearchFactory(author=member, organisation=company, title=title, kinds_wanted=kinds)

    found = set(PartnerSearch.objects.wanting_kind(kind).values_list("title", flat=True))

    assert found == titles


def test_kinds_wanted_stored_in_vocabulary_order(member, company):
    search = PartnerSearchFactory(
        author=member, organisation=company, kinds_wanted=["rto", "company", "rto"]
    )

    assert search.kinds_wanted == "company,rto"
    assert search.kind_labels == ["Entreprise", "IRT / ITE"]


def test_display_status_of_open_search_past_expiry_is_expired(search):
    PartnerSearch.objects.filter(pk=search.pk).update(expires_on=_yesterday())
    search.refresh_from_db()

    assert search.status == PartnerSearchStatus.OPEN
    assert search.get_display_status_display() == "Expirée"
    assert search.is_live is False
