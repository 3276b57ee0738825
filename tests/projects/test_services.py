"""projects.services: the rules each write checks, and what it leaves behind."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from projects import services
from projects.models import Follow, Interest, InterestStatus, PartnerSearch, PartnerSearchStatus
from tests.factories import (
    FollowFactory,
    InterestFactory,
    OrganisationFactory,
    PartnerSearchFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _actions(target):
    return list(AuditEntry.objects.for_object(target).values_list("action", flat=True))


def _create(member, company, composites, **overrides):
    fields = {
        "actor": member,
        "organisation": company,
        "title": "Banc d'essai composite",
        "description": "Un banc d'essai pour pièces composites.",
        "competences": [composites],
    }
    return services.create_partner_search(**(fields | overrides))


# --- create -----------------------------------------------------------------------------------


def test_create_partner_search_defaults_to_ninety_days_and_records(member, company, composites):
    search = _create(member, company, composites, kinds_wanted=["research", "company"])

    assert search.status == PartnerSearchStatus.OPEN
    assert search.expires_on == _today() + timedelta(days=90)
    assert search.kinds_wanted == "company,research"
    assert list(search.competences_wanted.all()) == [composites]
    assert _actions(search) == ["partner_search.create"]


def test_create_partner_search_for_organisation_of_someone_else_refused(member, lab, composites):
    with pytest.raises(services.PartnerSearchError, match="pas rattaché à Laboratoire"):
        _create(member, lab, composites)

    assert PartnerSearch.objects.count() == 0


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "postérieure à aujourd'hui"),
        (-3, "postérieure à aujourd'hui"),
        (366, "un an au plus"),
    ],
)
def test_create_partner_search_expiry_out_of_range_refused(
    member, company, composites, days, message
):
    with pytest.raises(ValidationError) as error:
        _create(member, company, composites, expires_on=_today() + timedelta(days=days))

    assert message in error.value.message_dict["expires_on"][0]


def test_create_partner_search_expiry_one_year_away_accepted(member, company, composites):
    search = _create(member, company, composites, expires_on=_today() + timedelta(days=365))

    assert search.expires_on == _today() + timedelta(days=365)


def test_create_partner_search_without_competence_refused(member, company):
    with pytest.raises(ValidationError) as error:
        services.create_partner_search(
            actor=member, organisation=company, title="T", description="D", competences=[]
        )

    assert error.value.message_dict == {
        "competences_wanted": ["Choisissez au moins une compétence recherchée."]
    }


# --- update and close -------------------------------------------------------------------------


def test_update_partner_search_mails_followers_and_records_fields(
    search, lab_member, additive, mailoutbox, django_capture_on_commit_callbacks
):
    FollowFactory(user=lab_member, posting=search)
    FollowFactory(posting=search, user=search.author)  # the author is not told of his own edit

    with django_capture_on_commit_callbacks(execute=True):
        services.update_partner_search(
            actor=search.author,
            partner_search=search,
            title="Démonstrateur de drone composite (v2)",
            competences=[additive],
        )

    search.refresh_from_db()
    assert search.title == "Démonstrateur de drone composite (v2)"
    assert list(search.competences_wanted.all()) == [additive]
    assert [message.to for message in mailoutbox] == [["lab@example.org"]]
    assert "Mise à jour" in mailoutbox[0].subject
    assert "Démonstrateur de drone composite (v2)" in mailoutbox[0].subject
    entry = AuditEntry.objects.for_object(search).get(action="partner_search.update")
    assert entry.data["fields"] == ["title", "competences_wanted"]


def test_update_partner_search_hidden_does_not_mail_followers(
    search, lab_member, mailoutbox, django_capture_on_commit_callbacks
):
    FollowFactory(user=lab_member, posting=search)
    PartnerSearch.objects.filter(pk=search.pk).update(status=PartnerSearchStatus.HIDDEN)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_partner_search(actor=search.author, partner_search=search, title="Corrigée")

    search.refresh_from_db()
    assert (search.title, search.status) == ("Corrigée", PartnerSearchStatus.HIDDEN)
    assert mailoutbox == []


def test_update_partner_search_without_change_records_nothing(search, mailoutbox):
    services.update_partner_search(actor=search.author, partner_search=search, title=search.title)

    assert _actions(search) == ["partner_search.create"]
    assert mailoutbox == []


def test_update_partner_search_by_someone_else_forbidden(search, lab_member):
    with pytest.raises(PermissionDenied):
        services.update_partner_search(actor=lab_member, partner_search=search, title="Piratée")


def test_update_partner_search_extending_expired_search_opens_it(search):
    PartnerSearch.objects.filter(pk=search.pk).update(
        status=PartnerSearchStatus.EXPIRED, expires_on=_today() - timedelta(days=2)
    )

    services.update_partner_search(
        actor=search.author, partner_search=search, expires_on=_today() + timedelta(days=30)
    )

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.OPEN
    assert search.is_live


def test_update_partner_search_new_expiry_in_past_refused(search):
    with pytest.raises(ValidationError):
        services.update_partner_search(
            actor=search.author, partner_search=search, expires_on=_today()
        )


def test_close_partner_search_by_author(search):
    services.close_partner_search(actor=search.author, partner_search=search)

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.CLOSED
    assert _actions(search)[0] == "partner_search.close"


def test_close_partner_search_twice_refused(search):
    services.close_partner_search(actor=search.author, partner_search=search)

    with pytest.raises(services.PartnerSearchError, match="Clôturée"):
        services.close_partner_search(actor=search.author, partner_search=search)


def test_close_partner_search_by_someone_else_forbidden(search, admin):
    with pytest.raises(PermissionDenied):
        services.close_partner_search(actor=admin, partner_search=search)


# --- interests --------------------------------------------------------------------------------


def test_express_interest_mails_author(
    search, lab, lab_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.express_interest(
            actor=lab_member,
            partner_search=search,
            organisation=lab,
            contribution="Un banc de fatigue des composites.",
            motivation="Un cas d'usage aéronautique.",
        )

    assert interest.status == InterestStatus.PENDING
    assert [message.to for message in mailoutbox] == [["member@example.org"]]
    message = mailoutbox[0]
    assert message.subject == (
        "[Pôles] Laboratoire des Matériaux est intéressée par « Démonstrateur de drone composite »"
    )
    assert "Un banc de fatigue des composites." in message.body
    assert "Léa Chercheuse (lab@example.org)" in message.body
    assert "&#x27;" not in message.body
    assert _actions(search)[0] == "partner_search.interest"


def test_express_interest_second_time_for_same_organisation_refused(search, lab, lab_member):
    first = InterestFactory(posting=search, organisation=lab, user=lab_member)
    colleague = UserFactory(first_name="Paul", last_name="Collègue")
    lab.affiliations.create(user=colleague)

    with pytest.raises(services.PartnerSearchError) as error:
        services.express_interest(
            actor=colleague,
            partner_search=search,
            organisation=lab,
            contribution="Autre texte",
            motivation="Autre motivation",
        )

    assert "Laboratoire des Matériaux a déjà exprimé son intérêt" in str(error.value)
    assert "Léa Chercheuse" in str(error.value)
    assert list(Interest.objects.all()) == [first]
    assert Interest.objects.get().contribution == "Un banc de vision et deux doctorants."


@pytest.mark.parametrize("status", [PartnerSearchStatus.CLOSED, PartnerSearchStatus.HIDDEN])
def test_express_interest_in_search_not_open_refused(search, lab, lab_member, status):
    PartnerSearch.objects.filter(pk=search.pk).update(status=status)

    with pytest.raises(services.PartnerSearchError, match="n'accepte plus"):
        services.express_interest(
            actor=lab_member,
            partner_search=search,
            organisation=lab,
            contribution="C",
            motivation="M",
        )


def test_express_interest_in_search_past_expiry_refused(search, lab, lab_member):
    PartnerSearch.objects.filter(pk=search.pk).update(expires_on=_today() - timedelta(days=1))

    with pytest.raises(services.PartnerSearchError, match="expirée"):
        services.express_interest(
            actor=lab_member,
            partner_search=search,
            organisation=lab,
            contribution="C",
            motivation="M",
        )


def test_express_interest_for_posting_organisation_refused(search, company):
    colleague = UserFactory()
    company.affiliations.create(user=colleague)

    with pytest.raises(services.PartnerSearchError, match="publie cette recherche"):
        services.express_interest(
            actor=colleague,
            partner_search=search,
            organisation=company,
            contribution="C",
            motivation="M",
        )


def test_express_interest_by_author_for_his_other_organisation_refused(search, unpublished):
    with pytest.raises(services.PartnerSearchError, match="l'auteur"):
        services.express_interest(
            actor=search.author,
            partner_search=search,
            organisation=unpublished,
            contribution="C",
            motivation="M",
        )


def test_express_interest_for_organisation_not_his_refused(search, lab, outsider):
    with pytest.raises(services.PartnerSearchError, match="pas rattaché"):
        services.express_interest(
            actor=outsider,
            partner_search=search,
            organisation=lab,
            contribution="C",
            motivation="M",
        )


@pytest.mark.parametrize(
    ("accept", "status", "subject"),
    [
        (
            True,
            InterestStatus.ACCEPTED,
            "[Pôles] Votre intérêt pour « Démonstrateur de drone composite » est accepté",
        ),
        (
            False,
            InterestStatus.DECLINED,
            "[Pôles] Réponse à votre intérêt pour « Démonstrateur de drone composite »",
        ),
    ],
)
def test_answer_interest_mails_interested_person_and_records(
    search,
    lab,
    lab_member,
    accept,
    status,
    subject,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_interest(
            actor=search.author, interest=interest, accept=accept, message="Appelons-nous."
        )

    interest.refresh_from_db()
    assert interest.status == status
    assert interest.answer == "Appelons-nous."
    assert interest.answered_at is not None
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["lab@example.org"], subject)
    ]
    assert "Appelons-nous." in mailoutbox[0].body
    assert ("member@example.org" in mailoutbox[0].body) is accept
    action = "partner_search.interest_accept" if accept else "partner_search.interest_decline"
    assert _actions(search)[0] == action


def test_answer_interest_twice_refused(search, lab, lab_member):
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)
    services.answer_interest(actor=search.author, interest=interest, accept=True)

    with pytest.raises(services.PartnerSearchError, match="déjà répondu"):
        services.answer_interest(actor=search.author, interest=interest, accept=False)

    interest.refresh_from_db()
    assert interest.status == InterestStatus.ACCEPTED


def test_answer_interest_by_someone_else_forbidden(search, lab, lab_member, admin):
    interest = InterestFactory(posting=search, organisation=lab, user=lab_member)

    with pytest.raises(PermissionDenied):
        services.answer_interest(actor=admin, interest=interest, accept=True)


# --- follow -----------------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent(search, lab_member):
    services.follow_partner_search(actor=lab_member, partner_search=search)
    services.follow_partner_search(actor=lab_member, partner_search=search)
    followers = list(Follow.objects.values_list("user__email", flat=True))

    services.unfollow_partner_search(actor=lab_member, partner_search=search)
    services.unfollow_partner_search(actor=lab_member, partner_search=search)

    assert followers == ["lab@example.org"]
    assert Follow.objects.count() == 0


# --- moderation -------------------------------------------------------------------------------


def test_moderate_hide_by_pole_staff_mails_author_and_records_reason(
    search, animator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_partner_search(
            actor=animator, partner_search=search, hide=True, reason="Publicité"
        )

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.HIDDEN
    assert search.moderation_note == "Publicité"
    entry = AuditEntry.objects.for_object(search).first()
    assert (entry.action, entry.actor, entry.data["reason"]) == (
        "partner_search.hide",
        animator,
        "Publicité",
    )
    assert [message.to for message in mailoutbox] == [["member@example.org"]]
    assert "Publicité" in mailoutbox[0].body


def test_moderate_unhide_opens_search_again(search, admin):
    services.moderate_partner_search(actor=admin, partner_search=search, hide=True)

    services.moderate_partner_search(actor=admin, partner_search=search, hide=False)

    search.refresh_from_db()
    assert (search.status, search.moderation_note) == (PartnerSearchStatus.OPEN, "")
    assert _actions(search)[:2] == ["partner_search.unhide", "partner_search.hide"]


@pytest.mark.parametrize("persona_name", ["other_animator", "member", "lab_member"])
def test_moderate_by_someone_not_staff_of_its_pole_forbidden(request, search, persona_name):
    user = request.getfixturevalue(persona_name)

    with pytest.raises(PermissionDenied):
        services.moderate_partner_search(actor=user, partner_search=search, hide=True)

    search.refresh_from_db()
    assert search.status == PartnerSearchStatus.OPEN


def test_moderate_unhide_of_visible_search_refused(search, admin):
    with pytest.raises(services.PartnerSearchError):
        services.moderate_partner_search(actor=admin, partner_search=search, hide=False)


# --- expiry -----------------------------------------------------------------------------------


def test_expire_partner_searches_marks_past_ones_once(
    member, company, mailoutbox, django_capture_on_commit_callbacks
):
    yesterday = _today() - timedelta(days=1)
    past = PartnerSearchFactory(
        author=member, organisation=company, title="Passée", expires_on=yesterday
    )
    PartnerSearchFactory(author=member, organisation=company, title="Vivante")
    PartnerSearchFactory(
        author=member, organisation=company, title="Dernier jour", expires_on=_today()
    )
    PartnerSearchFactory(
        author=member,
        organisation=company,
        title="Close",
        expires_on=yesterday,
        status=PartnerSearchStatus.CLOSED,
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.expire_partner_searches()
    second = services.expire_partner_searches()

    assert (first, second) == (1, 0)
    statuses = dict(PartnerSearch.objects.values_list("title", "status"))
    assert statuses == {
        "Passée": "expired",
        "Vivante": "open",
        "Dernier jour": "open",
        "Close": "closed",
    }
    assert _actions(past)[0] == "partner_search.expire"
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["member@example.org"], "[Pôles] Votre recherche « Passée » a expiré")
    ]


def test_expire_partner_searches_command_prints_count(member, company):
    PartnerSearchFactory(
        author=member, organisation=company, expires_on=_today() - timedelta(days=5)
    )
    out_first, out_second = StringIO(), StringIO()

    call_command("expire_partner_searches", stdout=out_first)
    call_command("expire_partner_searches", stdout=out_second)

    assert (out_first.getvalue(), out_second.getvalue()) == ("expired 1\n", "expired 0\n")


def test_partner_search_factory_affiliates_author():
    organisation = OrganisationFactory(name="Société Neuve")

    search = PartnerSearchFactory(organisation=organisation)

    assert organisation.affiliations.filter(user=search.author).exists()
