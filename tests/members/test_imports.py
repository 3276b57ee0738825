"""Importing organisations from CSV: the `import_organisations` command and the admin page."""

import csv
import io

import pytest
from django.core.management import base as management_base
from django.core.management import call_command, execute_from_command_line
from django.urls import reverse

from audit.models import AuditEntry
from members import imports
from members.identifiers import check_letter, make_siren, make_siret
from members.models import (
    College,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
)
from poles.services import load_regions
from tests.factories import (
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    ResearchOrganisationFactory,
    TrainingOrganisationFactory,
    with_totp,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

HEADER = ",".join(imports.COLUMNS)
SIREN = make_siren("55210055")  # 552100554
SIRET = make_siret(SIREN, "0001")  # 55210055400013
OTHER_SIRET = make_siret(SIREN, "0002")
RNSR = "201900001" + check_letter("201900001")  # 201900001Y
UAI = "0751717J"


@pytest.fixture(autouse=True)
def regions(db):
    load_regions()


@pytest.fixture(autouse=True)
def competences(db):
    """The entries of the vocabulary the files name (made here: a test that flushes the
    database, such as a browser test, removes the ones the migration seeded)."""
    return {
        slug: CompetenceFactory(slug=slug, name=name)
        for slug, name in [
            ("robotique", "Robotique et cobotique"),
            ("intelligence-artificielle", "Intelligence artificielle"),
            ("cybersecurite", "Cybersécurité"),
        ]
    }


@pytest.fixture(autouse=True)
def _keep_connections_open(monkeypatch):
    # A command run from the command line closes every database connection when it ends,
    # which on PostgreSQL would end the test's transaction.
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)


def company_row(**overrides) -> dict:
    row = {
        "name": "Nouvelle Robotique",
        "kind": "company",
        "siren": SIREN,
        "siret": SIRET,
        "rnsr": "",
        "uai": "",
        "region": "76",
        "city": "Toulouse",
        "postcode": "31000",
        "website": "https://nouvelle-robotique.example",
        "employees": "42",
        "turnover_eur": "6000000",
        "balance_sheet_eur": "4000000",
        "competences": "robotique;Intelligence artificielle",
        "description": "Cobots pour l'aéronautique.",
        "poles": "pole-alpha",
    }
    return {**row, **overrides}


def lab_row(**overrides) -> dict:
    return company_row(
        **{
            "name": "Laboratoire Nouveau",
            "kind": "research",
            "siren": "",
            "siret": "",
            "rnsr": RNSR,
            "employees": "",
            "turnover_eur": "",
            "balance_sheet_eur": "",
            "competences": "",
            "website": "",
            "poles": "",
            **overrides,
        }
    )


def school_row(**overrides) -> dict:
    return lab_row(
        **{"name": "École Nouvelle", "kind": "training", "rnsr": "", "uai": UAI, **overrides}
    )


def csv_bytes(*rows: dict, columns=imports.COLUMNS, bom=False) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8-sig" if bom else "utf-8")


