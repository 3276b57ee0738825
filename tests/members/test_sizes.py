"""Company size categories (décret 2008-1354): every threshold, on both sides."""

import pytest
from django.db import IntegrityError

from members import sizes
from members.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory, ResearchOrganisationFactory

M = 1_000_000


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance", "expected"),
    [
        # headcount ceilings, with small financial figures
        (9, 1 * M, 1 * M, sizes.MICRO),
        (10, 1 * M, 1 * M, sizes.PME),
        (249, 1 * M, 1 * M, sizes.PME),
        (250, 1 * M, 1 * M, sizes.ETI),
        (4_999, 1 * M, 1 * M, sizes.ETI),
        (5_000, 1 * M, 1 * M, sizes.GE),
        # micro: turnover or balance sheet at most 2 M€
        (5, 2_000_000, None, sizes.MICRO),
        (5, 2_000_001, None, sizes.PME),
        (5, None, 2_000_000, sizes.MICRO),
        (5, None, 2_000_001, sizes.PME),
        # PME: turnover at most 50 M€ or balance sheet at most 43 M€
        (100, 50 * M, None, sizes.PME),
        (100, 50 * M + 1, None, sizes.ETI),
        (100, None, 43 * M, sizes.PME),
        (100, None, 43 * M + 1, sizes.ETI),
        # ETI: turnover at most 1 500 M€ or balance sheet at most 2 000 M€
        (1_000, 1_500 * M, None, sizes.ETI),
        (1_000, 1_500 * M + 1, None, sizes.GE),
        (1_000, None, 2_000 * M, sizes.ETI),
        (1_000, None, 2_000 * M + 1, sizes.GE),
    ],
)
def test_size_category_threshold(headcount, turnover, balance, expected):
    assert sizes.size_category(headcount, turnover, balance) == expected


@pytest.mark.parametrize(
    ("turnover", "balance", "expected"),
    [
        (60 * M, 40 * M, sizes.PME),  # turnover too high, balance sheet within: PME
        (40 * M, 60 * M, sizes.PME),  # balance sheet too high, turnover within: PME
        (60 * M, 50 * M, sizes.ETI),  # both too high: not a PME
    ],
)
def test_size_category_either_financial_figure_suffices(turnover, balance, expected):
    assert sizes.size_category(100, turnover, balance) == expected


def test_size_category_micro_with_turnover_too_high_but_small_balance_sheet():
    assert sizes.size_category(5, 3 * M, 1 * M) == sizes.MICRO


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance"),
    [(None, 1 * M, 1 * M), (5, None, None), (None, None, None)],
)
def test_size_category_unknown_figures_give_none(headcount, turnover, balance):
    assert sizes.size_category(headcount, turnover, balance) is None


@pytest.mark.parametrize(
    ("category", "expected"),
    [(sizes.MICRO, True), (sizes.PME, True), (sizes.ETI, False), (sizes.GE, False), (None, False)],
)
def test_is_sme_counts_micro_enterprises_as_smes(category, expected):
    assert sizes.is_sme(category) is expected


@pytest.mark.django_db
def test_organisation_full_clean_stores_size_category_of_company():
    organisation = OrganisationFactory(headcount=300, turnover_eur=60 * M, balance_sheet_eur=None)

    organisation.refresh_from_db()

    assert (organisation.size_category, organisation.is_sme) == ("eti", False)


@pytest.mark.django_db
def test_organisation_full_clean_leaves_size_category_empty_for_laboratory():
    laboratory = ResearchOrganisationFactory(headcount=40, turnover_eur=2 * M)

    laboratory.refresh_from_db()

    assert laboratory.size_category == ""


@pytest.mark.django_db
def test_organisation_full_clean_company_with_unknown_figures_has_no_category():
    organisation = OrganisationFactory(headcount=None, turnover_eur=None, balance_sheet_eur=None)

    organisation.refresh_from_db()

    assert organisation.size_category == ""


@pytest.mark.django_db
def test_organisation_size_only_for_companies_constraint_holds_in_database():
    laboratory = ResearchOrganisationFactory()

    with pytest.raises(IntegrityError, match="organisation_size_only_for_companies|CHECK"):
        Organisation.objects.filter(pk=laboratory.pk).update(size_category=sizes.PME)


@pytest.mark.django_db
def test_organisation_kind_change_to_laboratory_clears_size_category():
    organisation = OrganisationFactory()
    organisation.kind = OrganisationKind.RESEARCH
    organisation.rnsr = "200212720X"

    organisation.full_clean()
    organisation.save()

    organisation.refresh_from_db()
    assert organisation.size_category == ""
