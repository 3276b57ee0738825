"""Import organisations from a CSV file: the `import_organisations` command and the admin.

The file: UTF-8 (a BOM is accepted), comma-separated (a semicolon-separated file, as a French
Excel saves it, is recognised from its header), with the header `COLUMNS` in any order. `kind`
is one of company, research, training, rto, other; `region` an INSEE code; `competences` and
`poles` hold `;`-separated lists (pôles by slug, competences by slug or exact name).

Rules, in the order they apply to each row:

- Validation: name and kind are required, the other cells may be empty. Identifiers are
  checked by the model (`Organisation.clean`), as are lengths and web addresses; kind, region,
  pôles and figures are checked here. A bad row is reported with its line in the file (the
  header is line 1; a row whose quoted cell spans lines is reported at its first line) and
  every reason found, and is not applied.
- Unknown competences do not reject a row: they are added to the free `keywords` (the file's
  words are kept, not lost), with a warning in the report.
- Matching an existing organisation: by SIRET, then SIREN, then RNSR or UAI, then exact name.
  SIREN and name are not unique, so only candidates whose identifiers do not contradict the
  row's are considered (a company's other establishment, with another SIRET, is another
  organisation); several candidates left means the row is rejected as ambiguous.
- Updating: a non-empty cell replaces the current value, an empty cell keeps it; competences,
  keywords and memberships are only ever added. So an import never erases anything, and a
  second import of the same file changes nothing. A row counts as updated only when something
  really changed.
- Memberships: for every pôle of the row's `poles` cell, plus the pôle the import is run for
  (`pole`), the organisation gets an active membership in its default collège, unless it
  already has one in that pôle, whatever its status (an import never changes a status).
- Pôle animators (staff who are not superusers) import into one of their pôles, which they must
  name; rows naming other pôles, or matching an organisation that is a member of none of their
  pôles, are rejected.
- Each row runs in its own transaction: a bad row never undoes the others. A dry run does the
  same work inside one transaction that is rolled back, so its report is what a real run would
  say, and nothing is written. A real run leaves one audit entry with its counts.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.services import record
from members import identifiers, permissions
from members.models import Competence, Membership, Organisation, OrganisationKind
from members.search import deferred_refresh
from members.services import create_organisation, record_membership, update_organisation
from poles.models import Pole, Region

COLUMNS = (
    "name",
    "kind",
    "siren",
    "siret",
    "rnsr",
    "uai",
    "region",
    "city",
    "postcode",
    "website",
    "employees",
    "turnover_eur",
    "balance_sheet_eur",
    "competences",
    "description",
    "poles",
)
# Columns stored as a model field of another name.
FIELD_BY_COLUMN = {"employees": "headcount"}
COLUMN_BY_FIELD = {"headcount": "employees", "region": "region", "region_id": "region"}
TEXT_COLUMNS = ("name", "city", "postcode", "website", "description")
IDENTIFIER_CLEANERS = {
    "siren": identifiers.clean_siren,
    "siret": identifiers.clean_siret,
    "rnsr": identifiers.clean_rnsr,
    "uai": identifiers.clean_uai,
}
FIGURE_COLUMNS = ("employees", "turnover_eur", "balance_sheet_eur")
# Exports put an apostrophe before a cell starting with one of these, so that a spreadsheet
# does not run it as a formula; imports take that apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"
XLSX_SIGNATURE = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file cannot be imported at all; the one-line message says why, translated."""


class RowRejected(Exception):
    """A row that cannot be applied; `reasons` are translated, one per problem."""

    def __init__(self, *reasons: str):
        super().__init__(" ; ".join(reasons))
        self.reasons = list(reasons)


@dataclass
class RowProblem:
    line: int
    message: str


@dataclass
class ImportReport:
    dry_run: bool = False
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def summary(self) -> str:
        """The fixed English line the command prints last."""
        return f"imported {self.imported}, updated {self.updated}, rejected {self.rejected}"


