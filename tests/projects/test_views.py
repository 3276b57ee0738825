"""Partner search pages: what they show, what the forms do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import OrganisationKind
from projects.models import Follow, Interest, InterestStatus, PartnerSearch, PartnerSearchStatus
from tests.factories import (
    FollowFactory,
    InterestFactory,
    OrganisationFactory,
    PartnerSearchFactory,
    PoleFactory,
    RegionFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

LIST = reverse("projects:list")


def _detail(search):
    return reverse("projects:detail", kwargs={"pk": search.pk})


def _titles(response, titles):
    text = page_text(response)
    return {title for title in titles if title in text}


# --- List -------------------------------------------------------------------------------------


@pytest.fixture
def searches(search, member, lab, lab_member, other_pole, composites, robotics):
    """`search` plus: a lab's search in Bretagne (robotics, companies wanted), and three of
    `company` that others do not see in the list: closed, expired, hidden."""
    PartnerSearchFactory(
        author=lab_member,
        organisation=lab,
        title="Cobot pour la conserverie",
        description="Automatiser le conditionnement du thon.",
        competences=[robotics],
        kinds_wanted=[OrganisationKind.COMPANY],
        region_wanted=RegionFactory(code="53"),
        pole=other_pole,
    )
    company = search.organisation
    for title, changes in [
        ("Recherche close", {"status": PartnerSearchStatus.CLOSED}),
        ("Recherche passée", {"expires_on": timezone.localdate() - timedelta(days=1)}),
        ("Recherche masquée", {"status": PartnerSearchStatus.HIDDEN}),
    ]:
        PartnerSearchFactory(
            author=member, organisation=company, title=title, competences=[composites], **changes
        )


ALL = (
    "Démonstrateur de drone composite",
    "Cobot pour la conserverie",
    "Recherche close",
    "Recherche passée",
    "Recherche masquée",
)


def test_partner_search_list_shows_open_searches_only(client_for, outsider, searches):
    response = client_for(outsider).get(LIST)

    assert _titles(response, ALL) == {
        "Démonstrateur de drone composite",
        "Cobot pour la conserverie",
    }
    assert "2 recherches" in page_text(response)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "drone"}, {"Démonstrateur de drone composite"}),
        ({"q": "thon conditionnement"}, {"Cobot pour la conserverie"}),  # every word, description
        ({"competence": "materiaux-composites"}, {"Démonstrateur de drone composite"}),
        (
            {"competence": "robotique"},
            {"Démonstrateur de drone composite", "Cobot pour la conserverie"},
        ),
        ({"kind": "company"}, {"Cobot pour la conserverie"}),
        ({"kind": "research"}, {"Démonstrateur de drone composite"}),
        ({"region": "53"}, {"Cobot pour la conserverie"}),
        ({"pole": "pole-alpha"}, {"Démonstrateur de drone composite"}),
        ({"q": "chocolat"}, set()),
    ],
)
def test_partner_search_list_filters(client_for, outsider, searches, query, found):
    response = client_for(outsider).get(LIST, query)

    assert _titles(response, ALL) == found


def test_partner_search_list_mine_shows_every_state_with_badges(client_for, member, searches):
    response = client_for(member).get(LIST, {"mine": "on"})

    text = page_text(response)
    assert _titles(response, ALL) == set(ALL) - {"Cobot pour la conserverie"}
    assert "Clôturée" in text
    assert "Expirée" in text
    assert "Masquée par la modération" in text


def test_partner_search_list_mine_counts_pending_interests(client_for, member, search, lab):
    InterestFactory(posting=search, organisation=lab)

    response = client_for(member).get(LIST, {"mine": "on"})

    assert "1 intérêt à traiter" in page_text(response)


def test_partner_search_list_htmx_returns_results_only(client_for, outsider, searches):
    response = client_for(outsider).get(LIST, {"q": "drone"}, headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert _titles(response, ALL) == {"Démonstrateur de drone composite"}


def test_partner_search_list_offers_publishing_to_affiliated_members_only(
    client_for, member, outsider, search
):
    assert "Publier une recherche" in page_text(client_for(member).get(LIST))
    assert "Publier une recherche" not in page_text(client_for(outsider).get(LIST))


def test_partner_search_list_same_queries_for_one_or_three(
    client_for, outsider, pole, composites, additive, robotics
):
    competences = [composites, additive, robotics]
    number = iter(range(100))

    def add_search():
        return PartnerSearchFactory(
            title=f"Recherche numéro {next(number):02d}",
            competences=competences,
            pole=pole,
            region_wanted=RegionFactory(code="76"),
        )

    assert_same_query_count(client_for(outsider), LIST, add_search, shows=lambda s: s.title)


# --- Detail -----------------------------------------------------------------------------------


def test_partner_search_detail_for_author_shows_interests_and_suggestions(
    client_for, member, search, lab, composites
):
    InterestFactory(
        posting=search, organisation=lab, contribution="Notre soufflerie", motivation="Voler"
    )
    OrganisationFactory(name="Composites du Midi", competences=[composites])

    response = client_for(member).get(_detail(search))

    text = page_text(response)
    assert "Marques d'intérêt reçues" in text
    assert "Laboratoire des Matériaux" in text
    assert "Notre soufflerie" in text
    assert "Accepter" in text
    assert "Partenaires suggérés" in text
    assert "Composites du Midi" in text
    assert "1 compétence recherchée : Matériaux composites" in text
    assert "Modifier la recherche" in text
    assert "Exprimer un intérêt" not in text


def test_partner_search_detail_same_queries_for_one_or_three_interests(
    client_for, member, search, composites
):
    OrganisationFactory(name="Composites du Midi", competences=[composites])
    number = iter(range(100))

    def add_interest():
        organisation = OrganisationFactory(name=f"Intéressée {next(number):02d}")
        return InterestFactory(posting=search, organisation=organisation)

    assert_same_query_count(
        client_for(member),
        _detail(search),
        add_interest,
        shows=lambda interest: interest.organisation.name,
    )


def test_partner_search_detail_for_colleague_shows_interests_without_answer_buttons(
    client_for, search, lab
):
    colleague = UserFactory()
    search.organisation.affiliations.create(user=colleague)
    InterestFactory(posting=search, organisation=lab)

    text = page_text(client_for(colleague).get(_detail(search)))

    assert "Laboratoire des Matériaux" in text
    assert "Partenaires suggérés" in text
    assert "Accepter" not in text
    assert "Modifier la recherche" not in text


def test_partner_search_detail_for_other_member_offers_interest_and_follow(
    client_for, lab_member, search
):
    response = client_for(lab_member).get(_detail(search))

    text = page_text(response)
    assert "Démonstrateur de drone composite" in text
    assert "Exprimer un intérêt" in text
    assert "Suivre" in text
    assert "Matériaux composites" in text
    assert "AAP FUI 21" in text
    assert "Occitanie" in text
    assert "Marques d'intérêt reçues" not in text
    assert "Partenaires suggérés" not in text
    assert search.organisation.get_absolute_url() in response.content.decode()


def test_partner_search_detail_after_interest_shows_its_status(client_for, lab_member, search, lab):
    InterestFactory(posting=search, organisation=lab, user=lab_member)

    text = page_text(client_for(lab_member).get(_detail(search)))

    assert "Votre intérêt" in text
    assert "En attente" in text
    assert "Envoyer mon intérêt" not in text


def test_partner_search_detail_without_organisation_explains(client_for, outsider, search):
    text = page_text(client_for(outsider).get(_detail(search)))

    assert "votre compte doit être rattaché à une organisation" in text
    assert "Envoyer mon intérêt" not in text


# --- Create and edit --------------------------------------------------------------------------


def _form_data(composites, **overrides):
    return {
        "title": "Capteur de givre",
        "description": "Un capteur de givre pour les pales d'éoliennes.",
        "competences_wanted": [composites.pk],
        "kinds_wanted": ["research", "rto"],
        "region_wanted": "",
        "pole": "",
        "target_call": "AAP FUI 25",
        "expires_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
    } | overrides


def test_partner_search_create_publishes_and_redirects(client_for, member, company, composites):
    client = client_for(member)

    response = client.post(
        reverse("projects:create"), _form_data(composites, organisation=company.pk), follow=True
    )

    search = PartnerSearch.objects.get()
    assert response.redirect_chain == [(_detail(search), 302)]
    assert "Votre recherche de partenaires est publiée" in page_text(response)
    assert (search.author, search.organisation, search.kinds_wanted) == (
        member,
        company,
        "research,rto",
    )
    assert search.expires_on == timezone.localdate() + timedelta(days=60)


def test_partner_search_create_offers_only_own_organisations(client_for, member, lab, unpublished):
    response = client_for(member).get(reverse("projects:create"))

    text = page_text(response)
    assert "Ateliers Durand" in text
    assert "Startup Discrète" in text
    assert "Laboratoire des Matériaux" not in text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"expires_on": "2020-01-01"}, "La date d'expiration doit être postérieure à aujourd'hui."),
        ({"competences_wanted": []}, "Choisissez au moins une compétence recherchée."),
        ({"description": ""}, "Décrivez le projet et le partenaire que vous cherchez."),
        ({"title": ""}, "Donnez un titre à votre recherche."),
        ({"kinds_wanted": ["pirate"]}, "Sélectionnez un choix valide."),
    ],
)
def test_partner_search_create_invalid_shows_errors_and_keeps_input(
    client_for, member, company, composites, overrides, error
):
    response = client_for(member).post(
        reverse("projects:create"), _form_data(composites, organisation=company.pk, **overrides)
    )

    text = page_text(response)
    assert response.status_code == 200
    assert error in text
    assert "corrigez les champs signalés" in text
    assert "AAP FUI 25" in response.content.decode()
    assert PartnerSearch.objects.count() == 0


def test_partner_search_create_for_someone_elses_organisation_refused(
    client_for, member, lab, composites
):
    response = client_for(member).post(
        reverse("projects:create"), _form_data(composites, organisation=lab.pk)
    )

    assert "Sélectionnez un choix valide" in page_text(response)
    assert PartnerSearch.objects.count() == 0


def test_partner_search_create_without_organisation_explains(client_for, outsider):
    response = client_for(outsider).get(reverse("projects:create"))

    assert response.status_code == 403
    assert "Rattachez-vous d'abord à une organisation" in page_text(response)


def test_partner_search_edit_updates_and_tells_followers(
    client_for,
    member,
    search,
    lab_member,
    composites,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    FollowFactory(user=lab_member, posting=search)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("projects:edit", kwargs={"pk": search.pk}),
            _form_data(composites, title="Drone composite, phase 2"),
            follow=True,
        )

    search.refresh_from_db()
    assert search.title == "Drone composite, phase 2"
    assert "Votre recherche est à jour." in page_text(response)
    assert [message.to for message in mailoutbox] == [["lab@example.org"]]


def test_partner_search_edit_keeps_unchanged_past_expiry_of_expired_search(
    client_for, member, search, composites
):
    """An expired search can be corrected without being told its (unchanged) date is past."""
    past = timezone.localdate() - timedelta(days=3)
    PartnerSearch.objects.filter(pk=search.pk).update(expires_on=past)

    client_for(member).post(
        reverse("projects:edit", kwargs={"pk": search.pk}),
        _form_data(composites, title="Corrigée", expires_on=past.isoformat()),
    )

    search.refresh_from_db()
    assert (search.title, search.expires_on) == ("Corrigée", past)


def test_partner_search_edit_form_starts_from_current_values(client_for, member, search):
    response = client_for(member).get(reverse("projects:edit", kwargs={"pk": search.pk}))

    body = response.content.decode()
    assert 'value="Démonstrateur de drone composite"' in body
    assert 'value="research" id="id_kinds_wanted_1" checked' in body
    assert f'value="{search.competences_wanted.first().pk}"' in body
    assert body.count('name="competences_wanted"') > 3
    assert body.count("checked") == 3 + 1
    assert 'name="organisation"' not in body


def test_partner_search_edit_by_someone_else_forbidden(client_for, lab_member, search):
    response = client_for(lab_member).get(reverse("projects:edit", kwargs={"pk": search.pk}))

    assert response.status_code == 403


# --- Close ------------------------------------------------------------------------------------


def test_partner_search_close_confirms_then_closes(client_for, member, search, lab):
    InterestFactory(posting=search, organisation=lab)
    client = client_for(member)
    url = reverse("projects:close", kwargs={"pk": search.pk})

    confirmation = client.get(url)
    search.refresh_from_db()
    status_after_get = search.status
    response = client.post(url, follow=True)

    assert "1 marque d'intérêt attend encore votre réponse" in page_text(confirmation)
    assert status_after_get == PartnerSearchStatus.OPEN
    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.CLOSED
    assert "La recherche est clôturée" in page_text(response)


# --- Interests --------------------------------------------------------------------------------


def _interest_data(organisation, **overrides):
    return {
        "organisation": organisation.pk,
        "contribution": "Une presse à composites.",
        "motivation": "Diversifier nos marchés.",
    } | overrides


def test_express_interest_sends_and_says_so(
    client_for, lab_member, search, lab, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lab_member).post(
            reverse("projects:express_interest", kwargs={"pk": search.pk}),
            _interest_data(lab),
            follow=True,
        )

    interest = Interest.objects.get()
    assert (interest.organisation, interest.user, interest.contribution) == (
        lab,
        lab_member,
        "Une presse à composites.",
    )
    text = page_text(response)
    assert "Votre intérêt est transmis à Ateliers Durand" in text
    assert "Votre intérêt" in text
    assert [message.to for message in mailoutbox] == [["member@example.org"]]


def test_express_interest_second_time_explains_and_keeps_text(client_for, search, lab, lab_member):
    InterestFactory(posting=search, organisation=lab, user=lab_member)
    colleague = UserFactory()
    lab.affiliations.create(user=colleague)

    response = client_for(colleague).post(
        reverse("projects:express_interest", kwargs={"pk": search.pk}),
        _interest_data(lab, contribution="Mon long texte soigneusement rédigé."),
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Laboratoire des Matériaux a déjà exprimé son intérêt pour cette recherche" in text
    assert "Mon long texte soigneusement rédigé." in text
    assert Interest.objects.count() == 1


def test_express_interest_empty_form_shows_errors(client_for, lab_member, search):
    response = client_for(lab_member).post(
        reverse("projects:express_interest", kwargs={"pk": search.pk}), {}
    )

    text = page_text(response)
    assert "Dites ce que votre organisation apporterait au projet." in text
    assert "Dites pourquoi ce projet vous intéresse." in text
    assert Interest.objects.count() == 0


def test_express_interest_by_author_forbidden(client_for, member, search, unpublished):
    response = client_for(member).post(
        reverse("projects:express_interest", kwargs={"pk": search.pk}),
        _interest_data(unpublished),
    )

    assert response.status_code == 403
    assert Interest.objects.count() == 0


def test_answer_interest_accept_then_interested_member_sees_it(
    client_for, member, lab_member, search, lab, mailoutbox, django_capture_on_commit_callbacks
):
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("projects:answer_interest", kwargs={"pk": interest.pk}),
            {"decision": "accept", "message": "Rendez-vous mardi ?"},
            follow=True,
        )
    mine = client_for(lab_member).get(reverse("projects:my_interests"))

    interest.refresh_from_db()
    assert interest.status == InterestStatus.ACCEPTED
    assert "Vous avez accepté l'intérêt de Laboratoire des Matériaux" in page_text(response)
    assert [message.to for message in mailoutbox] == [["lab@example.org"]]
    assert "Acceptée" in page_text(mine)
    assert "Rendez-vous mardi ?" in page_text(mine)


def test_answer_interest_twice_explains(client_for, member, search, lab):
    interest = InterestFactory(posting=search, organisation=lab)
    client = client_for(member)
    url = reverse("projects:answer_interest", kwargs={"pk": interest.pk})
    client.post(url, {"decision": "decline"})

    response = client.post(url, {"decision": "accept"}, follow=True)

    interest.refresh_from_db()
    assert interest.status == InterestStatus.DECLINED
    assert "Vous avez déjà répondu à Laboratoire des Matériaux (déclinée)" in page_text(response)


def test_answer_interest_without_decision_shows_error(client_for, member, search, lab):
    interest = InterestFactory(posting=search, organisation=lab)

    response = client_for(member).post(
        reverse("projects:answer_interest", kwargs={"pk": interest.pk}), {"message": "Hum"}
    )

    assert "Choisissez d'accepter ou de décliner." in page_text(response)
    interest.refresh_from_db()
    assert interest.status == InterestStatus.PENDING


# --- Follow -----------------------------------------------------------------------------------


def test_follow_then_unfollow(client_for, lab_member, search):
    client = client_for(lab_member)

    followed = client.post(reverse("projects:follow", kwargs={"pk": search.pk}), follow=True)
    follows_after_follow = list(Follow.objects.values_list("user__email", flat=True))
    unfollowed = client.post(reverse("projects:unfollow", kwargs={"pk": search.pk}), follow=True)

    assert follows_after_follow == ["lab@example.org"]
    assert "Vous suivez cette recherche" in page_text(followed)
    assert "Ne plus suivre" in page_text(followed)
    assert "Vous ne suivez plus cette recherche." in page_text(unfollowed)
    assert Follow.objects.count() == 0


# --- My interests -----------------------------------------------------------------------------


def test_my_interests_lists_my_organisations_interests(client_for, lab_member, lab, search):
    InterestFactory(posting=search, organisation=lab)  # by a colleague
    other = PartnerSearchFactory(title="Recherche sans nous")
    InterestFactory(posting=other)

    text = page_text(client_for(lab_member).get(reverse("projects:my_interests")))

    assert "Démonstrateur de drone composite" in text
    assert "Recherche sans nous" not in text
    assert "1 marque d'intérêt" in text


def test_my_interests_same_queries_for_one_or_three(client_for, lab_member, lab):
    pole = PoleFactory()

    def add_interest():
        return InterestFactory(posting=PartnerSearchFactory(pole=pole), organisation=lab)

    assert_same_query_count(
        client_for(lab_member),
        reverse("projects:my_interests"),
        add_interest,
        shows=lambda interest: interest.posting.title,
    )