@pytest.fixture
def write(tmp_path):
    def make(content: bytes, name="organisations.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return make


def run(path, *args) -> list[str]:
    out = io.StringIO()
    call_command("import_organisations", str(path), *args, stdout=out)
    return out.getvalue().strip().splitlines()


def snapshot():
    organisations = list(Organisation.objects.order_by("pk").values())
    memberships = list(Membership.objects.order_by("pk").values())
    links = list(Organisation.competences.through.objects.order_by("pk").values())
    return organisations, memberships, links


# --- Good rows --------------------------------------------------------------------------------


def test_import_creates_organisations_from_good_rows(write, pole):
    path = write(csv_bytes(company_row(), lab_row(), school_row()))

    output = run(path)

    assert output == ["imported 3, updated 0, rejected 0"]
    company = Organisation.objects.get(name="Nouvelle Robotique")
    assert (company.kind, company.siren, company.siret) == ("company", SIREN, SIRET)
    assert (company.region_id, company.city, company.postcode) == ("76", "Toulouse", "31000")
    assert company.website == "https://nouvelle-robotique.example"
    assert (company.headcount, company.turnover_eur, company.balance_sheet_eur) == (
        42,
        6_000_000,
        4_000_000,
    )
    assert company.size_category == "pme"
    assert company.description == "Cobots pour l'aéronautique."
    assert sorted(company.competences.values_list("slug", flat=True)) == [
        "intelligence-artificielle",
        "robotique",
    ]
    assert Organisation.objects.get(rnsr=RNSR).kind == OrganisationKind.RESEARCH
    assert Organisation.objects.get(uai=UAI).kind == OrganisationKind.TRAINING


def test_import_normalises_cells_people_type(write):
    row = company_row(
        siren="552 100 554",
        siret="552 100 554 00013",
        region="76",
        turnover_eur="6 000 000",
        website="www.nouvelle-robotique.example",
        kind="Company",
        poles="",
    )
    path = write(csv_bytes(row))

    output = run(path)

    company = Organisation.objects.get()
    assert output == ["imported 1, updated 0, rejected 0"]
    assert (company.siren, company.siret, company.turnover_eur) == (SIREN, SIRET, 6_000_000)
    assert company.website == "https://www.nouvelle-robotique.example"
    assert company.kind == "company"


def test_import_second_run_of_a_good_file_changes_nothing(write, pole, other_pole):
    path = write(
        csv_bytes(
            company_row(poles="pole-alpha;pole-beta", competences="robotique;IA générative"),
            lab_row(),
            school_row(),
        )
    )
    run(path)
    before = snapshot()
    audit_before = AuditEntry.objects.exclude(action="organisation.import_run").count()

    output = run(path)

    assert output[-1] == "imported 0, updated 0, rejected 0"
    assert snapshot() == before
    assert AuditEntry.objects.exclude(action="organisation.import_run").count() == audit_before


def test_import_accepts_a_utf8_bom(write):
    path = write(csv_bytes(company_row(poles=""), bom=True))

    output = run(path)

    assert output == ["imported 1, updated 0, rejected 0"]
    assert Organisation.objects.get().name == "Nouvelle Robotique"


def test_import_accepts_semicolon_separated_files(write, pole):
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=imports.COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerow(company_row(competences="robotique;cybersecurite"))
    path = write(stream.getvalue().encode())

    output = run(path)

    assert output == ["imported 1, updated 0, rejected 0"]
    assert sorted(Organisation.objects.get().competences.values_list("slug", flat=True)) == [
        "cybersecurite",
        "robotique",
    ]


def test_import_accepts_columns_in_any_order(write):
    columns = list(reversed(imports.COLUMNS))
    path = write(csv_bytes(company_row(poles=""), columns=columns))

    assert run(path) == ["imported 1, updated 0, rejected 0"]


def test_import_skips_blank_lines(write):
    content = csv_bytes(company_row(poles="")) + b"\n,,,,,,,,,,,,,,,\n"

    assert run(write(content)) == ["imported 1, updated 0, rejected 0"]


def test_import_keeps_unknown_competences_as_keywords_with_a_warning(write, pole):
    path = write(csv_bytes(company_row(competences="robotique;IA générative;Jumeau numérique")))

    output = run(path)

    company = Organisation.objects.get()
    assert output == [
        "ligne 2 (avertissement) : compétence inconnue « IA générative » : "
        "gardée dans les mots-clés",
        "ligne 2 (avertissement) : compétence inconnue « Jumeau numérique » : "
        "gardée dans les mots-clés",
        "imported 1, updated 0, rejected 0",
    ]
    assert company.keywords == "IA générative, Jumeau numérique"
    assert list(company.competences.values_list("slug", flat=True)) == ["robotique"]


# --- Bad rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"name": ""}, "nom manquant"),
        ({"kind": ""}, "type manquant (attendu : company, research, training, rto, other)"),
        (
            {"kind": "startup"},
            "type inconnu « startup » (attendu : company, research, training, rto, other)",
        ),
        ({"siren": "12345", "siret": ""}, "siren : Le SIREN doit compter 9 chiffres"),
        (
            {"siren": "552100555", "siret": ""},
            "siren : SIREN invalide : sa clé de contrôle est fausse",
        ),
        ({"siret": "55210055400014"}, "siret : SIRET invalide : sa clé de contrôle est fausse"),
        (
            {"siren": make_siren("40000001")},
            "siret : Le SIRET doit commencer par le SIREN de l'organisation",
        ),
        (
            {"siren": "", "siret": ""},
            "siren : Une entreprise est identifiée par son SIREN ou son SIRET",
        ),
        (
            {"kind": "research", "siren": "", "siret": "", "rnsr": "12345"},
            "rnsr : Le numéro RNSR compte 10 caractères : l'année (4 chiffres), "
            "un numéro (5 chiffres) et une lettre (ex. 200212720X)",
        ),
        ({"uai": "0751717A"}, "uai : UAI invalide : sa lettre de contrôle est fausse"),
        ({"region": "99"}, "code de région inconnu « 99 »"),
        ({"employees": "douze"}, "employees : « douze » n'est pas un nombre entier"),
        ({"turnover_eur": "1,5 M€"}, "turnover_eur : « 1,5 M€ » n'est pas un nombre entier"),
        (
            {"balance_sheet_eur": "-5"},
            "balance_sheet_eur : Assurez-vous que cette valeur est supérieure ou égale à 0",
        ),
        ({"website": "pas une adresse"}, "website : Saisissez une URL valide"),
        (
            {"name": "N" * 201},
            "name : Assurez-vous que cette valeur comporte au plus 200 caractères "
            "(actuellement 201)",
        ),
        ({"poles": "pole-inexistant"}, "pôle inconnu « pole-inexistant »"),
    ],
)
def test_import_rejects_a_bad_row_with_its_line_and_reason(write, pole, overrides, reason):
    path = write(csv_bytes(company_row(**overrides)))

    output = run(path)

    assert output == [f"ligne 2 : {reason}", "imported 0, updated 0, rejected 1"]
    assert Organisation.objects.count() == 0
    assert Membership.objects.count() == 0


