"""What changed between two dossier versions (`funding.versions_diff`, a pure module)."""

import copy

from funding.versions_diff import (
    ATTACHMENTS,
    BUDGET,
    ELIGIBILITY,
    LABELS,
    PARTNERS,
    PROJECT,
    Term,
    diff_contents,
    grouped,
)

NNBSP, NBSP = "\u202f", "\u00a0"


def eur(text: str) -> str:
    """'50 000 €' written with plain spaces → as the module writes it."""
    amount, _sign = text.rsplit(" ", 1)
    return amount.replace(" ", NNBSP) + NBSP + "€"


def part(slug, name, *, personnel=100_000, aid=45_000, attachments=(), **fields):
    return {
        "organisation": {"name": name, "slug": slug, "kind": "company", "group": ""},
        "coordinator": False,
        "role": "Intégrateur",
        "work_summary": "Développe la cellule.",
        "rd_region": "84",
        "rd_region_name": "Auvergne-Rhône-Alpes",
        "cost_basis": "",
        "expenses_eur": {
            "expenses_personnel_eur": personnel,
            "expenses_overhead_eur": 0,
            "expenses_equipment_eur": 0,
            "expenses_subcontracting_eur": 0,
            "expenses_other_eur": 0,
        },
        "total_expenses_eur": personnel,
        "category": "pme",
        "in_territory": True,
        "rate": "0.45",
        "aid_eur": aid,
        "attachments": list(attachments),
        **fields,
    }


def attachment(title, sha):
    return {
        "kind": "support_letter",
        "title": title,
        "original_name": "a.pdf",
        "size": 10,
        "sha256": sha,
    }


def content():
    return {
        "project": {
            "acronym": "ROBOCOB",
            "title": "Cobots pour l'usinage",
            "summary": "Une cellule robotisée.",
            "start_date": "2025-01-01",
            "duration_months": 36,
            "competences": ["Robotique"],
            "coordinator": "Cobotix",
        },
        "call": {"slug": "fui-25", "title": "AAP FUI n°25"},
        "submitted_at": "2025-03-01T10:00:00+01:00",
        "partners": [
            part(
                "cobotix",
                "Cobotix",
                coordinator=True,
                attachments=[attachment("Lettre de soutien", "a" * 64)],
            ),
            part("labo", "Laboratoire", personnel=200_000, aid=200_000, category="research"),
        ],
        "labels": [
            {
                "pole": "minalogic",
                "pole_name": "Minalogic",
                "lead": True,
                "status": "labelled",
                "committee_date": "2025-02-10",
                "comments": "",
            }
        ],
        "eligibility": {
            "eligible": True,
            "checks": [
                {"code": "min_companies", "status": "pass", "message": "2 entreprises."},
                {"code": "aid_size", "status": "warn", "message": "Aide faible."},
            ],
            "total_expenses_eur": 300_000,
            "total_aid_eur": 245_000,
        },
    }


def messages(changes, section=None):
    return [change.message for change in changes if section is None or change.section == section]


def test_identical_versions_have_no_change():
    assert diff_contents(content(), content()) == []


def test_submission_date_alone_is_no_change():
    new = content()
    new["submitted_at"] = "2025-03-09T10:00:00+01:00"

    assert diff_contents(content(), new) == []


def test_project_fields_and_competences():
    # Arrange
    new = content()
    new["project"].update(
        title="Cobots collaboratifs",
        summary="Autre résumé.",
        start_date=None,
        duration_months=30,
        competences=["Robotique", "Vision"],
    )

    # Act
    changes = diff_contents(content(), new)

    # Assert
    assert messages(changes, PROJECT) == [
        "Le titre passe de « Cobots pour l'usinage » à « Cobots collaboratifs ».",
        "Le résumé du projet a été réécrit.",
        "Date de début : 01/01/2025 → non précisée.",
        "Durée en mois : 36 → 30.",
        "Compétence ajoutée : Vision.",
    ]


def test_partner_added_and_removed():
    # Arrange
    new = content()
    new["partners"] = [
        new["partners"][0],
        part("usinage", "Usinage Occitan", personnel=80_000, aid=36_000, category="eti"),
    ]

    # Act
    changes = diff_contents(content(), new)

    # Assert
    assert messages(changes, PARTNERS) == [
        f"Usinage Occitan rejoint le consortium (ETI, {eur('80 000 €')} de dépenses, "
        f"{eur('36 000 €')} d'aide).",
        f"Laboratoire quitte le consortium ({eur('200 000 €')} de dépenses).",
    ]


def test_partner_role_region_cost_basis_group_and_coordinator():
    # Arrange
    new = content()
    lab = new["partners"][1]
    lab.update(role="Essais", rd_region="76", rd_region_name="Occitanie", cost_basis="full")
    lab["organisation"]["group"] = "CNRS"
    new["partners"][0]["coordinator"] = False
    lab["coordinator"] = True

    # Act
    changes = diff_contents(content(), new)

    # Assert
    assert messages(changes, PARTNERS) == [
        "Cobotix n'est plus le coordinateur.",
        "Laboratoire : rôle « Intégrateur » → « Essais ».",
        "Laboratoire : région de R&D Auvergne-Rhône-Alpes → Occitanie.",
        "Laboratoire : assiette des coûts non précisée → coûts complets.",
        "Laboratoire : groupe aucun → CNRS.",
        "Laboratoire devient le coordinateur.",
    ]


