"""Every public page with query parameters, fuzzed: never a server error, never a traceback.

Each page gets its own parameters with a mix of valid values (so that the filters really run)
and adversarial ones (NUL bytes, invalid UTF-8, huge or negative numbers, NaN, malformed
dates and cursors, repeated keys where one value is expected, unknown keys).
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.fuzzing import ANY_CHAR, assert_clean, examples, get, params, values

pytestmark = pytest.mark.django_db

PAGES = ("1", "2", "0", "-1", "999999999999999999999", "last", "1e3", "NaN")
CURSORS = ("ateliers durand|1", "a|1", "|", "a|", "|1", "a|-1", "zz|99999999999999999999", "\x00|1")
DIRECTORY = {
    "q": values("robotique", "toulouse", "ateliers", "labo matériaux"),
    "kind": values("company", "research", "training", "rto", "other"),
    "size": values("pme", "eti", "ge", "micro"),
    "region": values("76", "75", "53", "11", "2A"),
    "pole": values("pole-alpha", "pole-beta"),
    "competence": values("robotique-fuzz", "vision-fuzz"),
    "sort": values("relevance", "name"),
    "page": values(*PAGES),
    "after": values(*CURSORS),
    "before": values(*CURSORS),
}
EVENTS = {
    "when": values("a-venir", "passes"),
    "pole": values("pole-alpha", "pole-beta"),
    "kind": values("atelier", "rdv_affaires", "webinaire"),
    "region": values("76", "11"),
    "format": values("presentiel", "en-ligne"),
    "open_to_all": values("on", "true", "1", "0", "false"),
    "page": values(*PAGES),
}
YEARS = {
    "debut": values("2020", "1990", "2100", "1989", "2101"),
    "fin": values("2026", "2019", "2100"),
}
PUBLIC = {
    "/": {"q": values("robotique")},
    "/organisations/": DIRECTORY,
    "/poles/": {
        "region": values("76", "53"),
        "category": values("mondial", "national"),
        "theme": values("numerique", "aero"),
        "page": values(*PAGES),
    },
    "/evenements/": EVENTS,
    "/evenements/pole/pole-alpha/": EVENTS,
    "/evenements/pole/pole-alpha/calendrier.ics": EVENTS,
    "/evenements/atelier-alpha/": {},
    "/evenements/atelier-alpha/evenement.ics": {},
    "/plateformes/": {
        "q": values("banc", "essais"),
        "kind": values("plateforme", "equipement"),
        "region": values("84", "76"),
        "competence": values("vision-fuzz"),
        "pole": values("pole-alpha"),
        "page": values(*PAGES),
    },
    "/plateformes/banc-essais/": {},
    "/services/": {
        "q": values("brevets", "diagnostic"),
        "pole": values("pole-alpha"),
        "kind": values("propriete_industrielle", "financement"),
        "page": values(*PAGES),
    },
    "/projets-finances/": {
        "q": values("FUZZ", "fuzz", "ateliers"),
        "pole": values("pole-alpha"),
        "call": values("appel-000", "fui-21"),
        "region": values("76"),
        "year": values("2026", "2025", "1900", "99999"),
        "page": values(*PAGES),
    },
    "/tableaux-de-bord/": YEARS,
    "/tableaux-de-bord/donnees/membres-par-type.csv": YEARS,
    "/tableaux-de-bord/donnees/aides-par-an.csv": YEARS,
    "/tableaux-de-bord/donnees/parcours.csv": YEARS,
    "/donnees/": {},
    "/donnees/organisations.csv": {},
    "/donnees/organisations.json": {},
    "/donnees/projets-finances.csv": {},
    "/donnees/projets-finances.json": {},
    "/eligibility/": {"partenaires": values("1", "4", "30", "31", "0", "-5", *PAGES)},
    "/accounts/login/": {"next": values("/mon-espace/", "https://evil.example/", "//evil")},
    "/accounts/signup/": {"next": values("/mon-espace/")},
    "/accounts/password/reset/": {},
}


# The directory has the most parameters (and its own pagination): it gets more examples.
MORE_EXAMPLES = {"/organisations/": 40, "/projets-finances/": 20, "/evenements/": 20}


def _budget(path, fields) -> int:
    return examples(MORE_EXAMPLES.get(path, 10 if fields else 3))


@pytest.mark.parametrize("path", list(PUBLIC))
def test_public_page_never_fails_whatever_the_query(path, fuzz_world, client):
    @settings(max_examples=_budget(path, PUBLIC[path]))
    @given(pairs=params(PUBLIC[path]), htmx=st.booleans())
    def check(pairs, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        assert_clean(get(client, path, pairs, headers=headers))

    check()


MEMBER_PAGES = {
    "/recherches/": {
        "q": values("laboratoire", "cherche"),
        "competence": values("vision-fuzz", "robotique-fuzz"),
        "kind": values("research", "company"),
        "region": values("76", "11"),
        "pole": values("pole-alpha"),
        "mine": values("on", "true", "1"),
        "page": values(*PAGES),
    },
    "/recherches/mes-interets/": {"page": values(*PAGES)},
    "/mon-espace/": {"q": values("Ateliers Durand", "732829320", "73282932000074")},
    "/evenements/mes-inscriptions/": {},
    "/services/mes-demandes/": {"page": values(*PAGES)},
    "/plateformes/demandes/": {},
    "/mon-espace/adhesions/": {},
    "/projets/": {"page": values(*PAGES)},
}


@pytest.mark.parametrize("path", list(MEMBER_PAGES))
def test_member_page_never_fails_whatever_the_query(path, fuzz_world, member, client_for):
    client = client_for(member)

    @settings(max_examples=_budget(path, MEMBER_PAGES[path]))
    @given(pairs=params(MEMBER_PAGES[path]), htmx=st.booleans())
    def check(pairs, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        assert_clean(get(client, path, pairs, headers=headers))

    check()


# Path segments: ids beyond any integer column, slugs of nothing.
ID_PATHS = [
    "/services/{}/",
    "/projets-finances/{}/",
    "/recherches/{}/",
    "/projets/{}/",
    "/dossiers/{}/",
    "/projets/invitations/{}/",
]
SLUG_PATHS = [
    "/organisations/{}/",
    "/poles/{}/",
    "/evenements/{}/",
    "/evenements/pole/{}/",
    "/plateformes/{}/",
    "/tableaux-de-bord/donnees/{}.csv",
    "/rendez-vous/{}/",
]


@settings(max_examples=examples(15))
@given(
    template=st.sampled_from(ID_PATHS),
    number=st.one_of(st.integers(min_value=0, max_value=10**40), st.sampled_from([0, 2**63])),
)
def test_ids_out_of_range_answer_404(template, number, fuzz_world, member, client_for):
    response = get(client_for(member), template.format(number))

    assert_clean(response)
    assert response.status_code == 404


@settings(max_examples=examples(15))
@given(
    template=st.sampled_from(SLUG_PATHS),
    slug=st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z"),
)
def test_unknown_slugs_answer_404(template, slug, fuzz_world, client):
    response = get(client, template.format(slug))

    assert_clean(response)
    assert response.status_code in (302, 404)


# --- The directory's cursors (`after`, `before`: "<sort name>|<id>") ---------------------------


# Two bugs of `members.search.decode_cursor` found by this fuzzing, now fixed (regression
# tests below): an id of digits that `int()` refuses ("²"), a NUL in the sort name.
def _directory_total(body: str) -> str:
    return re.search(r'id="resultats-titre">\s*([^<]*?)\s*<', body).group(1)


CURSOR = st.one_of(
    st.sampled_from(CURSORS),
    st.tuples(
        st.text(ANY_CHAR, max_size=30),
        st.sampled_from(["|", "||", ""]),
        st.one_of(
            st.integers(min_value=-(10**30), max_value=10**30).map(str),
            st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=5),
            st.text(ANY_CHAR, max_size=5),
        ),
    ).map("".join),
)


@settings(max_examples=examples(25))
@given(
    direction=st.sampled_from(["after", "before"]),
    cursor=CURSOR,
    other=st.one_of(st.none(), CURSOR),
    sort=st.sampled_from(["", "name", "relevance"]),
)
def test_directory_cursors_never_fail(direction, cursor, other, sort, fuzz_world, client):
    pairs = [(direction, cursor), ("sort", sort)]
    if other is not None:
        pairs.append(("before" if direction == "after" else "after", other))

    body = assert_clean(get(client, "/organisations/", pairs))

    # A cursor never narrows the list (the total stays), it only says where the page starts.
    assert _directory_total(body) == _directory_total(assert_clean(get(client, "/organisations/")))
    shown = [name for name in ("Ateliers Durand", "Laboratoire des Matériaux") if name in body]
    assert shown or "Cette page de résultats est vide." in body


@pytest.mark.parametrize("direction", ["after", "before"])
def test_directory_cursor_with_a_superscript_digit_is_ignored(direction, fuzz_world, client):
    response = get(client, "/organisations/", [(direction, "Ateliers Durand|²")])

    assert "Ateliers Durand" in assert_clean(response)


@pytest.mark.postgres
@pytest.mark.parametrize("direction", ["after", "before"])
def test_directory_cursor_with_a_nul_byte_is_ignored(direction, fuzz_world, client):
    response = get(client, "/organisations/", [(direction, "Ateliers\x00Durand|1")])

    assert "Laboratoire des Matériaux" in assert_clean(response)