def test_import_gives_every_reason_of_a_bad_row(write):
    path = write(csv_bytes(company_row(name="", region="99", employees="x", poles="")))

    output = run(path)

    assert output == [
        "ligne 2 : nom manquant ; code de région inconnu « 99 » ; "
        "employees : « x » n'est pas un nombre entier",
        "imported 0, updated 0, rejected 1",
    ]


def test_import_rejects_a_row_with_the_wrong_number_of_cells(write):
    content = (HEADER + "\nSeule,company,552100554\n").encode()

    output = run(write(content))

    assert output == [
        "ligne 2 : la ligne compte 3 cellules au lieu de 16",
        "imported 0, updated 0, rejected 1",
    ]


def test_import_bad_rows_do_not_stop_the_good_ones(write, pole):
    path = write(
        csv_bytes(
            company_row(),
            lab_row(rnsr="123"),
            school_row(),
            company_row(name="Autre", siren="", siret=make_siret(make_siren("40000001"), "0001")),
        )
    )

    output = run(path)

    assert output[-1] == "imported 3, updated 0, rejected 1"
    assert [line for line in output if line.startswith("ligne")] == [
        "ligne 3 : rnsr : Le numéro RNSR compte 10 caractères : l'année (4 chiffres), "
        "un numéro (5 chiffres) et une lettre (ex. 200212720X)"
    ]
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Nouvelle Robotique",
        "École Nouvelle",
        "Autre",
    }


def test_import_line_numbers_count_the_lines_of_multiline_cells(write):
    path = write(
        csv_bytes(
            company_row(description="Première ligne\nDeuxième ligne\nTroisième", poles=""),
            lab_row(region="99"),
        )
    )

    output = run(path)

    assert output == [
        "ligne 5 : code de région inconnu « 99 »",
        "imported 1, updated 0, rejected 1",
    ]
    assert Organisation.objects.get().description == "Première ligne\nDeuxième ligne\nTroisième"


def test_import_rejects_an_identifier_already_used_by_another_organisation(write):
    OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=SIRET)
    ResearchOrganisationFactory(name="Labo Existant", rnsr=RNSR)
    path = write(csv_bytes(company_row(rnsr=RNSR, poles="")))

    output = run(path)

    assert output == [
        "ligne 2 : le RNSR 201900001Y est déjà celui d'une autre organisation",
        "imported 0, updated 0, rejected 1",
    ]


