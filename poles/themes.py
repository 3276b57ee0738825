"""Group the pôles' free-text themes into a few families that can be filtered on.

The 71 pôles of 2014 are assigned by hand (the themes are too varied for keywords alone);
a pôle absent from that table falls back on keywords of its theme. No Django imports.
"""

import unicodedata

BY_SLUG = {
    "aero": [
        "aerospace-valley",
        "astech",
        "pegase",
    ],
    "numerique": [
        "minalogic",
        "scs",
        "systematic",
        "cap-digital",
        "images-reseaux",
        "elopsys",
        "imaginove",
        "optitec",
        "route-des-lasers",
        "tes",
        "microtechniques",
    ],
    "sante": [
        "lyonbiopole",
        "medicen",
        "alsace-biovalley",
        "atlanpole-biotherapies",
        "cbs",
        "eurobiomed",
        "cosmetic-valley",
        "pass",
    ],
    "energie": [
        "avenia",
        "capenergies",
        "derbi",
        "pnb",
        "s2e2",
        "tenerrdis",
        "trimatec",
        "alsace-energivie",
    ],
    "mobilite": [
        "i-trans",
        "moveo",
        "id4car",
        "lutb",
        "novlog",
        "pvf",
        "advancity",
    ],
    "agro": [
        "iar",
        "vegepolys",
        "agri-sud-ouest-innovation",
        "cereales-vallee",
        "hippolia",
        "nsl",
        "qli-mediterranee",
        "qualitropic",
        "terralia",
        "valorial",
        "vitagora",
        "aquimer",
    ],
    "materiaux": [
        "axelera",
        "arve-industries",
        "elastopole",
        "emc2",
        "pole-fibres",
        "matikem",
        "materalia",
        "plastipolis",
        "ceramique",
        "techtera",
        "up-tex",
        "viameca",
        "xylofutur",
    ],
    "mer": [
        "pole-mer-bretagne",
        "pole-mer-paca",
    ],
    "environnement": [
        "pole-eau",
        "dream",
        "hydreos",
        "pole-risques",
        "team2",
    ],
    "services": [
        "finance-innovation",
        "picom",
    ],
}

FAMILY_BY_SLUG = {slug: family for family, slugs in BY_SLUG.items() for slug in slugs}

KEYWORDS = [
    ("aero", ["aeronaut", "spatial", "espace"]),
    ("sante", ["sante", "biotech", "medic", "cosmet", "pharma"]),
    ("energie", ["energ", "nucleaire", "solaire", "hydrogene"]),
    ("mobilite", ["automobile", "vehicule", "transport", "mobilit", "ferroviaire", "logistique"]),
    ("agro", ["agro", "aliment", "vegetal", "nutrition", "cereale", "agricult"]),
    ("mer", ["mer", "maritime", "naval"]),
    ("environnement", ["eau", "dechet", "environnement", "risque", "batiment", "ville"]),
    ("materiaux", ["materiau", "chimie", "polymere", "textile", "mecanique", "plasturgie"]),
    ("numerique", ["numerique", "logiciel", "tic", "electroni", "photonique", "optique"]),
]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def theme_family(slug: str, theme: str) -> str:
    if slug in FAMILY_BY_SLUG:
        return FAMILY_BY_SLUG[slug]
    folded = _fold(theme)
    for family, words in KEYWORDS:
        if any(word in folded for word in words):
            return family
    return "services"
