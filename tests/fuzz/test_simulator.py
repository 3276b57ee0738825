"""The FUI simulator (/eligibility/), fuzzed: any consortium, any formset management data.

It never fails, and a consortium sent back with an error keeps what was typed correctly.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import PoleFactory, RegionFactory
from tests.fuzz.fuzzing import (
    TYPED,
    assert_clean,
    examples,
    get,
    nasty_text,
    post,
    shows_value,
    values,
)

pytestmark = pytest.mark.django_db

URL = "/eligibility/"
PREFIX = "partenaire"
ROW = {
    "name": values("Alpha", "Labo Gamma"),
    "kind": values("company", "research", "training", "rto", "other"),
    "coordinator": values("on"),
    "region": values("11", "53", "84"),
    "expenses_eur": values("900000", "0", "0.01", "99999999999999.99", "1e12"),
    "employees": values("40", "900", "0"),
    "turnover_eur": values("6000000", "200000000"),
    "balance_sheet_eur": values("43000000"),
    "group": values("Groupe Alpha"),
    "cost_basis": values("", "marginal", "full"),
}
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


@pytest.fixture
def simulator_poles(db):
    PoleFactory(
        slug="pole-francilien", name="Pôle Francilien", main_region=RegionFactory(code="11")
    )
    PoleFactory(slug="pole-breton", name="Pôle Breton", main_region=RegionFactory(code="53"))
    RegionFactory(code="84")


def _row():
    # Each field may be missing, given once, or given several times.
    return st.lists(
        st.sampled_from(list(ROW)).flatmap(lambda key: st.tuples(st.just(key), ROW[key])),
        max_size=12,
    )


@st.composite
def consortia(draw):
    rows = draw(st.lists(_row(), max_size=5))
    total = draw(values(str(len(rows)), "0", "1000", "-1", "31"))
    pairs = [(f"{PREFIX}-TOTAL_FORMS", total)]
    for name in MANAGEMENT[1:]:
        if draw(st.booleans()):
            pairs.append((f"{PREFIX}-{name}", draw(values("0", "1", "30", "1000"))))
    for index, row in enumerate(rows):
        index = draw(st.one_of(st.just(str(index)), nasty_text(5)))
        pairs += [(f"{PREFIX}-{index}-{key}", value) for key, value in row]
    head = {
        "call": values("fui-21", "fui-25", "appel-inconnu"),
        "lead_pole": values("pole-francilien", "pole-breton"),
        "other_poles": values("pole-breton", "pole-francilien"),
    }
    for key, strategy in head.items():
        pairs += [(key, value) for value in draw(st.lists(strategy, max_size=3))]
    if draw(st.booleans()):
        pairs = [(key, value) for key, value in pairs if draw(st.booleans())]
    return pairs


@settings(max_examples=examples(30))
@given(pairs=consortia())
def test_simulator_never_fails_whatever_is_posted(pairs, simulator_poles, client):
    assert_clean(post(client, URL, pairs))


@settings(max_examples=examples(8))
@given(rows=values("1", "4", "30", "31", "0", "-5", "99999999999999999999", "NaN"))
def test_simulator_page_never_fails_whatever_the_rows(rows, simulator_poles, client):
    body = assert_clean(get(client, URL, [("partenaires", rows)]))

    assert f'name="{PREFIX}-TOTAL_FORMS"' in body


def _partner(index, name, *, expenses="900000", region="11", kind="company"):
    return [
        (f"{PREFIX}-{index}-name", name),
        (f"{PREFIX}-{index}-kind", kind),
        (f"{PREFIX}-{index}-region", region),
        (f"{PREFIX}-{index}-expenses_eur", expenses),
        (f"{PREFIX}-{index}-employees", "40"),
        (f"{PREFIX}-{index}-turnover_eur", "6000000"),
    ]


def _management(total):
    return [(f"{PREFIX}-TOTAL_FORMS", str(total)), (f"{PREFIX}-INITIAL_FORMS", "0")]


@settings(max_examples=examples(10))
@given(
    first=TYPED,
    second=TYPED,
    group=TYPED,
    expenses=st.sampled_from(["NaN", "-1", "inf", "1e309", "9" * 40, "douze", "1,2,3"]),
)
def test_simulator_with_a_bad_amount_keeps_the_consortium(
    first, second, group, expenses, simulator_poles, client
):
    pairs = [
        ("call", "fui-21"),
        ("lead_pole", "pole-francilien"),
        *_management(2),
        *_partner(0, first),
        (f"{PREFIX}-0-group", group),
        *_partner(1, second, expenses=expenses, region="53"),
    ]

    body = assert_clean(post(client, URL, pairs))

    for value in (first, second, group):
        assert shows_value(body, value)
    assert 'value="53" selected' in body
    assert 'value="pole-francilien" selected' in body


@settings(max_examples=examples(5))
@given(name=TYPED)
def test_simulator_with_a_valid_consortium_gives_a_verdict(name, simulator_poles, client):
    pairs = [
        ("call", "fui-21"),
        ("lead_pole", "pole-francilien"),
        *_management(1),
        *_partner(0, name),
        (f"{PREFIX}-0-coordinator", "on"),
    ]

    body = assert_clean(post(client, URL, pairs))

    assert shows_value(body, name)
    assert "Éligible" in body or "éligible" in body


def test_simulator_reads_no_more_rows_than_partners_allowed(
    simulator_poles, client, django_assert_max_num_queries
):
    # Found by fuzzing: TOTAL_FORMS=1000 rendered 1000 lines back (1005 queries, ~4 MB, 24 s).
    pairs = [("call", "fui-21"), ("lead_pole", "pole-francilien"), *_management(1000)]

    with django_assert_max_num_queries(40):
        body = assert_clean(post(client, URL, pairs))

    assert body.count(f'name="{PREFIX}-29-name"') == 1
    assert f'name="{PREFIX}-30-name"' not in body