def test_import_rejects_an_ambiguous_siren(write):
    OrganisationFactory(name="Site A", siren=SIREN, siret=make_siret(SIREN, "0003"))
    OrganisationFactory(name="Site B", siren=SIREN, siret=make_siret(SIREN, "0004"))
    path = write(csv_bytes(company_row(name="Siège", siret="", poles="")))

    output = run(path)

    assert output == [
        f"ligne 2 : plusieurs organisations ont le SIREN {SIREN} : "
        "indiquez le SIRET de celle à mettre à jour",
        "imported 0, updated 0, rejected 1",
    ]


# --- Matching and updating --------------------------------------------------------------------


def test_import_updates_an_organisation_matched_by_siret(write):
    existing = OrganisationFactory(name="Ancien Nom", siren=SIREN, siret=SIRET, city="Lyon")

    output = run(write(csv_bytes(company_row(poles=""))))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert Organisation.objects.count() == 1
    assert (existing.name, existing.city, existing.slug) == (
        "Nouvelle Robotique",
        "Toulouse",
        "ancien-nom",
    )


def test_import_updates_an_organisation_matched_by_siren(write):
    existing = OrganisationFactory(name="Ancien Nom", siren=SIREN, siret="")

    output = run(write(csv_bytes(company_row(poles=""))))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert (existing.name, existing.siret) == ("Nouvelle Robotique", SIRET)


def test_import_updates_an_organisation_matched_by_rnsr(write):
    existing = ResearchOrganisationFactory(name="Ancien Labo", rnsr=RNSR, city="Pau")

    output = run(write(csv_bytes(lab_row())))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert (existing.name, existing.city) == ("Laboratoire Nouveau", "Toulouse")


def test_import_updates_an_organisation_matched_by_uai(write):
    existing = TrainingOrganisationFactory(name="Ancienne École", uai=UAI)

    output = run(write(csv_bytes(school_row())))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert existing.name == "École Nouvelle"


def test_import_updates_an_organisation_matched_by_exact_name(write):
    existing = OtherOrganisationFactory(name="Région Occitanie", city="Montpellier")
    row = lab_row(name="Région Occitanie", kind="other", rnsr="", city="Toulouse")

    output = run(write(csv_bytes(row)))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert (Organisation.objects.count(), existing.city) == (1, "Toulouse")


def test_import_another_establishment_of_a_company_is_another_organisation(write):
    OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=OTHER_SIRET)

    output = run(write(csv_bytes(company_row(poles=""))))

    assert output == ["imported 1, updated 0, rejected 0"]
    assert set(Organisation.objects.values_list("siret", flat=True)) == {SIRET, OTHER_SIRET}


def test_import_empty_cells_keep_the_current_values(write):
    existing = OrganisationFactory(
        name="Nouvelle Robotique",
        siren=SIREN,
        siret=SIRET,
        city="Lyon",
        headcount=40,
        description="Déjà décrite.",
    )
    row = dict.fromkeys(imports.COLUMNS, "")
    row.update(name="Nouvelle Robotique", kind="company", siret=SIRET, employees="45")

    output = run(write(csv_bytes(row)))

    existing.refresh_from_db()
    assert output == ["imported 0, updated 1, rejected 0"]
    assert (existing.city, existing.headcount, existing.description) == (
        "Lyon",
        45,
        "Déjà décrite.",
    )


def test_import_adds_competences_without_removing_any(write, competences):
    existing = OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=SIRET)
    existing.competences.add(competences["cybersecurite"])

    output = run(write(csv_bytes(company_row(poles="", competences="robotique"))))

    assert output == ["imported 0, updated 1, rejected 0"]
    assert sorted(existing.competences.values_list("slug", flat=True)) == [
        "cybersecurite",
        "robotique",
    ]


def test_import_update_leaves_an_audit_entry_naming_the_changed_fields(write):
    existing = OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=SIRET, city="Lyon")
    row = company_row(poles="", competences="")
    row.update(dict.fromkeys(("website", "employees", "turnover_eur"), ""))
    row.update(balance_sheet_eur="", description="", postcode="")

    run(write(csv_bytes(row)))

    entry = AuditEntry.objects.for_object(existing).get(action="organisation.update")
    assert (entry.actor, entry.data["fields"]) == (None, ["city", "region_id"])


# --- Memberships ------------------------------------------------------------------------------


