"""Open data: the directory's public fields and the funded projects, as CSV and JSON.

Two files, each in both formats, computed live from the database (no cache, no nightly job):

- `organisations`: published organisations only, and only what their public page shows to
  anyone (identity, place, website, size category, competences, pôles of active membership).
  Never the contact e-mail, the phone, the people, the figures behind the size category, nor
  an unpublished organisation.
- `projets-finances`: projects funded by a released decision (`projects.outcomes`), with
  their call, year of funding, labelling pôles, partners and aid per partner and funder.

Each file is described by `DATASETS` (field name → description), which the documentation
page lists. Rows are produced by generators over querysets whose related rows are prefetched
by chunks, so that a file costs a fixed number of queries whatever its number of rows.
Licence: Licence Ouverte / Open Licence 2.0 (Etalab).
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.imports import FORMULA_STARTS
from members.models import Competence, Organisation
from projects import outcomes

LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CHUNK_SIZE = 500
LIST_SEPARATOR = " ; "
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    fields: tuple  # ((name, description), …)

    @property
    def field_names(self) -> list[str]:
        return [name for name, _description in self.fields]


ORGANISATIONS = Dataset(
    slug="organisations",
    title=_("Organisations de l'annuaire"),
    description=_(
        "Les organisations publiées dans l'annuaire (entreprises, laboratoires, établissements "
        "de formation…), avec leurs champs publics. Les coordonnées des personnes, les "
        "e-mails et téléphones de contact et les organisations non publiées n'y figurent pas."
    ),
    fields=(
        ("nom", _("Nom de l'organisation.")),
        (
            "type",
            _(
                "Type : company (entreprise), research (recherche publique), training "
                "(formation), rto (IRT / ITE), other (autre)."
            ),
        ),  # fmt: skip
        ("siren", _("SIREN (9 chiffres), vide si inconnu.")),
        ("siret", _("SIRET du siège ou de l'établissement (14 chiffres), vide si inconnu.")),
        ("ville", _("Ville.")),
        ("code_postal", _("Code postal.")),
        ("region_code", _("Code INSEE de la région.")),
        ("region", _("Nom de la région.")),
        ("site_web", _("Site web.")),
        (
            "categorie_entreprise",
            _(
                "Pour une entreprise : micro, pme, eti ou ge "
                "(catégorie d'entreprise au sens de l'INSEE)."
            ),
        ),  # fmt: skip
        ("competences", _("Compétences, séparées par « ; ».")),
        (
            "poles",
            _(
                "Pôles dont l'organisation est membre (adhésion active), noms courts "
                "séparés par « ; »."
            ),
        ),  # fmt: skip
        ("url_annuaire", _("Adresse de la fiche de l'organisation dans l'annuaire.")),
    ),
)

FUNDED_PROJECTS = Dataset(
    slug="projets-finances",
    title=_("Projets financés"),
    description=_(
        "Les projets collaboratifs financés après décision communiquée des financeurs : appel, "
        "pôles labellisateurs, partenaires et aide accordée à chacun par chaque financeur. "
        "Ni le résumé, ni le budget, ni les évaluations des projets n'y figurent."
    ),
    fields=(
        ("acronyme", _("Acronyme du projet.")),
        ("titre", _("Titre du projet.")),
        ("appel", _("Appel à projets qui l'a financé.")),
        ("annee", _("Année de la décision de financement.")),
        ("poles", _("Pôles qui l'ont labellisé, séparés par « ; ».")),
        ("partenaires", _("Partenaires (le coordinateur en premier), séparés par « ; ».")),
        ("aide_totale_eur", _("Aide totale accordée, en euros.")),
        (
            "aides",
            _(
                "Aide par partenaire et par financeur. CSV : « partenaire | financeur | "
                "montant en euros », séparés par « ; ». JSON : liste d'objets partenaire, "
                "siren, financeur, montant_eur."
            ),
        ),  # fmt: skip
        ("url", _("Adresse de la fiche publique du projet.")),
    ),
)

DATASETS = (ORGANISATIONS, FUNDED_PROJECTS)


def _join(values) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values if value)


# --- organisations ------------------------------------------------------------------------


def published_organisations():
    """Published organisations with what the file reads, prefetched."""
    return (
        Organisation.objects.public()
        .select_related("region")
        .prefetch_related(
            Prefetch("competences", queryset=Competence.objects.order_by("name")),
            outcomes.active_pole_memberships(),
        )
        .order_by("sort_name", "pk")
    )


def organisation_rows(base_url: str) -> Iterator[dict]:
    for organisation in published_organisations().iterator(chunk_size=CHUNK_SIZE):
        yield {
            "nom": organisation.name,
            "type": organisation.kind,
            "siren": organisation.siren,
            "siret": organisation.siret,
            "ville": organisation.city,
            "code_postal": organisation.postcode,
            "region_code": organisation.region.code if organisation.region_id else "",
            "region": organisation.region.name if organisation.region_id else "",
            "site_web": organisation.website,
            "categorie_entreprise": organisation.size_category,
            "competences": [competence.name for competence in organisation.competences.all()],
            "poles": [
                membership.pole.short_name or membership.pole.name
                for membership in organisation.memberships_active
            ],
            "url_annuaire": base_url + organisation.get_absolute_url(),
        }


# --- funded projects ----------------------------------------------------------------------


def funded_project_rows(base_url: str) -> Iterator[dict]:
    projects = outcomes.with_public_record(outcomes.funded_projects())
    for project in projects.iterator(chunk_size=CHUNK_SIZE):
        record = outcomes.public_record(project)
        yield {
            "acronyme": project.acronym,
            "titre": project.title,
            "appel": record.call.title if record.call else "",
            "annee": record.year,
            "poles": [pole.short_name or pole.name for pole in record.poles],
            "partenaires": [partner.organisation.name for partner in record.partners],
            "aide_totale_eur": record.total_aid_eur,
            "aides": [
                {
                    "partenaire": partner.organisation.name,
                    "siren": partner.organisation.siren,
                    "financeur": funder.name,
                    "montant_eur": amount,
                }
                for partner in record.partners
                for funder, amount in partner.by_funder
            ],
            "url": base_url + reverse("funded:detail", args=[project.pk]),
        }


ROWS = {ORGANISATIONS.slug: organisation_rows, FUNDED_PROJECTS.slug: funded_project_rows}


# --- formats --------------------------------------------------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return LIST_SEPARATOR.join(
                f"{aid['partenaire']} | {aid['financeur']} | {aid['montant_eur']}" for aid in value
            )
        value = _join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A spreadsheet would run it as a formula (names are typed by members): an apostrophe
        # keeps it text. The JSON files carry the values unchanged.
        return "'" + value
    return str(value)


class _Echo:
    """A file-like object whose `write` returns the line, for streaming with csv.writer."""

    def write(self, value):
        return value


def csv_lines(dataset: Dataset, rows) -> Iterator[str]:
    """The header, then one line per row (UTF-8 text, comma-separated, RFC 4180 quoting)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(dataset.field_names)
    for row in rows:
        yield writer.writerow([_csv_value(row[name]) for name in dataset.field_names])


def json_document(dataset: Dataset, rows, *, source: str) -> dict:
    return {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": LICENCE,
        "source": source,
        "results": list(rows),
    }