@dataclass
class ParsedRow:
    line: int
    values: dict  # model field name -> cleaned value; None or "" for an empty cell
    competences: list = field(default_factory=list)
    new_keywords: list = field(default_factory=list)
    poles: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def given(self, name: str):
        """The row's value for a model field, or None when its cell is empty."""
        value = self.values.get(name)
        return None if value in (None, "") else value


@dataclass
class _Context:
    actor: object
    pole: Pole | None
    allowed_poles: dict | None  # slug -> Pole; None when every pôle is allowed
    poles: dict
    competences: dict
    regions: dict  # INSEE code -> Region


# --- Reading the file -------------------------------------------------------------------------


def read_records(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (column names) and the records with their first line in the file.

    Raises ImportFileError when the file is not a readable UTF-8 CSV with the right header.
    """
    if data.startswith(XLSX_SIGNATURE):
        raise ImportFileError(
            _(
                "le fichier est un classeur (XLSX ou ODS), pas un CSV : "
                "enregistrez-le au format « CSV UTF-8 »"
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "le fichier n'est pas encodé en UTF-8 (ligne %(line)d) : "
                "enregistrez-le au format « CSV UTF-8 »"
            )
            % {"line": line}
        ) from None
    if not text.strip():
        raise ImportFileError(_("le fichier est vide"))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header)
        last_line = reader.line_num
        for cells in reader:
            records.append((last_line + 1, cells))
            last_line = reader.line_num
    except csv.Error as exc:
        raise ImportFileError(
            _("ligne %(line)d illisible : %(error)s") % {"line": reader.line_num, "error": exc}
        ) from None
    return header, records


def _check_header(header: list[str]) -> None:
    missing = [column for column in COLUMNS if column not in header]
    unknown = [name for name in header if name not in COLUMNS]
    doubled = sorted({name for name in header if name in COLUMNS and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("colonnes manquantes : %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("colonnes inconnues : %(columns)s")
            % {"columns": ", ".join(f"« {name} »" for name in unknown)}
        )
    if doubled:
        problems.append(_("colonnes en double : %(columns)s") % {"columns": ", ".join(doubled)})
    if problems:
        raise ImportFileError(" ; ".join(problems))


# --- Parsing a row ----------------------------------------------------------------------------


def _cell(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        value = value[1:]
    return value


def _split(value: str) -> list[str]:
    """The distinct non-empty items of a `;`-separated cell, in order."""
    items = []
    for item in value.split(LIST_SEPARATOR):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def _integer(value: str) -> int | None:
    compact = re.sub(r"[\s\u202f\xa0]", "", value)
    return int(compact) if re.fullmatch(r"-?\d+", compact) else None


def parse_row(line: int, cells: dict, context: _Context) -> ParsedRow:
    """Check one row's cells (no database write); raises RowRejected with every reason."""
    reasons = []
    row = ParsedRow(line=line, values={})
    for column in TEXT_COLUMNS:
        row.values[column] = cells[column]
    # PostgreSQL refuses NUL in text (even in a lookup): say so rather than fail on it.
    reasons += [
        _("%(column)s : caractère nul (0x00) interdit") % {"column": column}
        for column in COLUMNS
        if "\x00" in cells[column]
    ]

    if not cells["name"]:
        reasons.append(_("nom manquant"))

    kinds = ", ".join(OrganisationKind.values)
    kind = cells["kind"].lower()
    if not kind:
        reasons.append(_("type manquant (attendu : %(kinds)s)") % {"kinds": kinds})
    elif kind not in OrganisationKind.values:
        reasons.append(
            _("type inconnu « %(value)s » (attendu : %(kinds)s)")
            % {"value": cells["kind"], "kinds": kinds}
        )
    row.values["kind"] = kind

    for column, cleaner in IDENTIFIER_CLEANERS.items():
        value = cells[column]
        if value:
            try:
                value = cleaner(value)
            except identifiers.IdentifierError as exc:
                reasons.append(f"{column} : {_(str(exc))}")
        row.values[column] = value

    region = cells["region"]
    if region.isdigit() and len(region) == 1:
        region = f"0{region}"  # a spreadsheet turned "01" into 1
    if region and region not in context.regions:
        reasons.append(_("code de région inconnu « %(value)s »") % {"value": cells["region"]})
    row.values["region_id"] = region or None

    for column in FIGURE_COLUMNS:
        value = cells[column]
        number = _integer(value) if value else None
        if value and number is None:
            reasons.append(
                _("%(column)s : « %(value)s » n'est pas un nombre entier")
                % {"column": column, "value": value}
            )
        row.values[FIELD_BY_COLUMN.get(column, column)] = number

    website = row.values["website"]
    if website and "://" not in website:
        row.values["website"] = f"https://{website}"

    for term in _split(cells["competences"]):
        competence = context.competences.get(term)
        if competence is None:
            row.new_keywords.append(term)
            row.warnings.append(
                _("compétence inconnue « %(value)s » : gardée dans les mots-clés") % {"value": term}
            )
        elif competence not in row.competences:
            row.competences.append(competence)

    for slug in _split(cells["poles"]):
        pole = context.poles.get(slug)
        if pole is None:
            reasons.append(_("pôle inconnu « %(value)s »") % {"value": slug})
        elif context.allowed_poles is not None and slug not in context.allowed_poles:
            reasons.append(_("le pôle « %(value)s » n'est pas l'un de vos pôles") % {"value": slug})
        else:
            row.poles.append(pole)
    if context.pole is not None and context.pole not in row.poles:
        row.poles.append(context.pole)

    if reasons:
        raise RowRejected(*reasons)
    return row


# --- Matching and applying a row --------------------------------------------------------------


def _siren_of(row: ParsedRow) -> str:
    return row.given("siren") or (row.given("siret") or "")[:9]


def _compatible(organisation: Organisation, row: ParsedRow) -> bool:
    """Whether no identifier of the row contradicts one of the organisation's."""
    theirs = {
        "siren": organisation.siren,
        "siret": organisation.siret,
        "rnsr": organisation.rnsr,
        "uai": organisation.uai,
    }
    ours = {**{name: row.given(name) for name in theirs}, "siren": _siren_of(row)}
    return all(not ours[name] or not theirs[name] or ours[name] == theirs[name] for name in ours)


def _pick(candidates: list, row: ParsedRow) -> list:
    """Narrow several candidates to those sharing an RNSR, UAI or the exact name of the row."""
    for name in ("rnsr", "uai", "name"):
        value = row.given(name)
        narrowed = [c for c in candidates if value and getattr(c, name) == value]
        if len(narrowed) == 1:
            return narrowed
    return candidates


def match_organisation(row: ParsedRow) -> Organisation | None:
    """The organisation a row describes: by SIRET, SIREN, RNSR or UAI, then exact name."""
    siret = row.given("siret")
    if siret:
        found = Organisation.objects.filter(siret=siret).first()
        if found is not None:
            return found
    siren = _siren_of(row)
    if siren:
        candidates = _pick(
            [o for o in Organisation.objects.filter(siren=siren) if _compatible(o, row)], row
        )
        if len(candidates) > 1:
            raise RowRejected(
                _(
                    "plusieurs organisations ont le SIREN %(siren)s : "
                    "indiquez le SIRET de celle à mettre à jour"
                )
                % {"siren": siren}
            )
        if candidates:
            return candidates[0]
    for name in ("rnsr", "uai"):
        value = row.given(name)
        if value:
            found = Organisation.objects.filter(**{name: value}).first()
            if found is not None:
                return found
    candidates = [
        o for o in Organisation.objects.filter(name=row.values["name"]) if _compatible(o, row)
    ]
    if len(candidates) > 1:
        raise RowRejected(
            _(
                "plusieurs organisations s'appellent « %(name)s » : "
                "indiquez un identifiant (SIRET, SIREN, RNSR ou UAI)"
            )
            % {"name": row.values["name"]}
        )
    return candidates[0] if candidates else None


def _check_identifiers_free(row: ParsedRow, organisation: Organisation | None) -> None:
    """SIRET, RNSR and UAI are unique: say so plainly rather than as a constraint name."""
    labels = {"siret": "SIRET", "rnsr": "RNSR", "uai": "UAI"}
    reasons = []
    for name, label in labels.items():
        value = row.given(name)
        if not value:
            continue
        others = Organisation.objects.filter(**{name: value})
        if organisation is not None:
            others = others.exclude(pk=organisation.pk)
        if others.exists():
            reasons.append(
                _("le %(label)s %(value)s est déjà celui d'une autre organisation")
                % {"label": label, "value": value}
            )
    if reasons:
        raise RowRejected(*reasons)


def _reasons_from(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    reasons = []
    for name, messages in error.message_dict.items():
        for message in messages:
            if name == "__all__":
                reasons.append(message)
            else:
                reasons.append(f"{COLUMN_BY_FIELD.get(name, name)} : {message}")
    return reasons


def _joined(reasons: list[str]) -> str:
    """One line for the report: the reasons without their final full stops, `;`-separated."""
    return " ; ".join(str(reason).rstrip(" .") for reason in reasons)


def _same(old, new) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new.replace("\r\n", "\n").strip()
    return old == new


def _merged_keywords(current: str, terms: list[str]) -> str:
    words = [word.strip() for word in current.split(",") if word.strip()]
    known = {word.casefold() for word in words}
    added = [term for term in terms if term.casefold() not in known]
    return ", ".join(words + added) if added else current


def _add_memberships(row: ParsedRow, organisation: Organisation, context: _Context) -> int:
    """Active memberships for the row's pôles the organisation has none in; how many added."""
    existing = set(
        Membership.objects.filter(organisation=organisation).values_list("pole_id", flat=True)
    )
    added = 0
    for pole in row.poles:
        if pole.pk in existing:
            continue
        membership = record_membership(actor=context.actor, organisation=organisation, pole=pole)
        record(
            actor=context.actor,
            action="membership.import",
            target=membership,
            summary=f"{organisation} : adhésion à {pole} enregistrée par import",
            pole=pole.slug,
            line=row.line,
        )
        added += 1
    return added


def apply_row(row: ParsedRow, context: _Context) -> str:
    """Create or update the row's organisation; "created", "updated" or "unchanged"."""
    organisation = match_organisation(row)
    if (
        organisation is not None
        and context.allowed_poles is not None
        and not organisation.memberships.filter(pole__slug__in=list(context.allowed_poles)).exists()
    ):
        raise RowRejected(
            _(
                "« %(name)s » est déjà sur le portail sans adhérer à l'un de vos pôles : "
                "demandez à un administrateur de l'y rattacher"
            )
            % {"name": organisation.name}
        )
    _check_identifiers_free(row, organisation)

    if organisation is None:
        fields = {name: value for name, value in row.values.items() if value not in (None, "")}
        if row.new_keywords:
            fields["keywords"] = _merged_keywords("", row.new_keywords)
        organisation = create_organisation(
            actor=context.actor, competences=row.competences, **fields
        )
        record(
            actor=context.actor,
            action="organisation.import",
            target=organisation,
            summary=f"{organisation} : fiche créée par import",
            line=row.line,
        )
        _add_memberships(row, organisation, context)
        return "created"

    changes = {}
    for name, value in row.values.items():
        if value in (None, ""):
            continue  # an empty cell keeps the current value
        if not _same(getattr(organisation, name), value):
            if name == "region_id":
                changes["region"] = context.regions[value]
            else:
                changes[name] = value
    keywords = _merged_keywords(organisation.keywords, row.new_keywords)
    if keywords != organisation.keywords:
        changes["keywords"] = keywords
    current = set(organisation.competences.all())
    competences = None
    if not set(row.competences) <= current:
        competences = [*current, *(c for c in row.competences if c not in current)]
    if changes or competences is not None:
        update_organisation(
            actor=context.actor, organisation=organisation, competences=competences, **changes
        )
    added = _add_memberships(row, organisation, context)
    return "updated" if changes or competences is not None or added else "unchanged"


# --- The import -------------------------------------------------------------------------------


def _context(actor, pole: Pole | None) -> _Context:
    allowed = None
    if actor is not None and not actor.is_superuser:
        if not permissions.admin_can_manage_members(actor):
            raise PermissionDenied(_("Vous ne pouvez pas importer d'organisations."))
        allowed = {p.slug: p for p in permissions.staff_poles(actor)}
        if pole is None or pole.slug not in allowed:
            raise PermissionDenied(
                _("Choisissez l'un de vos pôles : les organisations importées y seront rattachées.")
            )
    competences = {}
    for competence in Competence.objects.all():
        competences[competence.name] = competence
        competences[competence.slug] = competence
    return _Context(
        actor=actor,
        pole=pole,
        allowed_poles=allowed,
        poles={p.slug: p for p in Pole.objects.all()},
        competences=competences,
        regions={region.code: region for region in Region.objects.all()},
    )


def _run(header, records, context: _Context, report: ImportReport) -> None:
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            report.rejections.append(
                RowProblem(
                    line,
                    _("la ligne compte %(found)d cellules au lieu de %(expected)d")
                    % {"found": len(cells), "expected": len(header)},
                )
            )
            continue
        try:
            cells_by_column = {n: _cell(c) for n, c in zip(header, cells, strict=True)}
            row = parse_row(line, cells_by_column, context)
            with transaction.atomic():
                outcome = apply_row(row, context)
        except RowRejected as exc:
            report.rejections.append(RowProblem(line, _joined(exc.reasons)))
            continue
        except ValidationError as exc:
            report.rejections.append(RowProblem(line, _joined(_reasons_from(exc))))
            continue
        except IntegrityError:
            report.rejections.append(
                RowProblem(line, _("conflit avec une organisation enregistrée en même temps"))
            )
            continue
        report.warnings.extend(RowProblem(line, warning) for warning in row.warnings)
        if outcome == "created":
            report.imported += 1
        elif outcome == "updated":
            report.updated += 1
        else:
            report.unchanged += 1


def import_organisations(
    *, actor, data: bytes, pole: Pole | None = None, dry_run: bool = False, source: str = ""
) -> ImportReport:
    """Import the organisations of a CSV file (see the module's docstring for the rules).

    `actor` is None for the command; a pôle animator must give one of his pôles as `pole`
    (PermissionDenied otherwise). Raises ImportFileError, before writing anything, when the
    file cannot be read. Side effects: organisations created or updated and memberships
    added through members.services, an audit entry per created organisation and membership,
    and one for the run with its counts (none for a dry run).
    """
    context = _context(actor, pole)
    header, records = read_records(data)
    report = ImportReport(dry_run=dry_run)
    if dry_run:
        with transaction.atomic():
            _run(header, records, context, report)
            transaction.set_rollback(True)
        return report
    # Search data is refreshed once for every organisation written, after the last row.
    with deferred_refresh():
        _run(header, records, context, report)
    with transaction.atomic():
        record(
            actor=actor,
            action="organisation.import_run",
            target=ContentType.objects.get_for_model(Organisation),
            summary=(
                f"Import {source or 'CSV'} : {report.imported} créées, "
                f"{report.updated} modifiées, {report.rejected} rejetées"
            )[:255],
            source=source,
            pole=pole.slug if pole else "",
            imported=report.imported,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            rejected_lines=[problem.line for problem in report.rejections],
        )
    return report
