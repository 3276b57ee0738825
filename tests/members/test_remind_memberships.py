"""`remind_memberships`: renewal reminders once per end date, lapses after the grace period."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from members.models import College, MembershipStatus
from tests.factories import FeeCallFactory, FeeScaleFactory

pytestmark = pytest.mark.django_db

TODAY = "2026-11-26"
SUMMARY = "(today 2026-11-26, reminders 30 days ahead, grace 60 days)"


def _run(*args, capture=None) -> str:
    from io import StringIO

    out = StringIO()
    if capture is not None:
        with capture(execute=True):
            call_command("remind_memberships", "--today", TODAY, *args, stdout=out)
    else:
        call_command("remind_memberships", "--today", TODAY, *args, stdout=out)
    return out.getvalue().strip()


def _ending(organisation, pole, end: date, **fields):
    membership = organisation.memberships.get(pole=pole)
    membership.end_date = end
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.save()
    return membership


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.MEMBERSHIP_REMINDER_DAYS = 30
    settings.MEMBERSHIP_GRACE_DAYS = 60


def test_remind_memberships_reminds_once_per_end_date(
    company, member, lab, pole, django_capture_on_commit_callbacks, mailoutbox
):
    membership = _ending(company, pole, date(2026, 12, 20))
    _ending(lab, pole, date(2027, 12, 31))  # not yet
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)

    first = _run(capture=django_capture_on_commit_callbacks)
    again = _run(capture=django_capture_on_commit_callbacks)

    assert first == f"renewal reminders sent 1, memberships lapsed 0 {SUMMARY}"
    assert again == f"renewal reminders sent 0, memberships lapsed 0 {SUMMARY}"
    assert [mail.to for mail in mailoutbox] == [[member.email]]
    mail = mailoutbox[0]
    assert mail.subject == "[Pôles] Votre adhésion à Alpha arrive à échéance"
    body = " ".join(mail.body.replace("\u202f", " ").replace("\xa0", " ").split())
    assert "L'adhésion de Ateliers Durand à Pôle Alpha prend fin le 20 décembre 2026." in body
    assert "Cotisation 2026 : 600 € HT." in body
    membership.refresh_from_db()
    assert membership.renewal_reminded_for == date(2026, 12, 20)
    assert AuditEntry.objects.filter(action="membership.renewal_reminder").count() == 1


def test_remind_memberships_reminds_again_for_a_new_end_date(
    company, pole, django_capture_on_commit_callbacks, mailoutbox
):
    _ending(company, pole, date(2026, 12, 20), renewal_reminded_for=date(2025, 12, 20))

    output = _run(capture=django_capture_on_commit_callbacks)

    assert output.startswith("renewal reminders sent 1,")


def test_remind_memberships_mentions_a_missing_scale_and_the_open_call(
    company, member, pole, django_capture_on_commit_callbacks, mailoutbox
):
    membership = _ending(company, pole, date(2026, 12, 31))
    FeeCallFactory(membership=membership, year=2027, reference="ALPH-2027-0001")

    _run("--days", "40", capture=django_capture_on_commit_callbacks)

    body = " ".join(mailoutbox[0].body.split())
    assert "Le barème 2027 du pôle n'est pas encore publié" in body
    assert "L'appel de cotisation ALPH-2027-0001 est à régler avant le" in body


def test_remind_memberships_lapses_after_the_grace_period(
    company, member, lab, pole, django_capture_on_commit_callbacks, mailoutbox
):
    overdue = _ending(company, pole, date(2026, 9, 26))  # 61 days ago
    in_grace = _ending(lab, pole, date(2026, 9, 27), renewal_reminded_for=date(2026, 9, 27))

    output = _run(capture=django_capture_on_commit_callbacks)

    assert output == f"renewal reminders sent 0, memberships lapsed 1 {SUMMARY}"
    overdue.refresh_from_db()
    in_grace.refresh_from_db()
    assert (overdue.status, in_grace.status) == (MembershipStatus.LAPSED, MembershipStatus.ACTIVE)
    assert [mail.subject for mail in mailoutbox] == ["[Pôles] Votre adhésion à Alpha est échue"]
    assert mailoutbox[0].to == [member.email]
    assert AuditEntry.objects.filter(action="membership.lapse").count() == 1
    assert _run().startswith("renewal reminders sent 0, memberships lapsed 0")


def test_remind_memberships_ended_within_grace_gets_a_reminder(
    company, member, pole, django_capture_on_commit_callbacks, mailoutbox
):
    _ending(company, pole, date(2026, 11, 1))

    output = _run(capture=django_capture_on_commit_callbacks)

    assert output.startswith("renewal reminders sent 1, memberships lapsed 0")
    assert mailoutbox[0].subject == "[Pôles] Votre adhésion à Alpha est arrivée à échéance"
    assert "a pris fin le 1 novembre 2026" in mailoutbox[0].body.replace("\xa0", " ")


def test_remind_memberships_dry_run_writes_nothing(
    company, lab, pole, django_capture_on_commit_callbacks, mailoutbox
):
    reminded = _ending(company, pole, date(2026, 12, 1))
    overdue = _ending(lab, pole, date(2026, 1, 31))

    output = _run("--dry-run", capture=django_capture_on_commit_callbacks)

    assert output == (f"dry run: renewal reminders to send 1, memberships to lapse 1 {SUMMARY}")
    reminded.refresh_from_db()
    overdue.refresh_from_db()
    assert reminded.renewal_reminded_for is None
    assert overdue.status == MembershipStatus.ACTIVE
    assert mailoutbox == []
    assert not AuditEntry.objects.exists()


def test_remind_memberships_takes_days_and_grace_from_arguments(company, lab, pole):
    _ending(company, pole, date(2027, 1, 20))  # in 55 days
    _ending(lab, pole, date(2026, 11, 1))  # 25 days ago

    output = _run("--days", "60", "--grace-days", "20")

    assert output == (
        "renewal reminders sent 1, memberships lapsed 1 "
        "(today 2026-11-26, reminders 60 days ahead, grace 20 days)"
    )


def test_remind_memberships_ignores_pending_and_lapsed_memberships(unpublished, company, pole):
    _ending(company, pole, date(2026, 1, 1), status=MembershipStatus.LAPSED)
    membership = unpublished.memberships.get()
    membership.start_date, membership.end_date = date(2026, 1, 1), date(2026, 12, 1)
    membership.save()

    assert _run().startswith("renewal reminders sent 0, memberships lapsed 0")


def test_remind_memberships_bad_today_is_a_command_error(db):
    with pytest.raises(CommandError) as error:
        call_command("remind_memberships", "--today", "26/11/2026")

    assert str(error.value) == "--today must be a date like 2026-11-26, not '26/11/2026'."


def test_remind_memberships_negative_days_is_a_command_error(db):
    with pytest.raises(CommandError, match="--grace-days must be zero or more, not -5."):
        call_command("remind_memberships", "--grace-days", "-5")
