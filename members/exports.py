"""Export organisations to CSV and XLSX, with the columns of the import (members.imports).

A CSV export re-imports cleanly: same header, competences by slug, the pôles where the
organisation is an active member by slug. Only the pôles given (an animator's) are listed, so
that an animator's export re-imports under his own rights. The CSV is UTF-8 with a BOM (what a
spreadsheet needs to read the accents); a text cell that a spreadsheet would run as a formula
gets an apostrophe in front, which the import takes off again. The XLSX (openpyxl) stores such
cells as plain text, and figures as numbers.
"""

import csv
import io

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from members.imports import COLUMNS, FORMULA_STARTS, LIST_SEPARATOR
from members.models import Competence, Membership, MembershipStatus

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_COLUMNS = ("employees", "turnover_eur", "balance_sheet_eur")
XLSX_WIDTHS = {"name": 40, "description": 60, "competences": 40, "poles": 30, "website": 30}


def organisations_for_export(queryset, *, poles=None):
    """`queryset` with what the export reads prefetched (a fixed number of queries).

    `poles`: the pôles whose memberships are listed; None for all of them.
    """
    memberships = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .select_related("pole")
        .order_by("pole__slug")
    )
    if poles is not None:
        memberships = memberships.filter(pole__in=poles)
    return queryset.prefetch_related(
        Prefetch("competences", queryset=Competence.objects.order_by("slug")),
        Prefetch("memberships", queryset=memberships, to_attr="exported_memberships"),
    ).order_by("name", "pk")


def organisation_row(organisation) -> dict:
    """One organisation as the import's columns; figures as int or None."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "siren": organisation.siren,
        "siret": organisation.siret,
        "rnsr": organisation.rnsr,
        "uai": organisation.uai,
        "region": organisation.region_id or "",
        "city": organisation.city,
        "postcode": organisation.postcode,
        "website": organisation.website,
        "employees": organisation.headcount,
        "turnover_eur": organisation.turnover_eur,
        "balance_sheet_eur": organisation.balance_sheet_eur,
        "competences": LIST_SEPARATOR.join(c.slug for c in organisation.competences.all()),
        "description": organisation.description,
        "poles": LIST_SEPARATOR.join(m.pole.slug for m in organisation.exported_memberships),
    }


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return str(value)


def write_csv(queryset, stream, *, poles=None) -> None:
    """Write the organisations of `queryset` as CSV to the text `stream`."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for organisation in organisations_for_export(queryset, poles=poles):
        row = organisation_row(organisation)
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])


def csv_bytes(queryset, *, poles=None) -> bytes:
    stream = io.StringIO(newline="")
    write_csv(queryset, stream, poles=poles)
    return stream.getvalue().encode("utf-8-sig")


def xlsx_bytes(queryset, *, poles=None, title: str = "Organisations") -> bytes:
    """The organisations of `queryset` as an XLSX workbook of one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for organisation in organisations_for_export(queryset, poles=poles):
        row = organisation_row(organisation)
        values = []
        for column in COLUMNS:
            value = row[column]
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            values.append(value)
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even when it starts with "="
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = XLSX_WIDTHS.get(column, 16)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
