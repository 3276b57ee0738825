"""French number formatting for the pages."""

from poles.templatetags.portal import euros, thousands


def test_euros_groups_thousands_with_narrow_no_break_spaces():
    assert euros(6_000_000) == "6\u202f000\u202f000\u00a0€"


def test_euros_small_and_negative_amounts():
    assert euros(750) == "750\u00a0€"
    assert euros(-12_500) == "-12\u202f500\u00a0€"


def test_euros_empty_and_non_numbers():
    assert euros(None) == ""
    assert euros("") == ""
    assert euros("n.c.") == "n.c."


def test_thousands_groups_without_unit():
    assert thousands(12_500) == "12\u202f500"
    assert thousands(None) == ""


def test_percent_french_style():
    from decimal import Decimal

    from poles.templatetags.portal import percent

    assert percent(Decimal("0.45")) == "45\u202f%"
    assert percent(Decimal("0.025")) == "2,5\u202f%"
    assert percent(1) == "100\u202f%"
    assert percent(None) == ""