def test_import_creates_active_memberships_in_the_default_college(write, pole, other_pole):
    path = write(csv_bytes(company_row(poles="pole-alpha;pole-beta"), lab_row(poles="pole-beta")))

    run(path)

    memberships = {
        (m.organisation.name, m.pole.slug, m.status, m.college)
        for m in Membership.objects.select_related("organisation", "pole")
    }
    assert memberships == {
        ("Nouvelle Robotique", "pole-alpha", MembershipStatus.ACTIVE, College.SME),
        ("Nouvelle Robotique", "pole-beta", MembershipStatus.ACTIVE, College.SME),
        ("Laboratoire Nouveau", "pole-beta", MembershipStatus.ACTIVE, College.RESEARCH_TRAINING),
    }


def test_import_does_not_change_an_existing_membership(write, pole):
    existing = OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=SIRET)
    MembershipFactory(
        organisation=existing, pole=pole, status=MembershipStatus.PENDING, college=College.OTHER
    )
    row = company_row(poles="pole-alpha")
    path = write(csv_bytes(row))
    run(path)  # brings the organisation's other fields in line with the file

    output = run(path)

    membership = existing.memberships.get()
    assert output == ["imported 0, updated 0, rejected 0"]
    assert (membership.status, membership.college) == (MembershipStatus.PENDING, College.OTHER)


def test_import_adding_a_membership_counts_as_an_update(write, pole, other_pole):
    path = write(csv_bytes(company_row(poles="pole-alpha")))
    run(path)

    output = run(write(csv_bytes(company_row(poles="pole-alpha;pole-beta"))))

    assert output == ["imported 0, updated 1, rejected 0"]
    assert Membership.objects.filter(pole=other_pole, status=MembershipStatus.ACTIVE).count() == 1


def test_import_pole_option_attaches_every_imported_organisation(write, pole, other_pole):
    path = write(csv_bytes(company_row(poles=""), lab_row()))

    output = run(path, "--pole", "pole-beta")

    assert output == ["imported 2, updated 0, rejected 0"]
    assert set(Membership.objects.values_list("organisation__name", "pole__slug")) == {
        ("Nouvelle Robotique", "pole-beta"),
        ("Laboratoire Nouveau", "pole-beta"),
    }


# --- Dry run and audit ------------------------------------------------------------------------


def test_import_dry_run_reports_the_same_counts_and_writes_nothing(write, pole):
    OrganisationFactory(name="Nouvelle Robotique", siren=SIREN, siret=SIRET, city="Lyon")
    path = write(csv_bytes(company_row(), lab_row(), school_row(uai="123")))
    before = snapshot()
    audit_before = AuditEntry.objects.count()

    output = run(path, "--dry-run")

    assert output == [
        "ligne 4 : uai : L'UAI compte 7 chiffres suivis d'une lettre (ex. 0751717J)",
        "simulation : rien n'a été enregistré",
        "imported 1, updated 1, rejected 1",
    ]
    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_before
    assert run(path)[-1] == "imported 1, updated 1, rejected 1"


def test_import_run_leaves_one_audit_entry_with_its_counts(write, pole):
    path = write(csv_bytes(company_row(), lab_row(rnsr="1")))

    run(path)

    entry = AuditEntry.objects.get(action="organisation.import_run")
    assert entry.actor is None
    assert entry.summary == "Import organisations.csv : 1 créées, 0 modifiées, 1 rejetées"
    assert {key: entry.data[key] for key in ("imported", "updated", "rejected")} == {
        "imported": 1,
        "updated": 0,
        "rejected": 1,
    }
    assert entry.data["rejected_lines"] == [3]


# --- Unreadable files -------------------------------------------------------------------------


