"""The submission receipt: mailed to the consortium's people, each in his language."""

import pytest

from funding import dossiers
from tests.factories import AffiliationFactory, UserFactory
from tests.funding.dossier_setup import make_consortium

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    team = make_consortium(acronym="ROBOCOMP", title="Cellule robotisée")
    AffiliationFactory(
        user=UserFactory(email="chef@integrateur.example"),
        organisation=team.company_part.organisation,
    )
    AffiliationFactory(
        user=UserFactory(email="lea@labo.example"), organisation=team.lab_part.organisation
    )
    return team


def test_submission_mails_a_receipt_to_the_consortium(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    # Act
    with django_capture_on_commit_callbacks(execute=True):
        version = dossiers.submit_project(actor=team.actor, project=team.project)

    # Assert
    (mail,) = mailoutbox
    assert sorted(mail.to) == sorted(
        [team.actor.email, "chef@integrateur.example", "lea@labo.example"]
    )
    assert mail.subject == f"[Pôles] Dossier {version.reference} déposé : projet ROBOCOMP"
    call = team.project.call
    assert (
        "Le dossier du projet ROBOCOMP — Cellule robotisée a été déposé sur l'appel "
        f"« {call.title} »" in mail.body
    )
    assert "c'est sa version 1." in mail.body
    assert f"Référence du dossier : {version.reference}" in mail.body
    assert "Version : 1" in mail.body
    assert f"Dépôt fait par Camille {team.actor.last_name} ({team.actor.email})." in mail.body


def test_second_submission_receipt_names_version_2(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossiers.submit_project(actor=team.actor, project=team.project)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        version = dossiers.submit_project(actor=team.actor, project=team.project)

    (mail,) = mailoutbox
    assert version.number == 2
    assert "c'est sa version 2." in mail.body
    assert f"Référence du dossier : {version.reference}" in mail.body


def test_receipt_goes_separately_to_an_english_speaking_partner(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    john = UserFactory(email="john@labo.example", language="en")
    AffiliationFactory(user=john, organisation=team.lab_part.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        dossiers.submit_project(actor=team.actor, project=team.project)

    # Two mails: one in French to the others, one in English to him (the receipt's English
    # text comes with the catalogue).
    recipients = sorted(tuple(sorted(mail.to)) for mail in mailoutbox)
    assert recipients == [
        tuple(sorted(["chef@integrateur.example", team.actor.email, "lea@labo.example"])),
        ("john@labo.example",),
    ]


def test_refused_submission_sends_no_receipt(team, mailoutbox, django_capture_on_commit_callbacks):
    other = UserFactory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(dossiers.PermissionDenied):
        dossiers.submit_project(actor=other, project=team.project)

    assert mailoutbox == []
