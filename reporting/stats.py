"""The dashboards' figures: read-only selectors aggregated in the database, a few queries each.

`Dashboard(pole=…, start=…, end=…)` computes the figures of one pôle (its members, the
projects that asked for its label, its events) or, without a pôle, of the whole network;
each figure is a `reporting.charts.Chart`, built on demand (`chart(slug)`) so that a CSV
download runs only the queries of its own chart. The page's queries do not depend on the
amount of data: each chart is one or two GROUP BY queries.

Definitions (the same for a pôle and the network):
- members: organisations with an active membership (of the pôle; of any pôle), counted once;
  the size category exists for companies only;
- new memberships per year: active or lapsed memberships, by the year of their start date,
  or of the decision when the start date is missing (an organisation joining two pôles makes
  two memberships in the network);
- a pôle's projects: those that asked for its label (any outcome); the network's: all;
- labelled: label requests granted, by year of the committee; submitted: a project's first
  dossier version (version 1), by year of submission; funded: released « financé » decisions
  of a funder, by year of release, each project counted once a year; aid obtained: the aid of
  those decisions; follow-on funding: of each funded project's latest outcome report, by the
  year of that report;
- events: published events not cancelled, by year of start; registrations: confirmed seats;
  present: confirmed and checked in;
- outcomes: the latest outcome report of each funded project, summed;
- the chain: confirmed registrations to events, projects born at one of those events
  (`Project.origin_event`), of which labelled (by any pôle), funded, with an outcome report.

The year range (`start`, `end`, inclusive) applies to the per-year charts and to the chain
(by the year of the event); the members' breakdowns and the projects by status are as of
today.
"""

from collections import defaultdict
from functools import cached_property

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from funding.models import Decision, DecisionAid, DecisionOutcome, DossierVersion
from members.models import (
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    SizeCategory,
)
from poles.models import Event, Pole, Registration, RegistrationStatus
from poles.services import REGIONS
from projects.models import LabelRequest, LabelStatus, OutcomeReport, Project, ProjectStatus
from reporting.charts import Chart, Row, Series

CHARTS = (
    "membres-par-type",
    "membres-par-taille",
    "membres-par-region",
    "nouvelles-adhesions",
    "projets-par-statut",
    "projets-par-an",
    "aides-par-an",
    "retombees",
    "evenements-par-an",
    "parcours",
)

# Metropolitan regions first (north to south), then overseas: the map's and the table's order.
REGION_ORDER = (
    "32", "28", "11", "44", "53", "52", "24", "27", "75", "84", "76", "93", "94",
    "01", "02", "03", "04", "06",
)  # fmt: skip
NO_REGION = "--"


class UnknownChart(KeyError):
    """No chart of that name."""