def _run_from_command_line(capsys, *args):
    """Run the command as `manage.py` does: (exit code, stdout, stderr)."""
    code = 0
    try:
        execute_from_command_line(["manage.py", "import_organisations", *map(str, args)])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"name,kind,siren\nA,company,552100554\n",
            "colonnes manquantes : siret, rnsr, uai, region, city, postcode, website, "
            "employees, turnover_eur, balance_sheet_eur, competences, description, poles",
        ),
        (
            (HEADER + ",remarks\n").encode(),
            "colonnes inconnues : « remarks »",
        ),
        (
            (HEADER + ",name\n").encode(),
            "colonnes en double : name",
        ),
        (
            (HEADER + "\nSociété,company\n").encode("latin-1"),
            "le fichier n'est pas encodé en UTF-8 (ligne 2) : "
            "enregistrez-le au format « CSV UTF-8 »",
        ),
        (
            b"PK\x03\x04rest-of-a-workbook",
            "le fichier est un classeur (XLSX ou ODS), pas un CSV : "
            "enregistrez-le au format « CSV UTF-8 »",
        ),
        (b"", "le fichier est vide"),
        (
            (HEADER + '\n"' + "x" * 200_000 + "\n").encode(),
            "ligne 2 illisible : field larger than field limit (131072)",
        ),
    ],
    ids=["missing-columns", "unknown-column", "doubled-column", "latin-1", "xlsx", "empty", "huge"],
)
def test_import_unreadable_file_exits_non_zero_with_one_line(write, capsys, content, message):
    path = write(content)

    code, out, err = _run_from_command_line(capsys, path)

    assert code == 1
    assert err == f"CommandError: {path} : {message}\n"
    assert out == ""
    assert Organisation.objects.count() == 0


def test_import_missing_file_exits_non_zero_with_one_line(tmp_path, capsys):
    path = tmp_path / "absent.csv"

    code, out, err = _run_from_command_line(capsys, path)

    assert (code, out) == (1, "")
    assert err == f"CommandError: fichier introuvable : {path}\n"


def test_import_directory_exits_non_zero_with_one_line(tmp_path, capsys):
    code, _out, err = _run_from_command_line(capsys, tmp_path)

    assert code == 1
    assert err == f"CommandError: lecture impossible de {tmp_path} : Is a directory\n"


def test_import_unknown_pole_option_exits_non_zero(write, capsys):
    path = write(csv_bytes(company_row(poles="")))

    code, _out, err = _run_from_command_line(capsys, path, "--pole", "pole-inconnu")

    assert code == 1
    assert err == "CommandError: pôle inconnu « pole-inconnu »\n"
    assert Organisation.objects.count() == 0


def test_import_with_rejected_rows_still_exits_zero(write, capsys):
    path = write(csv_bytes(company_row(poles=""), lab_row(region="99")))

    code, out, err = _run_from_command_line(capsys, path)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ligne 3 : code de région inconnu « 99 »",
        "imported 1, updated 0, rejected 1",
    ]


# --- The admin page ---------------------------------------------------------------------------

IMPORT_URL = "admin:members_organisation_import"


def _upload(client, content: bytes, **data):
    upload = io.BytesIO(content)
    upload.name = "membres.csv"
    return client.post(reverse(IMPORT_URL), {"file": upload, **data})


def test_admin_import_redirects_anonymous_to_the_admin_login(client):
    url = reverse(IMPORT_URL)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_admin_import_redirects_a_member_who_is_not_staff(client_for, member):
    url = reverse(IMPORT_URL)

    response = client_for(member).get(url)

    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_admin_import_is_forbidden_to_staff_who_animate_no_pole(client_for, outsider):
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])
    with_totp(outsider)

    response = client_for(outsider).get(reverse(IMPORT_URL))

    assert response.status_code == 403


def test_admin_import_offers_an_animator_only_his_poles(client_for, animator, other_pole):
    response = client_for(animator).get(reverse(IMPORT_URL))

    assert response.status_code == 200
    choices = list(response.context["adminform"].form.fields["pole"].choices)
    assert [label for _value, label in choices] == ["Alpha"]
    text = page_text(response)
    assert "Importer des organisations" in text
    assert "Bêta" not in text


def test_admin_import_offers_a_superuser_every_pole_or_none(client_for, admin, pole, other_pole):
    response = client_for(admin).get(reverse(IMPORT_URL))

    assert response.status_code == 200
    choices = list(response.context["adminform"].form.fields["pole"].choices)
    assert [label for _value, label in choices] == [
        "— aucun (seulement les pôles du fichier) —",
        "Alpha",
        "Bêta",
    ]


def test_admin_changelist_links_to_the_import(client_for, animator):
    response = client_for(animator).get(reverse("admin:members_organisation_changelist"))

    assert f'href="{reverse(IMPORT_URL)}"' in response.content.decode()
    assert "Importer un CSV" in page_text(response)


