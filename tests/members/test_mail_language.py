"""E-mails in the recipient's language: `User.language`, kept by the language switch."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from members.models import User
from members.services import mail_suppressed, send_templated_mail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# An existing template whose English translation is in the catalogue.
LABEL_DECIDED = {
    "labelled": True,
    "project": SimpleNamespace(acronym="ROBOCOMP"),
    "label_request": SimpleNamespace(
        pole=SimpleNamespace(name="Pôle Alpha"), committee_date=date(2026, 3, 5), comments=""
    ),
}
FRENCH = "Le comité de labellisation de Pôle Alpha a labellisé le projet ROBOCOMP le 5 mars 2026."
ENGLISH = "The labelling committee of Pôle Alpha labelled the project ROBOCOMP on 5 March 2026."


def _send(to, **kwargs):
    send_templated_mail(template="email/label_decided", to=to, context=LABEL_DECIDED, **kwargs)


def test_user_language_defaults_to_french():
    user = UserFactory()

    assert User.objects.get(pk=user.pk).language == "fr"


def test_one_send_writes_to_each_recipient_in_his_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    # Arrange
    UserFactory(email="jeanne@example.org")
    UserFactory(email="john@example.org", language="en")

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        _send(["jeanne@example.org", "john@example.org", "inconnu@example.org"])

    # Assert: one mail per language; addresses without an account get the default (French)
    by_recipients = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_recipients) == {
        ("jeanne@example.org", "inconnu@example.org"),
        ("john@example.org",),
    }
    french = by_recipients[("jeanne@example.org", "inconnu@example.org")]
    english = by_recipients[("john@example.org",)]
    assert FRENCH in french.body
    assert french.subject == "[Pôles] Pôle Alpha labellise le projet ROBOCOMP"
    assert ENGLISH in english.body
    assert english.subject == "[Pôles] Pôle Alpha labels the project ROBOCOMP"


def test_language_given_is_used_for_addresses_without_an_account(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="jeanne@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        _send(["jeanne@example.org", "guest@example.org"], language="en")

    bodies = {tuple(mail.to): mail.body for mail in mailoutbox}
    assert FRENCH in bodies[("jeanne@example.org",)]
    assert ENGLISH in bodies[("guest@example.org",)]


def test_a_recipient_listed_twice_gets_one_mail(mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="jeanne@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        _send(["jeanne@example.org", "", "jeanne@example.org"])

    assert [mail.to for mail in mailoutbox] == [["jeanne@example.org"]]


def test_no_mail_while_suppressed(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), mail_suppressed():
        _send(["jeanne@example.org"])

    assert mailoutbox == []


# --- the language switch keeps the choice -------------------------------------------------------


def test_language_switch_keeps_a_signed_in_persons_choice(client_for, member):
    client = client_for(member)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/poles/"})

    assert response["Location"] == "/poles/"
    assert response.cookies["django_language"].value == "en"
    assert User.objects.get(pk=member.pk).language == "en"


def test_language_switch_back_to_french(client_for, member):
    member.language = "en"
    member.save(update_fields=["language"])

    client_for(member).post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert User.objects.get(pk=member.pk).language == "fr"


def test_language_switch_ignores_an_unknown_language(client_for, member):
    response = client_for(member).post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert response["Location"] == "/"
    assert User.objects.get(pk=member.pk).language == "fr"


def test_language_switch_for_anonymous_only_sets_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.cookies["django_language"].value == "en"
    assert not User.objects.filter(language="en").exists()


def test_mails_follow_the_language_chosen_on_the_portal(
    client_for, member, mailoutbox, django_capture_on_commit_callbacks
):
    client_for(member).post(reverse("set_language"), {"language": "en", "next": "/"})

    with django_capture_on_commit_callbacks(execute=True):
        _send([member.email])

    assert ENGLISH in mailoutbox[0].body