class Dashboard:
    def __init__(self, *, pole: Pole | None = None, start: int | None = None, end=None):
        self.pole, self.start, self.end = pole, start, end

    # --- scoping --------------------------------------------------------------------------

    def _years(self, queryset, year_field: str):
        if self.start is not None:
            queryset = queryset.filter(**{f"{year_field}__gte": self.start})
        if self.end is not None:
            queryset = queryset.filter(**{f"{year_field}__lte": self.end})
        return queryset

    def _projects(self):
        """The projects counted: the network's, or those that asked for the pôle's label."""
        projects = Project.objects.all()
        if self.pole is not None:
            projects = projects.filter(label_requests__pole=self.pole)
        return projects

    def _funded_projects(self):
        return self._projects().filter(
            pk__in=Decision.objects.filter(
                outcome=DecisionOutcome.FUNDED, released_at__isnull=False
            ).values("project_id")
        )

    def _per_year_rows(self, by_year: dict[int, tuple[int, ...]], width: int):
        """One row per year from the first to the last with figures (gaps as zeros)."""
        years = [year for year in by_year if year is not None]
        if not years:
            return ()
        return tuple(
            Row(str(year), str(year), by_year.get(year, (0,) * width))
            for year in range(min(years), max(years) + 1)
        )

    def _scope_text(self) -> str:
        if self.pole is not None:
            return _("Pôle %(pole)s.") % {"pole": self.pole}
        return _("Ensemble du réseau des pôles.")

    # --- the charts -----------------------------------------------------------------------

    def chart(self, slug: str) -> Chart:
        if slug not in CHARTS:
            raise UnknownChart(slug)
        return getattr(self, slug.replace("-", "_"))()

    def charts(self) -> list[Chart]:
        return [self.chart(slug) for slug in CHARTS]

    @cached_property
    def _members(self) -> list[dict]:
        """Organisations with an active membership by (kind, size, region): one query."""
        memberships = Membership.objects.filter(status=MembershipStatus.ACTIVE)
        if self.pole is not None:
            memberships = memberships.filter(pole=self.pole)
        return list(
            Organisation.objects.filter(pk__in=memberships.values("organisation_id"))
            .values("kind", "size_category", "region_id")
            .annotate(count=Count("pk"))
            .order_by()
        )

    def _members_by(self, key: str) -> dict:
        totals: dict = defaultdict(int)
        for group in self._members:
            totals[group[key]] += group["count"]
        return totals

    def membres_par_type(self) -> Chart:
        counts = self._members_by("kind")
        return Chart(
            slug="membres-par-type",
            title=_("Organisations membres par type"),
            description=_("Organisations ayant une adhésion active, par type.")
            + " "
            + self._scope_text(),
            category=_("Type d'organisation"),
            series=(Series("organisations", _("Organisations")),),
            rows=tuple(
                Row(kind.value, str(kind.label), (counts.get(kind.value, 0),))
                for kind in OrganisationKind
            ),
            with_codes=True,
        )

    def membres_par_taille(self) -> Chart:
        counts = {
            size: count
            for (kind, size), count in self._members_by_kind_and_size().items()
            if kind == OrganisationKind.COMPANY
        }
        rows = [
            Row(size.value, str(size.label), (counts.get(size.value, 0),)) for size in SizeCategory
        ]
        rows.append(Row("inconnue", _("Taille non renseignée"), (counts.get("", 0),)))
        return Chart(
            slug="membres-par-taille",
            title=_("Entreprises membres par catégorie de taille"),
            description=_(
                "Entreprises ayant une adhésion active, par catégorie (décret 2008-1354)."
            )
            + " "
            + self._scope_text(),
            category=_("Catégorie d'entreprise"),
            series=(Series("entreprises", _("Entreprises")),),
            rows=tuple(rows),
            with_codes=True,
        )

    def _members_by_kind_and_size(self) -> dict:
        totals: dict = defaultdict(int)
        for group in self._members:
            totals[(group["kind"], group["size_category"])] += group["count"]
        return totals

    def membres_par_region(self) -> Chart:
        counts = self._members_by("region_id")
        rows = [Row(code, REGIONS[code], (counts.get(code, 0),)) for code in REGION_ORDER]
        if counts.get(None):
            rows.append(Row(NO_REGION, _("Région non renseignée"), (counts[None],)))
        return Chart(
            slug="membres-par-region",
            title=_("Organisations membres par région"),
            description=_(
                "Carte des régions, plus foncées là où les organisations membres sont nombreuses."
            )
            + " "
            + self._scope_text(),
            category=_("Région"),
            series=(Series("organisations", _("Organisations")),),
            rows=tuple(rows),
            kind="map",
            with_codes=True,
        )

    def nouvelles_adhesions(self) -> Chart:
        memberships = Membership.objects.filter(
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.LAPSED]
        ).annotate(year=Coalesce(ExtractYear("start_date"), ExtractYear("decided_at")))
        if self.pole is not None:
            memberships = memberships.filter(pole=self.pole)
        memberships = self._years(memberships.filter(year__isnull=False), "year")
        by_year = {
            row["year"]: (row["count"],)
            for row in memberships.values("year").annotate(count=Count("pk")).order_by()
        }
        return Chart(
            slug="nouvelles-adhesions",
            title=_("Nouvelles adhésions par an"),
            description=_("Adhésions actives ou échues, par année de début.")
            + " "
            + self._scope_text(),
            category=_("Année"),
            series=(Series("adhesions", _("Adhésions")),),
            rows=self._per_year_rows(by_year, 1),
        )

    def projets_par_statut(self) -> Chart:
        counts = {
            row["status"]: row["count"]
            for row in self._projects().values("status").annotate(count=Count("pk")).order_by()
        }
        if self.pole is not None:
            description = _("Projets ayant demandé le label du pôle, par statut.")
        else:
            description = _("Projets collaboratifs montés sur le portail, par statut.")
        return Chart(
            slug="projets-par-statut",
            title=_("Projets par statut"),
            description=description + " " + self._scope_text(),
            category=_("Statut"),
            series=(Series("projets", _("Projets")),),
            rows=tuple(
                Row(status.value, str(status.label), (counts.get(status.value, 0),))
                for status in ProjectStatus
            ),
            with_codes=True,
        )

    def projets_par_an(self) -> Chart:
        labels = LabelRequest.objects.filter(status=LabelStatus.LABELLED)
        if self.pole is not None:
            labels = labels.filter(pole=self.pole)
        labels = self._years(labels.annotate(year=ExtractYear("committee_date")), "year")
        labelled = {
            row["year"]: row["count"]
            for row in labels.values("year")
            .annotate(count=Count("project_id", distinct=True))
            .order_by()
        }
        dossiers = self._years(
            DossierVersion.objects.filter(number=1, project__in=self._projects()).annotate(
                year=ExtractYear("submitted_at")
            ),
            "year",
        )
        submitted = {
            row["year"]: row["count"]
            for row in dossiers.values("year").annotate(count=Count("project_id")).order_by()
        }
        funded = {year: count for year, (count, _aid) in self._funding_by_year.items()}
        years = set(labelled) | set(submitted) | set(funded)
        by_year = {
            year: (labelled.get(year, 0), submitted.get(year, 0), funded.get(year, 0))
            for year in years
        }
        return Chart(
            slug="projets-par-an",
            title=_("Projets labellisés, déposés et financés par an"),
            description=_(
                "Labellisés : par année du comité ; déposés : première version du dossier ; "
                "financés : décisions de financement communiquées."
            )
            + " "
            + self._scope_text(),
            category=_("Année"),
            series=(
                Series("labellises", _("Labellisés")),
                Series("deposes", _("Déposés")),
                Series("finances", pgettext("projets", "Financés")),
            ),
            rows=self._per_year_rows(by_year, 3),
        )

    @cached_property
    def _funding_by_year(self) -> dict[int, tuple[int, int]]:
        """{year of release: (funded projects, aid in euros)}: two queries."""
        decisions = Decision.objects.filter(
            outcome=DecisionOutcome.FUNDED,
            released_at__isnull=False,
            project__in=self._projects(),
        ).annotate(year=ExtractYear("released_at"))
        decisions = self._years(decisions, "year")
        projects = {
            row["year"]: row["count"]
            for row in decisions.values("year")
            .annotate(count=Count("project_id", distinct=True))
            .order_by()
        }
        aids = self._years(
            DecisionAid.objects.filter(decision__in=decisions.values("pk")).annotate(
                year=ExtractYear("decision__released_at")
            ),
            "year",
        )
        amounts = {
            row["year"]: row["total"]
            for row in aids.values("year").annotate(total=Sum("amount_eur")).order_by()
        }
        return {
            year: (projects.get(year, 0), int(amounts.get(year) or 0))
            for year in set(projects) | set(amounts)
        }

    def _latest_outcomes(self):
        """The latest outcome report of each funded project counted."""
        latest = OutcomeReport.objects.filter(project=OuterRef("project")).order_by("-as_of", "-pk")
        return OutcomeReport.objects.filter(
            pk=Subquery(latest.values("pk")[:1]),
            project__in=self._funded_projects().values("pk"),
        )

    def aides_par_an(self) -> Chart:
        aid = {year: amount for year, (_count, amount) in self._funding_by_year.items()}
        reports = self._years(self._latest_outcomes().annotate(year=ExtractYear("as_of")), "year")
        follow_on = {
            row["year"]: int(row["total"] or 0)
            for row in reports.values("year")
            .annotate(total=Sum("follow_on_funding_eur"))
            .order_by()
        }
        by_year = {
            year: (aid.get(year, 0), follow_on.get(year, 0)) for year in set(aid) | set(follow_on)
        }
        return Chart(
            slug="aides-par-an",
            title=_("Aides obtenues et financements obtenus ensuite, par an"),
            description=_(
                "Aides accordées par les financeurs (année de la communication des décisions) "
                "et financements obtenus ensuite, déclarés dans le dernier bilan des projets "
                "financés (année du bilan)."
            )
            + " "
            + self._scope_text(),
            category=_("Année"),
            series=(
                Series("aide", _("Aide accordée")),
                Series("financements_ensuite", _("Financements obtenus ensuite")),
            ),
            rows=self._per_year_rows(by_year, 2),
            money=True,
        )

    def evenements_par_an(self) -> Chart:
        events = Event.objects.filter(is_published=True, is_cancelled=False)
        if self.pole is not None:
            events = events.filter(pole=self.pole)
        events = self._years(events.annotate(year=ExtractYear("starts_at")), "year")
        confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
        rows = (
            events.values("year")
            .annotate(
                events=Count("pk", distinct=True),
                seats=Count("registrations", filter=confirmed, distinct=True),
                present=Count(
                    "registrations",
                    filter=confirmed & Q(registrations__checked_in_at__isnull=False),
                    distinct=True,
                ),
            )
            .order_by()
        )
        by_year = {row["year"]: (row["events"], row["seats"], row["present"]) for row in rows}
        return Chart(
            slug="evenements-par-an",
            title=_("Événements et participation par an"),
            description=_(
                "Événements publiés et non annulés, inscriptions confirmées et participants "
                "présents (émargement), par année de l'événement."
            )
            + " "
            + self._scope_text(),
            category=_("Année"),
            series=(
                Series("evenements", _("Événements")),
                Series("inscrits", _("Inscriptions")),
                Series("presents", _("Présents")),
            ),
            rows=self._per_year_rows(by_year, 3),
        )

    def retombees(self) -> Chart:
        totals = self._latest_outcomes().aggregate(
            projects=Count("pk"),
            products=Sum("products_on_market"),
            created=Sum("jobs_created"),
            kept=Sum("jobs_kept"),
            patents=Sum("patents_filed"),
        )
        figures = [
            ("projets", _("Projets financés ayant déclaré des retombées"), "projects"),
            ("produits", _("Produits ou services mis sur le marché"), "products"),
            ("emplois_crees", _("Emplois créés"), "created"),
            ("emplois_maintenus", _("Emplois maintenus"), "kept"),
            ("brevets", _("Brevets déposés"), "patents"),
        ]
        return Chart(
            slug="retombees",
            title=_("Retombées des projets financés"),
            description=_(
                "Somme des derniers bilans déclarés par les coordinateurs des projets financés."
            )
            + " "
            + self._scope_text(),
            category=_("Retombée"),
            series=(Series("nombre", _("Nombre")),),
            rows=tuple(Row(key, label, (int(totals[name] or 0),)) for key, label, name in figures),
            with_codes=True,
            totals_row=False,
        )

    def parcours(self) -> Chart:
        events = Event.objects.filter(is_published=True, is_cancelled=False)
        if self.pole is not None:
            events = events.filter(pole=self.pole)
        events = self._years(events.annotate(year=ExtractYear("starts_at")), "year")
        registrations = Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED, event__in=events.values("pk")
        ).count()
        born = Project.objects.filter(origin_event__in=events.values("pk"))
        counts = born.aggregate(
            born=Count("pk", distinct=True),
            labelled=Count(
                "pk", filter=Q(label_requests__status=LabelStatus.LABELLED), distinct=True
            ),
            funded=Count(
                "pk",
                filter=Q(
                    funding_decisions__outcome=DecisionOutcome.FUNDED,
                    funding_decisions__released_at__isnull=False,
                ),
                distinct=True,
            ),
        )
        with_outcomes = (
            born.filter(pk__in=self._funded_projects().values("pk"))
            .filter(outcomes__isnull=False)
            .values("pk")
            .distinct()
            .count()
        )
        steps = [
            ("inscriptions", _("Inscriptions aux événements"), registrations),
            ("projets_nes", _("Projets nés à un événement"), counts["born"]),
            ("labellises", _("… labellisés"), counts["labelled"]),
            ("finances", pgettext("projets", "… financés"), counts["funded"]),
            ("avec_retombees", _("… avec des retombées déclarées"), with_outcomes),
        ]
        return Chart(
            slug="parcours",
            title=_("Du rendez-vous au projet financé"),
            description=_(
                "Inscriptions confirmées aux événements, projets nés à l'un de ces événements, "
                "puis ceux qui ont été labellisés, financés et ont déclaré des retombées."
            )
            + " "
            + self._scope_text(),
            category=_("Étape"),
            series=(Series("nombre", _("Nombre")),),
            rows=tuple(Row(key, label, (value,)) for key, label, value in steps),
            with_codes=True,
            totals_row=False,
        )