def test_budget_per_partner_and_totals():
    # Arrange
    new = content()
    lab = new["partners"][1]
    lab["expenses_eur"]["expenses_personnel_eur"] = 150_000
    lab["expenses_eur"]["expenses_equipment_eur"] = 20_000
    lab.update(rate="0.4", aid_eur=68_000)
    new["eligibility"].update(total_expenses_eur=270_000, total_aid_eur=113_000)

    # Act
    changes = diff_contents(content(), new)

    # Assert
    assert messages(changes, BUDGET) == [
        f"Laboratoire, dépenses de personnel : {eur('200 000 €')} → {eur('150 000 €')} "
        f"(-{eur('50 000 €')}).",
        f"Laboratoire, équipements : {eur('0 €')} → {eur('20 000 €')} (+{eur('20 000 €')}).",
        f"Laboratoire, taux d'aide : 45{NNBSP}% → 40{NNBSP}%.",
        f"Laboratoire, aide : {eur('200 000 €')} → {eur('68 000 €')} (-{eur('132 000 €')}).",
        f"Dépenses totales du projet : {eur('300 000 €')} → {eur('270 000 €')} "
        f"(-{eur('30 000 €')}).",
        f"Aide totale du projet : {eur('245 000 €')} → {eur('113 000 €')} (-{eur('132 000 €')}).",
    ]


def test_same_rate_written_differently_is_no_change():
    new = content()
    new["partners"][0]["rate"] = "0.4500"

    assert diff_contents(content(), new) == []


def test_labels_added_removed_and_decided():
    # Arrange
    old = content()
    old["labels"].append(
        {
            "pole": "sce",
            "pole_name": "S2E2",
            "lead": False,
            "status": "requested",
            "committee_date": None,
            "comments": "",
        }
    )
    new = copy.deepcopy(old)
    new["labels"][1].update(status="labelled", committee_date="2025-02-20")
    new["labels"].pop(0)
    new["labels"][0]["lead"] = True
    new["labels"].append(
        {
            "pole": "cara",
            "pole_name": "CARA",
            "lead": False,
            "status": "requested",
            "committee_date": None,
            "comments": "",
        }
    )

    # Act
    changes = diff_contents(old, new)

    # Assert
    assert messages(changes, LABELS) == [
        "S2E2 : label demandé → labellisé.",
        "S2E2 devient le pôle chef de file.",
        "S2E2 : date du comité non précisée → 20/02/2025.",
        "Label demandé à CARA : demandé.",
        "Minalogic ne figure plus parmi les pôles sollicités.",
    ]


def test_verdict_eligibility_and_checks_whose_status_changed():
    # Arrange
    new = content()
    new["eligibility"]["eligible"] = False
    new["eligibility"]["checks"][0] = {
        "code": "min_companies",
        "status": "fail",
        "message": "1 entreprise : il en faut 2.",
    }

    # Act
    changes = diff_contents(content(), new)

    # Assert
    assert messages(changes, ELIGIBILITY) == [
        "Le dossier n'est plus éligible.",
        "Règle respectée → non respectée : 1 entreprise : il en faut 2.",
    ]


def test_attachments_by_checksum():
    # Arrange
    new = content()
    new["partners"][0]["attachments"] = [attachment("Lettre de la Région", "a" * 64)]
    new["partners"][1]["attachments"] = [attachment("Accord de consortium", "b" * 64)]
    old = content()
    old["partners"][1]["attachments"] = [attachment("Annexe technique", "c" * 64)]

    # Act
    changes = diff_contents(old, new)

    # Assert
    assert messages(changes, ATTACHMENTS) == [
        "Pièce renommée, même fichier : « Lettre de soutien » → « Lettre de la Région ».",
        "Pièce ajoutée : « Accord de consortium » (Laboratoire).",
        "Pièce retirée : « Annexe technique » (Laboratoire).",
    ]


def test_changes_come_in_section_order_and_translate_their_terms():
    # Arrange
    new = content()
    new["partners"][1]["attachments"] = [attachment("Accord", "d" * 64)]
    new["project"]["acronym"] = "ROBOCOB2"
    new["labels"][0]["status"] = "refused"
    translations = {
        "Le projet": "The project",
        "Labels": "Labels",
        "Pièces jointes": "Attachments",
        "%(pole)s : label %(old)s → %(new)s.": "%(pole)s: label %(old)s → %(new)s.",
        "labellisé": "labelled",
        "non labellisé": "not labelled",
    }

    # Act
    changes = diff_contents(content(), new)
    sections = grouped(changes, lambda message: translations.get(message, message))

    # Assert
    assert [change.section for change in changes] == [PROJECT, LABELS, ATTACHMENTS]
    assert sections[0][0] == "The project"
    assert sections[1] == ("Labels", ["Minalogic: label labelled → not labelled."])
    assert isinstance(changes[1].params["new"], Term)


def test_missing_parts_of_an_old_content_do_not_break():
    assert messages(diff_contents({}, {"project": {"acronym": "X"}})) == [
        "L'acronyme passe de « non précisé » à « X »."
    ]


def test_a_check_new_in_the_later_version_is_named():
    new = content()
    new["eligibility"]["checks"].append(
        {"code": "sme_involvement", "status": "warn", "message": "Aucune PME."}
    )

    assert messages(diff_contents(content(), new), ELIGIBILITY) == [
        "Nouvelle règle, attention : Aucune PME."
    ]