def test_admin_import_as_superuser_shows_the_report(client_for, admin, pole):
    content = csv_bytes(company_row(), lab_row(region="99"), school_row())

    response = _upload(client_for(admin), content)

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.imported, report.updated, report.rejected) == (2, 0, 1)
    text = page_text(response)
    assert "Import terminé" in text
    assert "Organisations créées 2" in text
    assert "Lignes rejetées 1" in text
    assert "3 code de région inconnu « 99 »" in text
    entry = AuditEntry.objects.get(action="organisation.import_run")
    assert (entry.actor, entry.data["source"]) == (admin, "membres.csv")
    assert Organisation.objects.get(name="Nouvelle Robotique").memberships.get().pole == pole


def test_admin_import_dry_run_writes_nothing(client_for, admin, pole):
    response = _upload(client_for(admin), csv_bytes(company_row()), dry_run="on")

    assert "Simulation : rien n'a été enregistré" in page_text(response)
    assert response.context["report"].imported == 1
    assert Organisation.objects.count() == 0
    assert not AuditEntry.objects.filter(action="organisation.import_run").exists()


def test_admin_import_unreadable_file_is_a_form_error(client_for, admin):
    response = _upload(client_for(admin), b"name,kind\nA,company\n")

    assert response.status_code == 200
    assert response.context["report"] is None
    assert "colonnes manquantes : siren, siret" in page_text(response)


def test_admin_import_as_animator_attaches_to_his_pole_and_rejects_other_poles(
    client_for, animator, pole, other_pole
):
    content = csv_bytes(company_row(poles=""), lab_row(poles="pole-beta"), school_row())

    response = _upload(client_for(animator), content, pole=pole.pk)

    report = response.context["report"]
    assert (report.imported, report.updated, report.rejected) == (2, 0, 1)
    assert [(p.line, p.message) for p in report.rejections] == [
        (3, "le pôle « pole-beta » n'est pas l'un de vos pôles")
    ]
    assert set(Membership.objects.values_list("organisation__name", "pole__slug", "status")) == {
        ("Nouvelle Robotique", "pole-alpha", MembershipStatus.ACTIVE),
        ("École Nouvelle", "pole-alpha", MembershipStatus.ACTIVE),
    }


def test_admin_import_animator_must_choose_one_of_his_poles(client_for, animator, pole, other_pole):
    client = client_for(animator)

    without = _upload(client, csv_bytes(company_row(poles="")))
    other = _upload(client, csv_bytes(company_row(poles="")), pole=other_pole.pk)

    assert without.context["adminform"].form.errors["pole"] == ["Ce champ est obligatoire."]
    assert "pole" in other.context["adminform"].form.errors
    assert Organisation.objects.count() == 0


def test_admin_import_animator_cannot_update_an_organisation_outside_his_poles(
    client_for, animator, pole, other_pole
):
    outside = OrganisationFactory(name="Marine Bretonne", siren=SIREN, siret=SIRET)
    MembershipFactory(organisation=outside, pole=other_pole)

    response = _upload(client_for(animator), csv_bytes(company_row(poles="")), pole=pole.pk)

    assert [p.message for p in response.context["report"].rejections] == [
        "« Marine Bretonne » est déjà sur le portail sans adhérer à l'un de vos pôles : "
        "demandez à un administrateur de l'y rattacher"
    ]
    outside.refresh_from_db()
    assert outside.name == "Marine Bretonne"
    assert not outside.memberships.filter(pole=pole).exists()


def test_admin_import_animator_updates_an_organisation_of_his_pole(client_for, animator, pole):
    existing = OrganisationFactory(name="Ancien Nom", siren=SIREN, siret=SIRET)
    MembershipFactory(organisation=existing, pole=pole)

    response = _upload(client_for(animator), csv_bytes(company_row()), pole=pole.pk)

    existing.refresh_from_db()
    assert response.context["report"].updated == 1
    assert existing.name == "Nouvelle Robotique"
    assert AuditEntry.objects.get(action="organisation.update").actor == animator


def test_import_service_refuses_an_animator_without_his_pole(animator, other_pole):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.import_organisations(actor=animator, data=csv_bytes(company_row()), pole=other_pole)
