"""Demo data: a past call, its funded projects and their outcome reports.

`seed_outcomes` runs after the demo projects (`projects.demo.seed_projects`) and events. It adds
a closed call, « AAP FUI n°24 (démonstration) » (`fui-24-demo`), and four projects of demo
organisations made through the services as the portal would have made them at the time: each
consortium (two independent companies and a laboratory, R&D in Île-de-France) is labelled by
Systematic and a second pôle, its dossier submitted while the call was open (`submit_project`
with a past `now`), then the funders (the State, Bpifrance, the Région Île-de-France) decide
and a superuser releases the decisions; the release dates are then set back to the time of the
call. Three projects are funded, one is not.

- OPTICOBOT, coordinated by Cobotix (entreprise@poles.example) with the demo lab
  (labo@poles.example): funded, ended a few weeks ago, no outcome report yet — the demo user
  reports it;
- SMARTWELD: funded, a final report;
- DATAFORGE: funded, a final report and a follow-up report a year later; born at a past demo
  event when there is one;
- THERMOLINK: not funded.

Nothing is done when the call already exists or the demo company, lab or pôle are missing.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

PAST_CALL = "fui-24-demo"
SECOND_POLES = ("cap-digital", "moveo", "finance-innovation", "advancity")

# acronym, title, summary, competences, durations (months), aid split, outcomes
PAST_PROJECTS = (
    {
        "acronym": "OPTICOBOT",
        "title": "Cobot à commande optique pour l'assemblage de précision",
        "summary": "Un cobot guidé par une caméra stéréo qui assemble des pièces mécaniques "
        "au dixième de millimètre, programmable par démonstration.",
        "competences": ("robotique", "capteurs", "intelligence-artificielle"),
        "months": 26,
        "funders": ("state", "region"),
        "cobotix": True,
        "roles": (
            "Coordinateur, intégration du cobot",
            "Pièces de démonstration et essais en atelier",
            "Vision stéréo et apprentissage par démonstration",
        ),
    },
    {
        "acronym": "SMARTWELD",
        "title": "Contrôle en ligne des soudures par ultrasons et apprentissage automatique",
        "summary": "Des capteurs à ultrasons montés sur la torche et un modèle qui signale "
        "les soudures défectueuses pendant le soudage.",
        "competences": ("capteurs", "science-des-donnees", "usinage-decolletage"),
        "months": 18,
        "funders": ("bpifrance", "region"),
        "roles": (
            "Coordinateur, capteurs à ultrasons",
            "Intégration sur les lignes de soudage",
            "Modèles de détection des défauts",
        ),
        "outcomes": (
            {
                "stage": "final",
                "products_on_market": 1,
                "products_description": "Le capteur SmartWeld S1, vendu aux chaudronniers.",
                "jobs_created": 4,
                "jobs_kept": 9,
                "patents_filed": 1,
                "follow_on_funding_eur": 600_000,
                "follow_on_funding_sources": "Prêt d'amorçage Bpifrance",
                "public_summary": "Le capteur SmartWeld S1 est commercialisé depuis la fin du "
                "projet ; un brevet protège la méthode de mesure.",
            },
        ),
    },
    {
        "acronym": "DATAFORGE",
        "title": "Jumeau numérique des presses de forge",
        "summary": "Un jumeau numérique qui prédit l'usure des matrices de forge et "
        "planifie leur maintenance.",
        "competences": ("science-des-donnees", "intelligence-artificielle", "internet-des-objets"),
        "months": 12,
        "funders": ("state", "bpifrance", "region"),
        "origin_event": True,
        "roles": (
            "Coordinateur, plateforme du jumeau numérique",
            "Presses instrumentées et essais",
            "Modèles d'usure des matrices",
        ),
        "outcomes": (
            {
                "stage": "final",
                "products_on_market": 1,
                "products_description": "Offre logicielle DataForge Twin.",
                "jobs_created": 3,
                "jobs_kept": 6,
                "patents_filed": 0,
                "follow_on_funding_eur": 0,
                "public_summary": "Le jumeau numérique tourne sur deux presses en production.",
            },
            {
                "stage": "follow_up",
                "products_on_market": 2,
                "products_description": "DataForge Twin et un service de maintenance prédictive.",
                "jobs_created": 8,
                "jobs_kept": 6,
                "patents_filed": 1,
                "follow_on_funding_eur": 2_500_000,
                "follow_on_funding_sources": "Levée de fonds (série A)",
                "public_summary": "Deux offres commercialisées, huit emplois créés et une levée "
                "de fonds de 2,5 M€ un an après la fin du projet.",
            },
        ),
    },
    {
        "acronym": "THERMOLINK",
        "title": "Réseau de capteurs thermiques pour les bâtiments tertiaires",
        "summary": "Des capteurs sans fil et un pilotage du chauffage pièce par pièce.",
        "competences": ("capteurs", "internet-des-objets", "efficacite-energetique"),
        "months": 24,
        "funders": (),
        "roles": (
            "Coordinateur, capteurs sans fil",
            "Pilotage du chauffage",
            "Modèles thermiques",
        ),
    },
)


def _past_call(now):
    """The closed demo call: opened 1 000 days before `now`, closed 900 days before at noon."""
    from funding.models import Call  # noqa: PLC0415
    from projects.demo import FUI_25_RATES, RULE_FIELDS  # noqa: PLC0415

    model = Call.objects.filter(slug="fui-25").first()
    rates = (
        {name: getattr(model, name) for name in RULE_FIELDS} if model is not None else FUI_25_RATES
    )
    closing_day = timezone.localdate(now) - timedelta(days=900)
    call = Call(
        slug=PAST_CALL,
        scheme="FUI",
        number=24,
        title="AAP FUI n°24 (démonstration)",
        opens_at=now - timedelta(days=1000),
        closes_at=timezone.make_aware(datetime.combine(closing_day, time(12, 0))),
        **rates,
    )
    call.full_clean()
    call.save()
    return call


def _funders(call):
    from funding.models import Funder  # noqa: PLC0415
    from projects.demo import _demo_funders  # noqa: PLC0415

    bpifrance, region = _demo_funders(call)
    state = Funder.objects.get(slug="etat-fui")
    return {"state": state, "bpifrance": bpifrance, "region": region}


def _split(amount: int, parts: int) -> list[int]:
    """`amount` in `parts` shares rounded down to the thousand euros, the rest on the last."""
    share = amount // parts // 1000 * 1000
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def seed_outcomes(rng: random.Random, *, now: datetime) -> dict[str, int]:
    """Create the demo funded projects and their outcome reports.

    Returns what was made, as label → count (printed by seed_demo).
    """
    from funding import dossiers, review  # noqa: PLC0415
    from funding.models import Call, Decision, DecisionOutcome  # noqa: PLC0415
    from members.models import Organisation  # noqa: PLC0415
    from poles.models import Event, Pole, Region  # noqa: PLC0415
    from projects import consortium, outcomes  # noqa: PLC0415
    from projects.demo import (  # noqa: PLC0415
        DEMO_COMPANY,
        DEMO_LAB,
        DEMO_POLE,
        ILE_DE_FRANCE,
        _admin_of,
        _companies,
        _competences,
        _fill,
        _join,
        _labs,
        _pick,
    )
    from projects.models import Project, ProjectPartner  # noqa: PLC0415

    if Call.objects.filter(slug=PAST_CALL).exists():
        return {}
    User = get_user_model()
    company = Organisation.objects.filter(name=DEMO_COMPANY).first()
    lab = Organisation.objects.filter(name=DEMO_LAB).first()
    pole = Pole.objects.filter(slug=DEMO_POLE).first()
    animator = User.objects.filter(email="animateur@poles.example").first()
    superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    cobotix_user = User.objects.filter(email="entreprise@poles.example").first()
    if None in (company, lab, pole, animator, superuser, cobotix_user):
        return {}
    found = {p.slug: p for p in Pole.objects.filter(slug__in=SECOND_POLES)}
    second_pole = next((found[slug] for slug in SECOND_POLES if slug in found), None) or (
        Pole.objects.exclude(pk=pole.pk).order_by("name").first()
    )
    idf = Region.objects.get(code=ILE_DE_FRANCE)
    figures = {"past calls": 0, "funded projects": 0, "outcome reports": 0}
    with transaction.atomic():
        call = _past_call(now)
        figures["past calls"] += 1
        funders = _funders(call)
        submitted_at = call.closes_at - timedelta(days=10)
        committee_day = timezone.localdate(call.closes_at) - timedelta(days=30)
        start = timezone.localdate(call.closes_at) + timedelta(days=150)
        taken = set(ProjectPartner.objects.values_list("organisation_id", flat=True))
        taken |= {company.pk, lab.pk}
        made = []
        for spec in PAST_PROJECTS:
            competences = _competences(*spec["competences"])
            if spec.get("cobotix"):
                coordinator, boss = company, cobotix_user
                partner_lab = lab
            else:
                coordinator = _pick(_companies(pole, competences), taken, rng)
                partner_lab = _pick(_labs(pole, competences), taken, rng)
                boss = (
                    _admin_of(coordinator, f"contact@{coordinator.slug[:50]}.example")
                    if coordinator is not None
                    else None
                )
            second = _pick(_companies(pole, competences), taken, rng)
            if None in (coordinator, partner_lab, second, boss):
                continue
            project = consortium.create_project(
                actor=boss,
                coordinator=coordinator,
                competences=competences,
                acronym=spec["acronym"],
                title=spec["title"],
                summary=spec["summary"],
                start_date=start,
                duration_months=spec["months"],
                call=call,
                is_published=True,
            )
            coordinator_role, company_role, lab_role = spec["roles"]
            scale = rng.choice((80, 90, 110, 125))  # % of the reference budget
            _fill(project.partners.get(organisation=coordinator), boss, rd_region=idf,
                  role=coordinator_role, expenses_personnel_eur=5_600 * scale,
                  expenses_overhead_eur=1_120 * scale,
                  expenses_equipment_eur=700 * scale)  # fmt: skip
            part, admin = _join(project, second, boss)
            _fill(part, admin, rd_region=idf, role=company_role,
                  expenses_personnel_eur=3_800 * scale,
                  expenses_overhead_eur=760 * scale)  # fmt: skip
            part, admin = _join(project, partner_lab, boss)
            if partner_lab == lab:
                admin = User.objects.get(email="labo@poles.example")
            _fill(part, admin, rd_region=idf, role=lab_role, expenses_personnel_eur=3_300 * scale,
                  cost_basis="marginal")  # fmt: skip
            requests = consortium.request_labels(
                actor=boss, project=project, poles=[pole, second_pole]
            )
            for request in requests:
                consortium.decide_label(
                    actor=animator if request.pole_id == pole.pk else superuser,
                    label_request=request,
                    labelled=True,
                    committee_date=committee_day,
                    comments="Projet structurant pour la filière ; consortium équilibré.",
                )
            version = dossiers.submit_project(actor=boss, project=project, now=submitted_at)
            requested = review.requested_aid_by_organisation(version)
            organisations = {part.organisation.slug: part.organisation for part in
                             project.partners.select_related("organisation")}  # fmt: skip
            chosen = [funders[kind] for kind in spec["funders"]]
            for index, funder in enumerate(chosen or [funders["state"], funders["region"]]):
                aids = {}
                if chosen:
                    for slug, amount in requested.items():
                        aids[organisations[slug].pk] = _split(amount, len(chosen))[index]
                review.record_decision(
                    actor=superuser,
                    project=project,
                    call=call,
                    funder=funder,
                    outcome=DecisionOutcome.FUNDED if chosen else DecisionOutcome.NOT_FUNDED,
                    comment_applicants="Projet retenu par le comité de financement."
                    if chosen
                    else "Projet non retenu : le marché visé reste à démontrer.",
                    aids=aids,
                )
            made.append((spec, project, boss))
        if not made:
            return figures
        review.release_decisions(actor=superuser, call=call)
        released_at = call.closes_at + timedelta(days=120)
        Decision.objects.filter(call=call).update(released_at=released_at)
        call.decisions_released_at = released_at
        call.save(update_fields=["decisions_released_at"])

        event = (
            Event.objects.filter(is_published=True, ends_at__lt=now, pole=pole)
            .order_by("starts_at", "pk")
            .first()
            or Event.objects.filter(is_published=True, ends_at__lt=now)
            .order_by("starts_at", "pk")
            .first()
        )
        today = timezone.localdate(now)
        for spec, project, boss in made:
            if spec["funders"]:
                figures["funded projects"] += 1
            if spec.get("origin_event") and event is not None:
                # Demo data: the consortium would have named the event when it created the
                # project; the project is closed now, so it is written directly.
                Project.objects.filter(pk=project.pk).update(origin_event=event)
            project.refresh_from_db()
            end = start + timedelta(days=round(spec["months"] * 30.44))
            for index, report in enumerate(spec.get("outcomes", ())):
                as_of = min(end, today) if index == 0 else today - timedelta(days=30)
                outcomes.report_outcome(actor=boss, project=project, as_of=as_of, **report)
                figures["outcome reports"] += 1
    return figures
