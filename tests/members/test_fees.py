"""Fees: scales, fee calls, payments (members.fees), the member's page and the admin."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from members import fees
from members.models import (
    AffiliationRole,
    College,
    FeeCall,
    FeeCallStatus,
    FeeScale,
    MembershipStatus,
    SizeCategory,
)
from members.services import MembershipError, change_membership_status
from tests.factories import (
    AffiliationFactory,
    FeeCallFactory,
    FeeScaleFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.helpers import assert_same_query_count, page_text

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


def _membership(company, pole):
    return company.memberships.get(pole=pole)


# --- fee_for ----------------------------------------------------------------------------------


def test_fee_for_takes_the_line_of_the_college_and_size(company, pole):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, size_category="", amount_eur=1200)
    FeeScaleFactory(
        pole=pole, year=2026, college=College.SME, size_category=SizeCategory.PME, amount_eur=600
    )
    FeeScaleFactory(
        pole=pole, year=2026, college=College.SME, size_category=SizeCategory.MICRO, amount_eur=300
    )

    assert company.size_category == SizeCategory.PME
    assert fees.fee_for(_membership(company, pole), 2026) == 600


def test_fee_for_falls_back_to_the_college_line_for_any_size(company, pole):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, size_category="", amount_eur=1200)
    FeeScaleFactory(
        pole=pole, year=2026, college=College.SME, size_category=SizeCategory.MICRO, amount_eur=300
    )

    assert fees.fee_for(_membership(company, pole), 2026) == 1200


def test_fee_for_a_lab_uses_its_college_line(lab, pole):
    FeeScaleFactory(pole=pole, year=2026, college=College.RESEARCH_TRAINING, amount_eur=800)
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=1200)

    assert fees.fee_for(_membership(lab, pole), 2026) == 800


def test_fee_for_without_a_scale_line_says_which_is_missing(company, pole, other_pole):
    FeeScaleFactory(pole=pole, year=2025, college=College.SME, amount_eur=500)
    FeeScaleFactory(pole=other_pole, year=2026, college=College.SME, amount_eur=500)

    with pytest.raises(fees.FeeError) as error:
        fees.fee_for(_membership(company, pole), 2026)

    assert str(error.value) == (
        "Aucun barème 2026 de Pôle Alpha pour le collège « PME » (PME) : "
        "ajoutez-le dans les barèmes de cotisation."
    )


# --- issue_fee_call ---------------------------------------------------------------------------


def test_issue_fee_call_numbers_prices_and_mails(
    company, member, pole, animator, django_capture_on_commit_callbacks, mailoutbox
):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=1200)
    other = MembershipFactory(pole=pole, organisation=OrganisationFactory(name="Autre Membre"))
    fees.issue_fee_call(actor=animator, membership=other, year=2026, today=TODAY)

    with django_capture_on_commit_callbacks(execute=True):
        fee_call = fees.issue_fee_call(
            actor=animator, membership=_membership(company, pole), year=2026, today=TODAY
        )

    fee_call.refresh_from_db()
    assert (fee_call.reference, fee_call.amount_eur) == ("ALPH-2026-0002", 1200)
    assert (fee_call.issued_on, fee_call.due_on) == (TODAY, TODAY + timedelta(days=30))
    assert fee_call.status == FeeCallStatus.DUE
    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == "[Pôles] Appel de cotisation 2026 de Alpha (ALPH-2026-0002)"
    body = " ".join(mailoutbox[0].body.replace("\u202f", " ").replace("\xa0", " ").split())
    assert "Montant : 1 200 € HT" in body
    assert "À régler avant le : 26 décembre 2026" in body
    entry = AuditEntry.objects.get(action="fee_call.issue", target_id=str(fee_call.pk))
    assert entry.actor == animator


def test_issue_fee_call_twice_for_a_year_is_refused(company, pole, animator):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)
    membership = _membership(company, pole)
    fees.issue_fee_call(actor=animator, membership=membership, year=2026, today=TODAY)

    with pytest.raises(fees.FeeError) as error:
        fees.issue_fee_call(actor=animator, membership=membership, year=2026, today=TODAY)

    assert str(error.value) == (
        "Ateliers Durand a déjà un appel de cotisation 2026 pour Pôle Alpha "
        "(ALPH-2026-0001, à payer)."
    )
    assert FeeCall.objects.count() == 1


def test_issue_fee_call_again_after_cancelling_reopens_the_reference(company, pole, animator):
    scale = FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)
    membership = _membership(company, pole)
    first = fees.issue_fee_call(actor=animator, membership=membership, year=2026, today=TODAY)
    fees.cancel_fee_call(actor=animator, fee_call=first, reason="montant erroné")
    scale.amount_eur = 650
    scale.save()

    again = fees.issue_fee_call(actor=animator, membership=membership, year=2026, today=TODAY)

    assert (again.pk, again.reference, again.amount_eur, again.status) == (
        first.pk,
        "ALPH-2026-0001",
        650,
        FeeCallStatus.DUE,
    )


def test_issue_fee_call_for_a_pending_membership_is_refused(unpublished, pole, animator):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)

    with pytest.raises(fees.FeeError) as error:
        fees.issue_fee_call(
            actor=animator, membership=_membership(unpublished, pole), year=2026, today=TODAY
        )

    assert "« En attente » : pas d'appel de cotisation" in str(error.value)
    assert not FeeCall.objects.exists()


def test_issue_fee_call_without_scale_writes_nothing(company, pole, animator):
    with pytest.raises(fees.FeeError, match="Aucun barème 2026 de Pôle Alpha"):
        fees.issue_fee_call(
            actor=animator, membership=_membership(company, pole), year=2026, today=TODAY
        )

    assert not FeeCall.objects.exists()


# --- record_payment, cancel_fee_call, change_membership_status --------------------------------


def test_record_payment_extends_the_membership_to_the_end_of_the_year(company, pole, animator):
    membership = _membership(company, pole)
    membership.end_date = date(2026, 12, 31)
    membership.save()
    fee_call = FeeCallFactory(membership=membership, year=2027)

    fees.record_payment(actor=animator, fee_call=fee_call, paid_on=TODAY, today=TODAY)

    fee_call.refresh_from_db()
    membership.refresh_from_db()
    assert (fee_call.status, fee_call.paid_on, fee_call.recorded_by) == (
        FeeCallStatus.PAID,
        TODAY,
        animator,
    )
    assert membership.end_date == date(2027, 12, 31)
    assert AuditEntry.objects.filter(action="fee_call.paid").count() == 1


def test_record_payment_of_an_older_year_keeps_the_later_end(company, pole, animator):
    membership = _membership(company, pole)
    membership.end_date = date(2026, 12, 31)
    membership.save()
    fee_call = FeeCallFactory(membership=membership, year=2025)

    fees.record_payment(actor=animator, fee_call=fee_call, paid_on=TODAY, today=TODAY)

    membership.refresh_from_db()
    assert membership.end_date == date(2026, 12, 31)


def test_record_payment_brings_a_lapsed_membership_back(
    company, member, pole, animator, django_capture_on_commit_callbacks, mailoutbox
):
    membership = _membership(company, pole)
    membership.status = MembershipStatus.LAPSED
    membership.end_date = date(2025, 12, 31)
    membership.save()
    fee_call = FeeCallFactory(membership=membership, year=2026)

    with django_capture_on_commit_callbacks(execute=True):
        fees.record_payment(actor=animator, fee_call=fee_call, paid_on=TODAY, today=TODAY)

    membership.refresh_from_db()
    assert (membership.status, membership.end_date) == (
        MembershipStatus.ACTIVE,
        date(2026, 12, 31),
    )
    assert AuditEntry.objects.filter(action="membership.reactivate").count() == 1
    assert [mail.subject for mail in mailoutbox] == ["[Pôles] Cotisation 2026 de Alpha reçue"]
    assert "L'adhésion court jusqu'au 31 décembre 2026." in mailoutbox[0].body


def test_record_payment_twice_is_refused(company, pole, animator):
    fee_call = FeeCallFactory(membership=_membership(company, pole))
    fees.record_payment(actor=animator, fee_call=fee_call, paid_on=TODAY, today=TODAY)

    with pytest.raises(fees.FeeError, match="est « Payée » : aucun paiement à enregistrer"):
        fees.record_payment(actor=animator, fee_call=fee_call, paid_on=TODAY, today=TODAY)


def test_record_payment_in_the_future_is_refused(company, pole, animator):
    fee_call = FeeCallFactory(membership=_membership(company, pole))

    with pytest.raises(fees.FeeError, match="ne peut pas être dans le futur"):
        fees.record_payment(
            actor=animator, fee_call=fee_call, paid_on=TODAY + timedelta(days=1), today=TODAY
        )
    fee_call.refresh_from_db()
    assert fee_call.status == FeeCallStatus.DUE


def test_cancel_fee_call_of_a_paid_call_is_refused(company, pole, animator):
    fee_call = FeeCallFactory(
        membership=_membership(company, pole), status=FeeCallStatus.PAID, paid_on=TODAY
    )

    with pytest.raises(fees.FeeError, match="ne peut plus être annulé"):
        fees.cancel_fee_call(actor=animator, fee_call=fee_call)


def test_change_membership_status_refuses_pending_to_lapsed(unpublished, pole, animator):
    with pytest.raises(MembershipError) as error:
        change_membership_status(
            actor=animator,
            membership=_membership(unpublished, pole),
            status=MembershipStatus.LAPSED,
        )

    assert str(error.value) == (
        "L'adhésion de Startup Discrète à Pôle Alpha ne peut pas passer "
        "de « En attente » à « Échue »."
    )


def test_copy_fee_scales_copies_missing_lines_only(pole, animator):
    FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)
    FeeScaleFactory(pole=pole, year=2026, college=College.OTHER, amount_eur=400)
    FeeScaleFactory(pole=pole, year=2027, college=College.OTHER, amount_eur=450)

    copied, skipped = fees.copy_fee_scales(
        actor=animator, scales=FeeScale.objects.filter(year=2026)
    )

    assert (copied, skipped) == (1, 1)
    assert sorted(FeeScale.objects.filter(year=2027).values_list("college", "amount_eur")) == [
        ("autres", 450),
        ("pme", 600),
    ]


# --- The member's page ------------------------------------------------------------------------


def test_membership_list_shows_memberships_and_fee_calls(client_for, member, company, pole):
    membership = _membership(company, pole)
    membership.start_date = date(2019, 1, 1)
    membership.end_date = timezone.localdate() + timedelta(days=10)
    membership.save()
    FeeCallFactory(
        membership=membership,
        year=2025,
        reference="ALPH-2025-0007",
        amount_eur=1200,
        status=FeeCallStatus.PAID,
        paid_on=date(2025, 2, 10),
    )
    FeeCallFactory(membership=membership, year=2026, reference="ALPH-2026-0003")

    text = page_text(client_for(member).get(reverse("memberships:list")))

    assert "Ateliers Durand" in text
    assert "Pôle Alpha Active" in text
    assert "Collège PME Membre depuis 1 janvier 2019" in text
    assert "pensez à la renouveler" in text
    assert "ALPH-2025-0007 1 200 €" in text
    assert "Payée le 10 février 2025" in text
    assert "ALPH-2026-0003 600 €" in text
    assert "À payer" in text


def test_membership_list_says_when_a_membership_has_lapsed(client_for, member, company, pole):
    membership = _membership(company, pole)
    membership.status = MembershipStatus.LAPSED
    membership.save()

    text = page_text(client_for(member).get(reverse("memberships:list")))

    assert "Cette adhésion est échue faute de cotisation" in text


def test_membership_list_says_when_the_end_is_past(client_for, member, company, pole, settings):
    settings.MEMBERSHIP_GRACE_DAYS = 60
    membership = _membership(company, pole)
    membership.end_date = timezone.localdate() - timedelta(days=5)
    membership.save()
    until = membership.end_date + timedelta(days=60)

    text = page_text(client_for(member).get(reverse("memberships:list")))

    assert "Cette adhésion a pris fin le" in text
    assert f"Réglez la cotisation avant le {until.day} " in text


def test_membership_list_for_a_user_without_organisation_explains(client_for, outsider):
    text = page_text(client_for(outsider).get(reverse("memberships:list")))

    assert "Vous n'êtes rattaché à aucune organisation." in text


def test_membership_list_hides_other_organisations(client_for, lab_member, company, pole):
    FeeCallFactory(membership=_membership(company, pole), reference="ALPH-2026-0099")

    text = page_text(client_for(lab_member).get(reverse("memberships:list")))

    assert "Laboratoire des Matériaux" in text
    assert "Ateliers Durand" not in text and "ALPH-2026-0099" not in text


def test_membership_list_query_count_same_with_one_or_three_memberships(
    client_for, member, company
):
    def add_item():
        membership = MembershipFactory(organisation=company)
        return FeeCallFactory(membership=membership)

    assert_same_query_count(
        client_for(member), reverse("memberships:list"), add_item, shows=lambda c: c.reference
    )


def test_membership_list_query_count_same_with_one_or_three_organisations(client_for, member):
    def add_item():
        organisation = OrganisationFactory()
        AffiliationFactory(user=member, organisation=organisation)
        FeeCallFactory(membership=MembershipFactory(organisation=organisation))
        return organisation

    assert_same_query_count(
        client_for(member), reverse("memberships:list"), add_item, shows=lambda o: o.name
    )


def test_fee_call_page_shows_the_call_to_its_organisation(client_for, lab_member, lab, pole):
    fee_call = FeeCallFactory(
        membership=_membership(lab, pole), reference="ALPH-2026-0004", amount_eur=800
    )

    text = page_text(
        client_for(lab_member).get(
            reverse("memberships:fee_call", kwargs={"reference": fee_call.reference})
        )
    )

    assert f"Appel de cotisation {fee_call.year}" in text
    assert "Référence ALPH-2026-0004" in text
    assert "Adressé à Laboratoire des Matériaux" in text
    assert "collège « Recherche et formation »" in text
    assert "Total HT 800 €" in text


def test_fee_call_page_of_another_organisation_is_not_found(client_for, member, lab, pole):
    fee_call = FeeCallFactory(membership=_membership(lab, pole), reference="ALPH-2026-0004")

    response = client_for(member).get(
        reverse("memberships:fee_call", kwargs={"reference": fee_call.reference})
    )

    assert response.status_code == 404
    assert "Laboratoire des Matériaux" not in response.content.decode()


def test_dashboard_links_to_the_memberships(client_for, member, company, pole):
    membership = _membership(company, pole)
    membership.end_date = date(2026, 12, 31)
    membership.save()

    response = client_for(member).get(reverse("dashboard"))

    assert "Ateliers Durand — Alpha Active échéance le 31 décembre 2026" in page_text(response)
    assert reverse("memberships:list") in response.content.decode()


# --- The admin --------------------------------------------------------------------------------


def _action(client, model, action, pks):
    return client.post(
        reverse(f"admin:members_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def test_admin_issue_action_issues_the_selected_memberships_calls(
    client_for, animator, company, lab, pole
):
    year = timezone.localdate().year
    FeeScaleFactory(pole=pole, year=year, college=College.SME, amount_eur=600)
    memberships = [_membership(company, pole), _membership(lab, pole)]

    response = _action(
        client_for(animator), "membership", f"issue_fee_calls_{year}", [m.pk for m in memberships]
    )

    text = page_text(response)
    assert f"1 appel de cotisation {year} émis." in text
    assert f"Aucun barème {year} de Pôle Alpha pour le collège « Recherche et formation »" in text
    assert list(FeeCall.objects.values_list("membership__organisation__name", "amount_eur")) == [
        ("Ateliers Durand", 600)
    ]


def test_admin_membership_list_shows_the_fee_status_of_the_year(
    client_for, animator, company, pole
):
    FeeCallFactory(membership=_membership(company, pole), status=FeeCallStatus.PAID, paid_on=TODAY)

    response = client_for(animator).get(reverse("admin:members_membership_changelist"))

    assert "Ateliers Durand" in page_text(response)
    assert "Payée" in page_text(response)
    assert f"Émettre l&#x27;appel de cotisation {timezone.localdate().year}" in (
        response.content.decode()
    )


def test_admin_mark_paid_action_goes_through_the_service(client_for, animator, company, pole):
    membership = _membership(company, pole)
    membership.status = MembershipStatus.LAPSED
    membership.end_date = date(2025, 12, 31)
    membership.save()
    year = timezone.localdate().year
    fee_call = FeeCallFactory(membership=membership, year=year)

    response = _action(client_for(animator), "feecall", "mark_paid_today", [fee_call.pk])

    assert "1 cotisation marquée payée." in page_text(response)
    fee_call.refresh_from_db()
    membership.refresh_from_db()
    assert (fee_call.status, fee_call.paid_on) == (FeeCallStatus.PAID, timezone.localdate())
    assert (membership.status, membership.end_date) == (MembershipStatus.ACTIVE, date(year, 12, 31))


def test_admin_cancel_action_reports_refusals(client_for, animator, company, lab, pole):
    due = FeeCallFactory(membership=_membership(company, pole), reference="ALPH-DUE")
    paid = FeeCallFactory(
        membership=_membership(lab, pole),
        reference="ALPH-PAID",
        status=FeeCallStatus.PAID,
        paid_on=TODAY,
    )

    response = _action(client_for(animator), "feecall", "cancel_calls", [due.pk, paid.pk])

    text = page_text(response)
    assert "1 appel de cotisation annulé." in text
    assert "L'appel ALPH-PAID est « Payée » : il ne peut plus être annulé." in text
    assert dict(FeeCall.objects.values_list("reference", "status")) == {
        "ALPH-DUE": FeeCallStatus.CANCELLED,
        "ALPH-PAID": FeeCallStatus.PAID,
    }


def test_admin_fee_calls_are_scoped_to_the_animators_pole(
    client_for, animator, company, pole, other_pole
):
    FeeCallFactory(membership=_membership(company, pole), reference="ALPH-2026-0001")
    marine = MembershipFactory(pole=other_pole, organisation=OrganisationFactory(name="Marine"))
    FeeCallFactory(membership=marine, reference="BETA-2026-0001")

    text = page_text(client_for(animator).get(reverse("admin:members_feecall_changelist")))

    assert "ALPH-2026-0001" in text and "BETA-2026-0001" not in text


def test_admin_fee_call_csv_export(client_for, animator, company, pole):
    FeeCallFactory(membership=_membership(company, pole), reference="ALPH-2026-0001", year=2026)

    response = _action(
        client_for(animator),
        "feecall",
        "export_csv",
        [FeeCall.objects.get().pk],
    )

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Référence,Organisation,SIREN,Pôle,Collège,Année,Montant HT (€)")
    assert lines[1].startswith(f"ALPH-2026-0001,Ateliers Durand,{company.siren},Alpha,PME,2026,600")


def test_admin_fee_scales_are_scoped_and_copied(client_for, animator, pole, other_pole):
    mine = FeeScaleFactory(pole=pole, year=2026, college=College.SME, amount_eur=600)
    FeeScaleFactory(pole=other_pole, year=2026, college=College.OTHER, amount_eur=999)
    client = client_for(animator)

    text = page_text(client.get(reverse("admin:members_feescale_changelist")))
    response = _action(client, "feescale", "copy_to_next_year", [mine.pk])

    assert "600 €" in text and "999 €" not in text
    assert "1 ligne de barème copiée vers l'année suivante." in page_text(response)
    assert FeeScale.objects.filter(pole=pole, year=2027, amount_eur=600).exists()


def test_admin_fee_pages_are_closed_to_members(client_for, member):
    response = client_for(member).get(reverse("admin:members_feecall_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_affiliated_plain_member_also_sees_the_fee_calls(client_for, company, pole):
    user = UserFactory(email="comptable@example.org")
    AffiliationFactory(user=user, organisation=company, role=AffiliationRole.MEMBER)
    FeeCallFactory(membership=_membership(company, pole), reference="ALPH-2026-0042")

    text = page_text(client_for(user).get(reverse("memberships:list")))

    assert "ALPH-2026-0042" in text
