"""The organisation import, fuzzed: `manage.py import_organisations` and the admin's page.

Whatever the file (random bytes, another encoding, a spreadsheet, missing or unknown columns,
bad identifiers, huge numbers, NUL bytes), the command either prints its report, whose last
line is the summary, or stops with a CommandError of one line; nothing else escapes. The
admin's page shows the report or the reason next to the file field.
"""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from members import imports
from poles.services import load_regions
from tests.fuzz.fuzzing import ANY_CHAR, NASTY, assert_clean, examples

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"^imported \d+, updated \d+, rejected \d+$")
CELLS = {
    "name": ["Ateliers Durand", "Nouvelle Société", ""],
    "kind": ["company", "research", "COMPANY", "entreprise", ""],
    "siren": ["732829320", "552100554", "732 829 320", "123456789", "12345678", ""],
    "siret": ["73282932000074", "55210055400013", "55210055400014", "1" * 14, ""],
    "rnsr": ["201900001Y", "201900001A", ""],
    "uai": ["0751717J", "0751717A", ""],
    "region": ["76", "11", "1", "99", "2A", ""],
    "city": ["Toulouse", ""],
    "postcode": ["31000", ""],
    "website": ["example.org", "https://example.org", "javascript:alert(1)", ""],
    "employees": ["10", "-1", "1 000", "99999999999999999999", "2147483648", ""],
    "turnover_eur": ["50000000", "9223372036854775808", "-9223372036854775809", "1e9", ""],
    "balance_sheet_eur": ["43000000", "1" + "0" * 40, ""],
    "competences": ["robotique", "robotique;inconnue", ";;;", ""],
    "description": ["Une PME", "'=1+1", ""],
    "poles": ["pole-alpha", "pole-alpha;pole-beta", "inconnu", ""],
}


def cell(column):
    return st.one_of(st.sampled_from(CELLS.get(column, [""])), st.sampled_from(NASTY))


@st.composite
def csv_files(draw) -> bytes:
    header = list(imports.COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.booleans()):
        header = draw(st.lists(st.sampled_from([*header, "junk", "", "NAME"]), max_size=20))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = []
    for _index in range(draw(st.integers(min_value=0, max_value=4))):
        cells = [draw(cell(column)) for column in header]
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            cells = cells[: draw(st.integers(min_value=0, max_value=len(cells)))]
        rows.append(cells)
    lines = [delimiter.join(header)]
    for cells in rows:
        quoted = (f'"{c}"' if draw(st.booleans()) else c for c in cells)
        lines.append(delimiter.join(quoted))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")


FILES = st.one_of(
    csv_files(),
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda data: imports.XLSX_SIGNATURE + data),
    st.text(ANY_CHAR, max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@pytest.fixture
def import_world(pole, other_pole):
    load_regions()


def _run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out, **options)
    return out.getvalue()


@settings(max_examples=examples(40))
@given(data=FILES, dry_run=st.booleans(), pole=st.sampled_from([None, "pole-alpha", "inconnu"]))
def test_import_command_reports_or_stops_with_one_line(data, dry_run, pole, import_world, tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(data)
    options = {"dry_run": dry_run, **({"pole": pole} if pole else {})}

    try:
        output = _run(path, **options)
    except CommandError as error:
        message = str(error)
        assert message.strip()
        assert "\n" not in message and "\r" not in message, message
        assert "Traceback" not in message
    else:
        assert SUMMARY.match(output.splitlines()[-1]), output


@pytest.mark.parametrize("name", ["absent.csv", "."])
def test_import_command_refuses_a_missing_or_unreadable_file_in_one_line(
    name, import_world, tmp_path
):
    with pytest.raises(CommandError) as raised:
        _run(tmp_path / name)

    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    "column, value",
    [
        ("employees", "99999999999999999999"),
        ("turnover_eur", "9223372036854775808"),
        ("balance_sheet_eur", "1" + "0" * 40),
    ],
)
def test_import_rejects_a_row_with_an_impossible_value(column, value, import_world, tmp_path):
    output = _run(_one_row_file(tmp_path, {column: value}))

    assert output.splitlines()[-1] == "imported 0, updated 0, rejected 1"
    assert output.splitlines()[0].startswith(f"ligne 2 : {column} : ")


def _one_row_file(tmp_path, cells: dict):
    row = {"name": "Nouvelle Société", "kind": "company", **cells}
    path = tmp_path / "organisations.csv"
    path.write_text(
        ",".join(imports.COLUMNS) + "\n" + ",".join(row.get(c, "") for c in imports.COLUMNS),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("column", ["name", "city", "siren", "competences", "poles"])
def test_import_rejects_a_nul_byte_in_any_cell(column, import_world, tmp_path):
    # Found by fuzzing: on PostgreSQL a NUL in the name crashed the lookup of the organisation
    # (DataError: text fields cannot contain NUL), a traceback instead of the report.
    output = _run(_one_row_file(tmp_path, {column: "Nul\x00Part"}))

    assert output.splitlines()[0].startswith(f"ligne 2 : {column} : caractère nul (0x00) interdit")
    assert output.splitlines()[-1] == "imported 0, updated 0, rejected 1"


@settings(max_examples=examples(12))
@given(data=FILES, dry_run=st.booleans())
def test_admin_import_page_never_fails(data, dry_run, import_world, admin, client_for):
    client = client_for(admin)
    upload = io.BytesIO(data)
    upload.name = "organisations.csv"
    form = {"file": upload, **({"dry_run": "on"} if dry_run else {})}

    body = assert_clean(client.post("/admin/members/organisation/import/", form))

    assert "imported" in body or "errorlist" in body or "rejet" in body.lower()
