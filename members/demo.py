"""Demo data: realistic French organisations, their memberships of the pôles, demo accounts.

`seed_demo()` fills an empty database (it refuses when organisations exist). Everything
random comes from one `random.Random(seed)` and one seeded `Faker("fr_FR")`, called in a fixed
order, so a seed always gives the same data. The generated organisations are validated as
`create_organisation` does (identifiers, size category; uniqueness holds by construction and
the database enforces it), then inserted with `bulk_create`, so that 100 000 of them take
minutes, not hours; the demo accounts' organisations, memberships and affiliations go through
the services. The other bulk rows are inserted with `bulk_create` too: the generated
memberships (checked field by field, their pairs distinct and their dates ordered by
construction, and both enforced by the database), users with their e-mail addresses and
affiliations, and competence links.

Dates are drawn relative to `AS_OF`, a fixed date, rather than today, so that the data does
not change from one day to the next. Names, identifiers and web sites are invented (web
sites under the reserved `.example` domain); places are real French cities and postcodes.
"""

import base64
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from faker import Faker

from members import identifiers, sizes
from members.models import (
    Affiliation,
    AffiliationRole,
    College,
    Competence,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationJoinRequest,
    OrganisationKind,
)
from members.search import deferred_refresh, refresh_search_data
from members.services import (
    affiliate_user,
    create_organisation,
    default_college,
    record_membership,
)
from poles.models import Pole, PoleCategory, Region
from poles.services import appoint_pole_staff, load_poles

DEMO_PASSWORD = "demo-poles-2026"  # noqa: S105 - shared by the demo accounts, printed on purpose
DEMO_POLE = "systematic"
AS_OF = date(2026, 6, 30)
FIRST_MEMBERSHIP = date(2008, 1, 1)
DEMO_COMPANY_SIREN = identifiers.make_siren("84215370")
DEMO_LAB_RNSR = "201412345" + identifiers.check_letter("201412345")
DEMO_FUNDER = "Bpifrance (démo)"
DEMO_REGION = "Région Île-de-France (démo)"
# Staff and funders must use two-factor authentication (config/mfa.py): these demo accounts
# come with an authenticator app whose secret is derived from the e-mail address and the
# installation's SECRET_KEY; `manage.py demo_totp EMAIL` prints its current code.
DEMO_TOTP_EMAILS = (
    "admin@poles.example",
    "animateur@poles.example",
    "financeur@poles.example",
    "gestionnaire@poles.example",
    "evaluateur@poles.example",
)

# Share of each kind among the generated organisations (largest remainder, then shuffled).
KIND_SHARES = [
    (OrganisationKind.COMPANY, 0.62),
    (OrganisationKind.RESEARCH, 0.18),
    (OrganisationKind.TRAINING, 0.10),
    (OrganisationKind.RTO, 0.05),
    (OrganisationKind.OTHER, 0.05),
]
# Share of each size among the companies (in 2012, 57 % of the pôles' members were PME).
SIZE_SHARES = [(sizes.MICRO, 0.28), (sizes.PME, 0.50), (sizes.ETI, 0.14), (sizes.GE, 0.08)]
JOIN_GROUP_CHANCE = 0.12
MAX_GROUP_MEMBERS = 4
FOUND_GROUP_CHANCE = {sizes.MICRO: 0.0, sizes.PME: 0.06, sizes.ETI: 0.55, sizes.GE: 0.7}
POLE_WEIGHTS = {
    PoleCategory.MONDIAL: 4,
    PoleCategory.VOCATION_MONDIALE: 2,
    PoleCategory.NATIONAL: 1,
}
MEMBERSHIP_COUNT_WEIGHTS = [(1, 40), (2, 38), (3, 22)]
STATUS_WEIGHTS = [
    (MembershipStatus.ACTIVE, 80),
    (MembershipStatus.PENDING, 9),
    (MembershipStatus.LAPSED, 8),
    (MembershipStatus.REFUSED, 3),
]
USERS_CHANCE = 1 / 3

# Where an organisation settles when not in its first pôle's territory (weights ≈ economy).
METRO_REGION_WEIGHTS = [
    ("11", 8), ("84", 5), ("76", 3), ("75", 3), ("32", 3), ("44", 3), ("93", 3),
    ("52", 2), ("53", 2), ("28", 1.5), ("24", 1), ("27", 1),
]  # fmt: skip

# Real cities with one of their postcodes, per region (INSEE code).
_PLACES = {
    "11": (
        "75013 Paris, 75015 Paris, 75011 Paris, 91120 Palaiseau, 91190 Gif-sur-Yvette, "
        "92100 Boulogne-Billancourt, 92400 Courbevoie, 93200 Saint-Denis, "
        "94200 Ivry-sur-Seine, 78280 Guyancourt, 77420 Champs-sur-Marne, 95000 Cergy"
    ),
    "24": (
        "45000 Orléans, 37000 Tours, 18000 Bourges, 28000 Chartres, 41000 Blois, 36000 Châteauroux"
    ),
    "27": (
        "21000 Dijon, 25000 Besançon, 90000 Belfort, 71100 Chalon-sur-Saône, 58000 Nevers, "
        "89000 Auxerre, 25200 Montbéliard"
    ),
    "28": (
        "76000 Rouen, 14000 Caen, 76600 Le Havre, 50100 Cherbourg-en-Cotentin, 27000 Évreux, "
        "61000 Alençon"
    ),
    "32": (
        "59000 Lille, 59650 Villeneuve-d'Ascq, 80000 Amiens, 60200 Compiègne, 62300 Lens, "
        "59300 Valenciennes, 02100 Saint-Quentin, 59140 Dunkerque"
    ),
    "44": (
        "67000 Strasbourg, 54000 Nancy, 57000 Metz, 51100 Reims, 68100 Mulhouse, 10000 Troyes, "
        "88000 Épinal"
    ),
    "52": (
        "44000 Nantes, 49000 Angers, 72000 Le Mans, 85000 La Roche-sur-Yon, "
        "44600 Saint-Nazaire, 53000 Laval"
    ),
    "53": (
        "35000 Rennes, 29200 Brest, 56100 Lorient, 22300 Lannion, 29000 Quimper, 56000 Vannes, "
        "22000 Saint-Brieuc"
    ),
    "75": (
        "33000 Bordeaux, 33600 Pessac, 86000 Poitiers, 87000 Limoges, 64000 Pau, "
        "17000 La Rochelle, 64100 Bayonne, 16000 Angoulême"
    ),
    "76": (
        "31000 Toulouse, 31400 Toulouse, 34000 Montpellier, 30000 Nîmes, 66000 Perpignan, "
        "65000 Tarbes, 81000 Albi, 31700 Blagnac"
    ),
    "84": (
        "69007 Lyon, 69100 Villeurbanne, 38000 Grenoble, 42000 Saint-Étienne, "
        "63000 Clermont-Ferrand, 74000 Annecy, 73000 Chambéry, 26000 Valence, "
        "01000 Bourg-en-Bresse, 03100 Montluçon"
    ),
    "93": (
        "13001 Marseille, 13100 Aix-en-Provence, 06560 Valbonne, 06000 Nice, 83000 Toulon, "
        "84000 Avignon, 05000 Gap"
    ),
    "94": "20000 Ajaccio, 20200 Bastia, 20250 Corte",
    "01": "97110 Pointe-à-Pitre, 97122 Baie-Mahault, 97100 Basse-Terre",
    "02": "97200 Fort-de-France, 97232 Le Lamentin",
    "03": "97300 Cayenne, 97310 Kourou",
    "04": "97400 Saint-Denis, 97410 Saint-Pierre, 97420 Le Port",
    "06": "97600 Mamoudzou",
}
PLACES = {
    code: [tuple(place.split(" ", 1)) for place in text.split(", ")]
    for code, text in _PLACES.items()
}

# First digit of CNRS unit numbers, loosely by region (5 south, 6 west and east, 7 & 8 north).
UMR_FIRST_DIGIT = {
    "11": "8", "24": "7", "27": "6", "28": "6", "32": "8", "44": "7", "52": "6", "53": "6",
    "75": "5", "76": "5", "84": "5", "93": "7",
}  # fmt: skip


@dataclass(frozen=True)
class Theme:
    """Vocabulary used to dress an organisation whose pôles belong to one theme family."""

    phrase: str  # "consacré …"
    name_words: tuple[str, ...]
    activities: tuple[str, ...]
    disciplines: tuple[str, ...]
    but_specialities: tuple[str, ...]
    competences: tuple[str, ...]
    keywords: tuple[str, ...]


THEMES = {
    "aero": Theme(
        phrase="à l'aéronautique et au spatial",
        name_words=("Aéro", "Aerospace", "Avionique", "Aérostructures", "Space", "Drones"),
        activities=(
            "conçoit et fabrique des pièces composites pour les aérostructures",
            "développe des logiciels embarqués certifiés pour l'avionique",
            "réalise l'usinage de précision de pièces de moteurs d'avion",
            "assure la maintenance et la réparation d'équipements aéronautiques",
            "développe des nanosatellites et leurs charges utiles",
            "conçoit des drones d'inspection pour l'industrie",
        ),
        disciplines=(
            "Aérodynamique",
            "Mécanique des structures",
            "Systèmes embarqués",
            "Propulsion",
            "Automatique",
        ),
        but_specialities=("Génie mécanique et productique", "Mesures physiques"),
        competences=(
            "aeronautique",
            "spatial",
            "materiaux-composites",
            "logiciel-embarque",
            "capteurs",
            "fabrication-additive",
            "mecatronique",
        ),
        keywords=(
            "drones",
            "avionique",
            "aérostructures",
            "MRO",
            "nanosatellites",
            "propulsion",
            "certification",
        ),
    ),
    "numerique": Theme(
        phrase="au numérique et à l'électronique",
        name_words=(
            "Technologies",
            "Systèmes",
            "Software",
            "Data",
            "Électronique",
            "Digital",
            "Photonics",
            "Labs",
        ),
        activities=(
            "édite une plateforme d'analyse de données pour l'industrie",
            "développe des solutions de cybersécurité pour les systèmes industriels",
            "conçoit des circuits intégrés basse consommation",
            "développe des capteurs connectés et leur plateforme logicielle",
            "propose des services de calcul intensif et de simulation numérique",
            "conçoit des composants optiques et des sources laser",
            "développe des applications de réalité augmentée pour la maintenance",
        ),
        disciplines=(
            "Informatique",
            "Électronique",
            "Mathématiques appliquées",
            "Photonique",
            "Robotique",
            "Traitement du signal",
            "Microélectronique",
        ),
        but_specialities=(
            "Informatique",
            "Réseaux et télécommunications",
            "Génie électrique et informatique industrielle",
        ),
        competences=(
            "intelligence-artificielle",
            "science-des-donnees",
            "cybersecurite",
            "logiciel-embarque",
            "calcul-haute-performance",
            "internet-des-objets",
            "reseaux-telecoms",
            "microelectronique",
            "photonique",
            "realite-virtuelle",
            "robotique",
        ),
        keywords=(
            "cloud",
            "edge computing",
            "jumeau numérique",
            "FPGA",
            "lidar",
            "open source",
            "5G",
            "vision par ordinateur",
        ),
    ),
    "sante": Theme(
        phrase="à la santé et aux biotechnologies",
        name_words=("Bio", "Pharma", "Medical", "Diagnostics", "Therapeutics", "Santé"),
        activities=(
            "développe des anticorps thérapeutiques en oncologie",
            "conçoit des dispositifs médicaux implantables",
            "développe des tests de diagnostic rapide des maladies infectieuses",
            "édite des logiciels d'analyse d'images médicales",
            "propose une solution de télésurveillance des patients chroniques",
            "formule des actifs cosmétiques d'origine naturelle",
        ),
        disciplines=(
            "Immunologie",
            "Biologie cellulaire",
            "Neurosciences",
            "Pharmacologie",
            "Génomique",
            "Infectiologie",
            "Ingénierie biomédicale",
        ),
        but_specialities=("Génie biologique", "Mesures physiques"),
        competences=(
            "biotechnologies",
            "dispositifs-medicaux",
            "diagnostic",
            "imagerie-medicale",
            "e-sante",
            "cosmetique",
            "vaccins-infectiologie",
            "nutrition",
        ),
        keywords=(
            "oncologie",
            "immunothérapie",
            "médecine personnalisée",
            "essais cliniques",
            "microbiote",
            "bioproduction",
        ),
    ),
    "energie": Theme(
        phrase="à l'énergie décarbonée",
        name_words=("Énergies", "Solaire", "Power", "Hydrogène", "Thermique", "Énergie"),
        activities=(
            "conçoit et installe des centrales photovoltaïques",
            "développe des systèmes de stockage d'énergie par batteries",
            "produit des électrolyseurs pour l'hydrogène vert",
            "améliore la performance énergétique des bâtiments tertiaires",
            "développe des logiciels de pilotage des réseaux électriques",
            "réalise des forages et des installations de géothermie",
        ),
        disciplines=("Énergétique", "Génie électrique", "Électrochimie", "Thermique", "Physique"),
        but_specialities=(
            "Génie thermique et énergie",
            "Génie électrique et informatique industrielle",
        ),
        competences=(
            "energies-renouvelables",
            "stockage-energie",
            "hydrogene",
            "efficacite-energetique",
            "reseaux-intelligents",
            "geothermie",
            "recyclage",
        ),
        keywords=(
            "photovoltaïque",
            "éolien",
            "électrolyse",
            "smart grid",
            "rénovation énergétique",
            "biogaz",
        ),
    ),
    "mobilite": Theme(
        phrase="aux transports et à la mobilité",
        name_words=("Mobilité", "Rail", "Automotive", "Logistique", "Transports", "Motion"),
        activities=(
            "développe des briques logicielles pour le véhicule autonome",
            "conçoit des équipements embarqués pour le matériel ferroviaire",
            "propose des solutions d'optimisation de la logistique urbaine",
            "conçoit des chaînes de traction électriques pour véhicules utilitaires",
            "développe des services de mobilité partagée",
        ),
        disciplines=("Mécatronique", "Transports", "Automatique", "Génie mécanique"),
        but_specialities=(
            "Génie mécanique et productique",
            "Qualité, logistique industrielle et organisation",
        ),
        competences=(
            "vehicule-autonome",
            "ferroviaire",
            "logistique",
            "mecatronique",
            "stockage-energie",
            "capteurs",
            "hydrogene",
            "internet-des-objets",
        ),
        keywords=(
            "véhicule électrique",
            "ADAS",
            "intermodalité",
            "fret",
            "dernier kilomètre",
            "batteries",
        ),
    ),
    "agro": Theme(
        phrase="à l'agriculture et à l'alimentation",
        name_words=("Agro", "Semences", "Nutrition", "Terroirs", "Végétal", "Ingrédients"),
        activities=(
            "transforme des produits laitiers issus de filières locales",
            "développe des outils d'agriculture de précision",
            "sélectionne et produit des semences potagères",
            "valorise des coproduits agricoles en ingrédients alimentaires",
            "conçoit des aliments fonctionnels pour la nutrition santé",
            "élève et transforme des produits de l'aquaculture",
        ),
        disciplines=(
            "Agronomie",
            "Sciences des aliments",
            "Biologie végétale",
            "Génie des procédés alimentaires",
            "Nutrition",
        ),
        but_specialities=("Génie biologique", "Hygiène, sécurité, environnement"),
        competences=(
            "agroalimentaire",
            "agriculture-precision",
            "biomasse",
            "vegetal",
            "nutrition",
            "produits-mer",
            "chimie-verte",
        ),
        keywords=(
            "élevage",
            "lait",
            "céréales",
            "protéines végétales",
            "agriculture biologique",
            "emballage",
        ),
    ),
    "materiaux": Theme(
        phrase="aux matériaux et aux procédés",
        name_words=(
            "Composites",
            "Plasturgie",
            "Industries",
            "Métal",
            "Précision",
            "Mécanique",
            "Textiles",
        ),
        activities=(
            "produit des pièces plastiques techniques par injection",
            "développe des procédés de fabrication additive métallique",
            "réalise des traitements de surface anticorrosion",
            "fabrique des textiles techniques pour l'industrie et la santé",
            "formule des polymères biosourcés",
            "réalise des pièces décolletées de haute précision",
        ),
        disciplines=(
            "Chimie des matériaux",
            "Génie des procédés",
            "Mécanique",
            "Science des polymères",
            "Métallurgie",
            "Physico-chimie des surfaces",
        ),
        but_specialities=("Science et génie des matériaux", "Génie mécanique et productique"),
        competences=(
            "materiaux-composites",
            "metallurgie",
            "polymeres",
            "fabrication-additive",
            "usinage-decolletage",
            "chimie-verte",
            "textiles-techniques",
            "surfaces-traitements",
            "nanotechnologies",
        ),
        keywords=(
            "injection plastique",
            "composites thermoplastiques",
            "impression 3D",
            "traitement thermique",
            "céramiques",
            "biosourcé",
        ),
    ),
    "mer": Theme(
        phrase="aux technologies de la mer",
        name_words=("Marine", "Océan", "Naval", "Subsea", "Littoral", "Maritime"),
        activities=(
            "conçoit des drones sous-marins pour l'inspection des ouvrages en mer",
            "développe des hydroliennes et des systèmes d'énergie marine",
            "construit et répare des navires de travail",
            "développe des capteurs océanographiques",
            "transforme des algues en ingrédients pour l'alimentation et la cosmétique",
        ),
        disciplines=(
            "Océanographie",
            "Biologie marine",
            "Hydrodynamique",
            "Géosciences marines",
            "Écologie marine",
        ),
        but_specialities=("Mesures physiques", "Génie biologique"),
        competences=(
            "naval",
            "produits-mer",
            "energies-renouvelables",
            "capteurs",
            "robotique",
            "traitement-eau",
        ),
        keywords=(
            "hydroliennes",
            "éolien en mer",
            "aquaculture",
            "algues",
            "sécurité maritime",
            "océanographie",
        ),
    ),
    "environnement": Theme(
        phrase="à l'eau, à l'environnement et à la construction",
        name_words=("Environnement", "Eau", "Recyclage", "Habitat", "Ingénierie", "Éco"),
        activities=(
            "conçoit des stations de traitement des eaux industrielles",
            "recycle des déchets électroniques et récupère les métaux",
            "propose des outils de prévision des risques naturels",
            "développe des matériaux de construction bas carbone",
            "réalise des diagnostics de pollution des sols",
        ),
        disciplines=(
            "Hydrologie",
            "Géosciences",
            "Génie civil",
            "Écologie",
            "Sciences de l'environnement",
        ),
        but_specialities=("Génie civil - construction durable", "Hygiène, sécurité, environnement"),
        competences=(
            "traitement-eau",
            "recyclage",
            "efficacite-energetique",
            "geothermie",
            "capteurs",
            "science-des-donnees",
        ),
        keywords=(
            "eau potable",
            "assainissement",
            "dépollution",
            "risques naturels",
            "économie circulaire",
            "bâtiment durable",
        ),
    ),
    "services": Theme(
        phrase="aux services et aux industries créatives",
        name_words=("Conseil", "Studio", "Finance", "Services", "Design", "Media"),
        activities=(
            "propose une plateforme de financement participatif pour les PME",
            "conçoit des jeux vidéo et des expériences interactives",
            "accompagne les entreprises dans la protection de leur propriété industrielle",
            "développe des outils de conformité réglementaire pour la banque",
            "conçoit des interfaces et des services centrés sur l'usager",
        ),
        disciplines=(
            "Économie",
            "Sciences de gestion",
            "Design",
            "Sciences de l'information",
            "Ergonomie",
        ),
        but_specialities=(
            "Gestion des entreprises et des administrations",
            "Métiers du multimédia et de l'internet",
        ),
        competences=(
            "fintech",
            "contenus-numeriques",
            "design-ergonomie",
            "science-des-donnees",
            "realite-virtuelle",
            "propriete-industrielle",
            "cybersecurite",
        ),
        keywords=("fintech", "jeu vidéo", "UX design", "assurance", "blockchain", "crowdfunding"),
    ),
}
CROSS_CUTTING_COMPETENCES = (
    "propriete-industrielle", "design-ergonomie", "formation-competences", "science-des-donnees",
    "intelligence-artificielle",
)  # fmt: skip

LEGAL_FORMS = {
    sizes.MICRO: [("SARL", 5), ("SAS", 4), ("SASU", 2), ("", 3)],
    sizes.PME: [("SAS", 6), ("SARL", 2), ("SA", 1), ("", 3)],
    sizes.ETI: [("SAS", 3), ("SA", 3), ("", 4)],
    sizes.GE: [("SA", 4), ("SE", 1), ("", 5)],
}
FOUNDED = {
    sizes.MICRO: (2005, 2024),
    sizes.PME: (1972, 2021),
    sizes.ETI: (1925, 2005),
    sizes.GE: (1890, 1995),
}
COMPANY_PROSPECTS = (
    "Elle recherche des partenaires académiques pour ses prochains projets collaboratifs.",
    "Elle se développe à l'international, notamment en Europe du Nord.",
    "Elle a participé à plusieurs projets FUI labellisés par les pôles.",
    "Elle prépare l'industrialisation de sa nouvelle gamme de produits.",
    "Elle recrute des ingénieurs et des techniciens.",
    "Elle s'appuie sur un laboratoire commun avec un partenaire académique.",
)
BRAND_STARTS = (
    "Ax", "Vel", "Nov", "Lum", "Sy", "Or", "Ka", "Ter", "Al", "Hel", "Ne", "Cor", "Vi", "Tal",
    "Ar", "Quan", "Pyr", "Ze", "Mi", "Oc", "Fl", "Ste", "Bri", "Ga",
)  # fmt: skip
BRAND_MIDDLES = ("", "", "a", "e", "i", "o", "ri", "la", "ne", "ti", "ro", "va")
BRAND_ENDS = (
    "lis", "tec", "via", "nox", "tis", "ris", "lia", "gen", "ion", "ys", "ium", "ea", "ka",
    "lab", "dyn", "sys", "ix", "go",
)  # fmt: skip
SCIENTISTS = (
    "Lavoisier", "Sophie Germain", "Sadi Carnot", "Augustin Fresnel", "Blaise Pascal",
    "Denis Papin", "Marie Marvingt", "Henri Becquerel", "Léon Foucault", "Émilie du Châtelet",
    "Gaspard Monge", "Hélène Boucher", "Nicéphore Niépce", "Ada Lovelace", "Alan Turing",
    "Irène Joliot-Curie", "Louis Néel", "Paul Langevin", "Pierre-Gilles de Gennes",
    "Yvonne Choquet-Bruhat",
)  # fmt: skip
# (name pattern, description, public body?) for organisations of kind "other".
OTHER_BODIES = (
    (
        "CCI {city}",
        "La chambre de commerce et d'industrie accompagne les entreprises du "
        "territoire dans leurs projets d'innovation et à l'international.",
        True,
    ),
    (
        "Agence régionale de l'innovation {region}",
        "L'agence finance et accompagne les projets "
        "d'innovation des entreprises et des laboratoires de la région.",
        True,
    ),
    (
        "Agglomération {of_city}",
        "La collectivité soutient les projets collaboratifs du "
        "territoire et accueille les plateformes d'innovation.",
        True,
    ),
    (
        "Technopole {city}",
        "La technopole héberge des jeunes entreprises innovantes et les met "
        "en relation avec les laboratoires et les grands groupes.",
        True,
    ),
    (
        "{brand} Conseil",
        "Le cabinet conseille les entreprises pour le montage et le financement "
        "de leurs projets de R&D collaboratifs.",
        False,
    ),
    (
        "Incubateur {brand}",
        "L'incubateur accompagne la création d'entreprises issues de la recherche publique.",
        False,
    ),
    (
        "Association des industriels {of_city}",
        "L'association fédère les industriels du bassin "
        "et organise des actions collectives sur l'innovation et les compétences.",
        False,
    ),
)
JOB_TITLES = {
    OrganisationKind.COMPANY: (
        ("Directeur général", "Directrice générale"),
        ("Responsable R&D", "Responsable R&D"),
        ("Ingénieur d'études", "Ingénieure d'études"),
        ("Chef de projet innovation", "Cheffe de projet innovation"),
        ("Directeur technique", "Directrice technique"),
    ),
    OrganisationKind.RESEARCH: (
        ("Directeur de recherche", "Directrice de recherche"),
        ("Chargé de recherche", "Chargée de recherche"),
        ("Maître de conférences", "Maîtresse de conférences"),
        ("Ingénieur de recherche", "Ingénieure de recherche"),
        ("Chargé de valorisation", "Chargée de valorisation"),
    ),
    OrganisationKind.TRAINING: (
        ("Directeur des études", "Directrice des études"),
        ("Responsable des relations entreprises", "Responsable des relations entreprises"),
        ("Enseignant-chercheur", "Enseignante-chercheuse"),
    ),
    OrganisationKind.RTO: (
        ("Directeur de programme", "Directrice de programme"),
        ("Ingénieur de recherche", "Ingénieure de recherche"),
        ("Responsable partenariats", "Responsable partenariats"),
    ),
    OrganisationKind.OTHER: (
        ("Chargé de mission innovation", "Chargée de mission innovation"),
        ("Directeur", "Directrice"),
        ("Conseiller entreprises", "Conseillère entreprises"),
    ),
}


class DemoDataError(Exception):
    """The demo data cannot be generated here; the message says why."""


class DatabaseNotEmpty(DemoDataError):
    """Organisations exist already: demo data only fills an empty database."""


@dataclass
class DemoAccount:
    email: str
    role: str


@dataclass
class SeedResult:
    organisations: Counter = field(default_factory=Counter)  # by kind
    company_sizes: Counter = field(default_factory=Counter)
    groups: int = 0
    memberships: int = 0
    users: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    account_organisations: list[str] = field(default_factory=list)
    requests: int = 0
    partner_searches: int = 0
    interests: int = 0
    projects: int = 0
    dossiers: int = 0
    assignments: int = 0
    reviews: int = 0
    network_life: dict = field(default_factory=dict)
    bulk_projects: dict = field(default_factory=dict)  # label → count (projects.demo_scale)


@dataclass
class _Group:
    name: str
    base: str
    category: str
    figures: tuple[int, int, int]
    members: int = 0


UNFORTUNATE = {"CACA", "CON", "CONS", "CRAP", "CUL", "PIPI", "PUTE"}  # acronyms to avoid
MINOR_WORDS = {"d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur"}


def _de(word: str) -> str:
    """The preposition "de" before `word`, elided when it starts with a vowel or an h."""
    return "d'" if word[:1].lower() in "aeiouyhéèêàâîôû" else "de "


def _of(place: str) -> str:
    """ "de Lyon", "d'Albi", "du Mans" """
    if place.startswith("Le "):
        return "du " + place.removeprefix("Le ")
    return _de(place) + place


def _at(place: str) -> str:
    """ "à Lyon", "au Havre" """
    if place.startswith("Le "):
        return "au " + place.removeprefix("Le ")
    return "à " + place


def _theme(family: str) -> Theme:
    return THEMES.get(family, THEMES["services"])


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _acronym(name: str) -> str:
    """The initials of a lab's name, as labs sign their papers: "LIG" for "Laboratoire d'…"."""
    words = name.replace("'", " ").replace("-", " ").split()
    return "".join(word[0].upper() for word in words if word.lower() not in MINOR_WORDS)


def _domain(slug: str) -> str:
    """A domain under the reserved .example top-level domain (a label has 63 characters)."""
    return f"{slug[:63].rstrip('-')}.example"


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def quotas(total: int, shares) -> list:
    """`total` values in the proportions of `shares` (largest remainder), in their order."""
    exact = [(value, total * share) for value, share in shares]
    counts = {value: int(amount) for value, amount in exact}
    by_remainder = sorted(exact, key=lambda pair: pair[1] - int(pair[1]), reverse=True)
    for value, _amount in by_remainder[: total - sum(counts.values())]:
        counts[value] += 1
    return [value for value, count in counts.items() for _ in range(count)]


class _Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.poles = list(Pole.objects.order_by("slug").prefetch_related("regions"))
        self.pole_regions = {
            pole.pk: [pole.main_region_id]
            + sorted(
                code for code in (r.code for r in pole.regions.all()) if code != pole.main_region_id
            )
            for pole in self.poles
        }
        self.poles_by_region: dict[str, list[Pole]] = {}
        self.poles_by_family: dict[str, list[Pole]] = {}
        for pole in self.poles:
            for code in self.pole_regions[pole.pk]:
                self.poles_by_region.setdefault(code, []).append(pole)
            self.poles_by_family.setdefault(pole.theme_family, []).append(pole)
        # The demo accounts' pôle gets more members, so that its animator has work to do.
        self.pole_weights = [
            POLE_WEIGHTS.get(pole.category, 1) * (2 if pole.slug == DEMO_POLE else 1)
            for pole in self.poles
        ]
        self.competence_ids = dict(Competence.objects.values_list("slug", "pk"))
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.sirens: set[str] = set()
        self.rnsrs: set[str] = set()
        self.uais: set[str] = set()
        self.unit_numbers: set[str] = set()
        self.groups: list[_Group] = []
        self.email_counter = 0
        self.region_names = dict(Region.objects.values_list("code", "name"))
        # The demo accounts' organisations are created after the run: keep their numbers free.
        self.sirens.add(DEMO_COMPANY_SIREN)
        self.rnsrs.add(DEMO_LAB_RNSR)

    # -- names and identifiers ------------------------------------------------------------

    def brand(self) -> str:
        rng = self.rng
        return (
            rng.choice(BRAND_STARTS) + rng.choice(BRAND_MIDDLES) + rng.choice(BRAND_ENDS)
        ).capitalize()

    def unique_name(self, make, accept=lambda name: True) -> str:
        """A name from `make()` not used yet in this run; numbered after a few collisions."""
        for _attempt in range(12):
            name = make()
            if name.casefold() not in self.names and accept(name):
                break
        number = 2
        base = name
        while name.casefold() in self.names:
            name = f"{base} {number}"
            number += 1
        self.names.add(name.casefold())
        return name

    def unique_slug(self, name: str) -> str:
        base = slugify(name)[:200] or "organisation"
        slug, number = base, 2
        while slug in self.slugs:
            slug = f"{base}-{number}"
            number += 1
        self.slugs.add(slug)
        return slug

    def new_siren(self) -> str:
        while True:
            siren = identifiers.make_siren(str(self.rng.randint(30_000_000, 99_999_999)))
            if siren not in self.sirens:
                self.sirens.add(siren)
                return siren

    def new_rnsr(self) -> str:
        while True:
            digits = f"{self.rng.randint(1990, 2020)}{self.rng.randint(0, 99_999):05d}"
            rnsr = digits + identifiers.check_letter(digits)
            if rnsr not in self.rnsrs:
                self.rnsrs.add(rnsr)
                return rnsr

    def new_uai(self, postcode: str) -> str:
        """7 digits (the département on three, as real UAI do) and the check letter."""
        if postcode.startswith("97"):
            department = postcode[:3]
        elif postcode.startswith("20"):
            department = "620" if postcode < "20200" else "720"  # Corse-du-Sud, Haute-Corse
        else:
            department = "0" + postcode[:2]
        while True:
            digits = f"{department}{self.rng.randint(0, 9999):04d}"
            uai = digits + identifiers.check_letter(digits)
            if uai not in self.uais:
                self.uais.add(uai)
                return uai

    def unit_code(self, region: str, family: str) -> str:
        rng = self.rng
        while True:
            if family == "sante" and rng.random() < 0.5:
                code = f"Inserm U{rng.randint(1000, 1330)}"
            else:
                code = _weighted(
                    rng,
                    [
                        (f"UMR {UMR_FIRST_DIGIT.get(region, '9')}{rng.randint(0, 999):03d}", 7),
                        (f"UPR {rng.randint(2000, 9100)}", 1),
                        (f"EA {rng.randint(1000, 7999)}", 2),
                    ],
                )
            if code not in self.unit_numbers:
                self.unit_numbers.add(code)
                return code

    # -- places, pôles, vocabulary --------------------------------------------------------

    def place(self, region: str) -> tuple[str, str]:
        if region in PLACES:
            return self.rng.choice(PLACES[region])
        return self.fake.postcode(), self.fake.city()

    def choose_poles(self, count: int | None = None) -> tuple[list[Pole], str]:
        """The pôles an organisation joins (first = its main one) and the region it is in.

        `count` pôles when given, else 1 to 3 drawn by MEMBERSHIP_COUNT_WEIGHTS.
        """
        rng = self.rng
        first = rng.choices(self.poles, weights=self.pole_weights)[0]
        codes = self.pole_regions[first.pk]
        if rng.random() < 0.85:
            region = rng.choices(codes, weights=[3] + [1] * (len(codes) - 1))[0]
        else:
            region = _weighted(rng, METRO_REGION_WEIGHTS)
        poles = [first]
        count = count or _weighted(rng, MEMBERSHIP_COUNT_WEIGHTS)
        for _attempt in range(count * 4):
            if len(poles) == count:
                break
            draw = rng.random()
            if draw < 0.6:
                candidates = self.poles_by_region.get(region) or self.poles
            elif draw < 0.85:
                candidates = self.poles_by_family[first.theme_family]
            else:
                candidates = self.poles
            pole = rng.choice(candidates)
            if pole not in poles:
                poles.append(pole)
        return poles, region

    def competences(self, families: list[str], kind: str) -> list[int]:
        rng = self.rng
        pool = list(_theme(families[0]).competences)
        for family in families[1:]:
            pool += [slug for slug in _theme(family).competences if slug not in pool]
        chosen = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        if kind == OrganisationKind.TRAINING:
            chosen[-1:] = ["formation-competences"]
        elif len(chosen) < 5 and rng.random() < 0.2:
            extra = rng.choice(CROSS_CUTTING_COMPETENCES)
            if extra not in chosen:
                chosen.append(extra)
        return [self.competence_ids[slug] for slug in chosen if slug in self.competence_ids]

    def keywords(self, families: list[str]) -> str:
        rng = self.rng
        words = rng.sample(_theme(families[0]).keywords, rng.randint(2, 4))
        if len(families) > 1 and rng.random() < 0.5:
            extra = rng.choice(_theme(families[1]).keywords)
            if extra not in words:
                words.append(extra)
        return ", ".join(words)

    # -- one organisation of each kind ----------------------------------------------------

    def figures(self, category: str) -> tuple[int, int, int]:
        """Group-level headcount, turnover and balance sheet consistent with `category`."""
        rng = self.rng

        def log_uniform(low: int, high: int) -> int:
            return min(high, int(low * (high / low) ** rng.random()))

        if category == sizes.MICRO:
            headcount = rng.randint(1, 9)
            turnover = headcount * rng.randint(60, 180) * 1000
            balance = int(turnover * rng.uniform(0.4, 1.1))
        elif category == sizes.PME:
            headcount = log_uniform(10, 249)
            turnover = min(headcount * rng.randint(90, 220) * 1000, 49_500_000)
            balance = min(int(turnover * rng.uniform(0.5, 1.0)), 42_000_000)
        elif category == sizes.ETI:
            headcount = log_uniform(250, 4999)
            turnover = min(headcount * rng.randint(150, 320) * 1000, 1_450_000_000)
            balance = min(int(turnover * rng.uniform(0.6, 1.3)), 1_900_000_000)
        else:
            headcount = log_uniform(5000, 120_000)
            turnover = headcount * rng.randint(200, 400) * 1000
            balance = int(turnover * rng.uniform(0.8, 1.6))
        turnover = round(turnover, -4)
        balance = round(balance, -4)
        assert sizes.size_category(headcount, turnover, balance) == category
        return headcount, turnover, balance

    def company(self, families: list[str], region: str, city: str) -> dict:
        rng, fake, theme = self.rng, self.fake, _theme(families[0])
        category = self.company_sizes.pop()
        group = None
        open_groups = [
            group
            for group in self.groups
            if group.category == category and group.members < MAX_GROUP_MEMBERS
        ]
        if open_groups and rng.random() < JOIN_GROUP_CHANCE:
            group = rng.choice(open_groups)
            figures = group.figures  # sizes are measured at group level
        else:
            figures = self.figures(category)
        legal_form = _weighted(rng, LEGAL_FORMS[category])

        bases: list[str] = []  # the distinctive part of the last name made, for a group name

        def make_name() -> str:
            word = rng.choice(theme.name_words)
            if group is not None:
                base, name = group.base, f"{group.base} {word}"
            else:
                pattern = rng.random()
                if pattern < 0.3:
                    base = fake.last_name()
                    name = f"{base} {word}"
                elif pattern < 0.6:
                    base = self.brand()
                    name = f"{base} {word}"
                elif pattern < 0.75:
                    base = name = self.brand()
                elif pattern < 0.87:
                    base = fake.last_name()
                    name = f"{base} & {fake.last_name()}"
                else:
                    base = self.brand()
                    name = f"{word} {_of(city)}"
            bases.append(base)
            return f"{name} {legal_form}".strip()

        name = self.unique_name(make_name)
        taken = {existing.base for existing in self.groups}
        if group is None and rng.random() < FOUND_GROUP_CHANCE[category] and bases[-1] not in taken:
            base = bases[-1]
            group = _Group(name=f"Groupe {base}", base=base, category=category, figures=figures)
            self.groups.append(group)
        if group is not None:
            group.members += 1
        headcount, turnover, balance = figures
        sentences = [f"{name} {rng.choice(theme.activities)}."]
        if group is not None and rng.random() < 0.7:
            sentences.append(f"Elle fait partie du groupe {group.base}.")
        elif rng.random() < 0.6:
            low, high = FOUNDED[category]
            people = "salarié" if headcount == 1 else "salariés"
            sentences.append(
                f"Implantée {_at(city)} depuis {rng.randint(low, high)}, l'entreprise compte "
                f"{_thousands(headcount)} {people}."
            )
        if rng.random() < 0.5:
            sentences.append(rng.choice(COMPANY_PROSPECTS))
        siren = self.new_siren()
        return {
            "name": name,
            "slug_base": name.removesuffix(legal_form).strip(),
            "siren": siren,
            "siret": identifiers.make_siret(siren, f"{rng.choice([1, 1, 1, 2, 3, 12, 25]):04d}"),
            "group_name": group.name if group is not None else "",
            "headcount": headcount,
            "turnover_eur": turnover,
            "balance_sheet_eur": balance,
            "description": " ".join(sentences),
        }

    def research(self, families: list[str], region: str, city: str) -> dict:
        rng, theme = self.rng, _theme(families[0])
        fields: list[str] = []  # disciplines of the last name made

        def make_name() -> str:
            fields[:] = [rng.choice(theme.disciplines)]
            first = fields[0]
            pattern = rng.random()
            if pattern < 0.6:
                second = rng.choice(_theme(rng.choice(families)).disciplines)
                if pattern < 0.4 or second == first:
                    return f"Laboratoire {_de(first)}{first} {_of(city)}"
                fields.append(second)
                return f"Laboratoire {_de(first)}{first} et {_de(second)}{second} {_of(city)}"
            if pattern < 0.8:
                return f"Institut {_de(first)}{first} {_of(city)}"
            return f"Centre de recherche en {first.lower()} {_of(city)}"

        name = self.unique_name(make_name, accept=lambda name: _acronym(name) not in UNFORTUNATE)
        acronym = _acronym(name)
        unit = self.unit_code(region, families[0])
        supervisor = {
            "sante": "de l'université et de l'Inserm",
            "agro": "d'INRAE et de l'université",
            "mer": "de l'Ifremer et de l'université",
        }.get(families[0], "de l'université et du CNRS")
        topics = " et en ".join(field.lower() for field in fields)
        sentences = [
            f"Le laboratoire mène des recherches en {topics} et travaille avec les industriels "
            "de sa filière.",
            f"Il rassemble environ {rng.randint(4, 60) * 5} chercheurs, enseignants-chercheurs, "
            "ingénieurs et doctorants.",
            rng.choice(
                [
                    f"Il est placé sous la tutelle {supervisor}.",
                    "Ses plateformes expérimentales sont ouvertes aux entreprises.",
                    "Il encadre de nombreuses thèses CIFRE avec des PME et des grands groupes.",
                ]
            ),
        ]
        return {
            "name": f"{name} ({acronym}, {unit})" if rng.random() < 0.7 else f"{name} ({unit})",
            "slug_base": name,
            "rnsr": self.new_rnsr(),
            "description": " ".join(sentences[: rng.randint(2, 3)]),
            "website": f"https://{acronym.lower()}.{slugify(city)}.example",
        }

    def training(self, families: list[str], region: str, city: str, postcode: str) -> dict:
        rng, fake, theme = self.rng, self.fake, _theme(families[0])
        choice = rng.random()
        students = rng.randint(4, 120) * 50
        discipline = rng.choice(theme.disciplines)
        of_discipline = f"{_de(discipline)}{discipline.lower()}"
        if choice < 0.25:
            name = self.unique_name(lambda: f"Université {_of(city)}")
            first = (
                "Université pluridisciplinaire, elle accueille près de "
                f"{_thousands(students * 5)} étudiants."
            )
        elif choice < 0.5:
            name = self.unique_name(lambda: f"IUT {_of(city)}")
            first = (
                f"L'IUT prépare notamment au BUT {rng.choice(theme.but_specialities)} et accueille "
                f"{_thousands(students)} étudiants."
            )
        elif choice < 0.8:
            name = self.unique_name(
                lambda: rng.choice(
                    [
                        f"École nationale supérieure {of_discipline} {_of(city)}",
                        f"École d'ingénieurs {self.brand()} {city}",
                        f"Institut polytechnique {_of(city)}",
                    ]
                )
            )
            first = (
                f"L'école forme chaque année {rng.randint(4, 40) * 10} ingénieurs, notamment en "
                f"{discipline.lower()}."
            )
        else:
            name = self.unique_name(
                lambda: f"Lycée des métiers {fake.first_name()} {fake.last_name()}"
            )
            first = (
                "Le lycée prépare aux BTS et aux baccalauréats professionnels des métiers de "
                "l'industrie."
            )
        second = rng.choice(
            [
                "Des formations continues sont construites avec les entreprises du territoire.",
                "Les étudiants réalisent projets et stages chez les membres du pôle.",
                "Une plateforme technologique est ouverte aux PME pour leurs essais et prototypes.",
                "L'apprentissage y est développé avec les industriels de la région.",
            ]
        )
        return {"name": name, "uai": self.new_uai(postcode), "description": f"{first} {second}"}

    def rto(self, families: list[str], region: str, city: str) -> dict:
        rng, theme = self.rng, _theme(families[0])
        is_ite = families[0] in {"energie", "environnement", "mer"} or rng.random() < 0.15
        prefix = "ITE" if is_ite else "IRT"
        name = self.unique_name(
            lambda: f"{prefix} {rng.choice(SCIENTISTS) if rng.random() < 0.6 else self.brand()}"
        )
        label = (
            "Institut pour la transition énergétique"
            if is_ite
            else "Institut de recherche technologique"
        )
        sentences = [
            f"{label} consacré {theme.phrase}, l'{prefix} associe industriels et laboratoires "
            "publics dans des programmes de recherche partagés.",
            rng.choice(
                [
                    "Il met ses plateformes technologiques à la disposition des PME.",
                    f"Il emploie environ {rng.randint(8, 60) * 5} ingénieurs et chercheurs, "
                    "dont une partie mise à disposition par ses membres.",
                    f"Ses équipes sont installées {_at(city)}.",
                ]
            ),
        ]
        return {"name": name, "description": " ".join(sentences)}

    def other(self, families: list[str], region: str, city: str) -> tuple[dict, bool]:
        rng = self.rng
        pattern, description, public = rng.choice(OTHER_BODIES)
        region_name = self.region_names.get(region, "")
        name = self.unique_name(
            lambda: pattern.format(
                city=city, of_city=_of(city), region=region_name, brand=self.brand()
            )
        )
        return {"name": name, "description": description}, public

    # -- memberships and people -----------------------------------------------------------

    def membership_dates(self, status: str) -> tuple[date | None, date | None]:
        rng = self.rng
        if status == MembershipStatus.ACTIVE:
            span = (AS_OF - timedelta(days=30) - FIRST_MEMBERSHIP).days
            start = FIRST_MEMBERSHIP + timedelta(days=rng.randint(0, span))
            if rng.random() < 0.4:
                start = start.replace(month=1, day=1)
            return start, None
        if status == MembershipStatus.LAPSED:
            start = FIRST_MEMBERSHIP + timedelta(days=rng.randint(0, 16 * 365))
            end_year = min(start.year + rng.randint(0, 5), AS_OF.year - 1)
            return start, date(end_year, 12, 31)
        return None, None  # pending and refused: never started

    def people(self, kind: str, slug: str) -> list[tuple[dict, str, str]]:
        """1–3 people for the organisation: (user fields, role, job title)."""
        rng, fake = self.rng, self.fake
        people = []
        for index in range(rng.randint(1, 3)):
            female = rng.random() < 0.5
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            self.email_counter += 1
            email = f"{slugify(first)}.{slugify(last)}.{self.email_counter}@{_domain(slug)}"
            title = rng.choice(JOB_TITLES[kind])[1 if female else 0]
            role = AffiliationRole.ADMIN if index == 0 else AffiliationRole.MEMBER
            people.append(({"email": email, "first_name": first, "last_name": last}, role, title))
        return people

    # -- the run --------------------------------------------------------------------------

    def run(self, count: int, result: SeedResult, *, memberships_target: int = 0) -> None:
        rng, fake = self.rng, self.fake
        kinds = quotas(count, KIND_SHARES)
        rng.shuffle(kinds)
        self.company_sizes = quotas(kinds.count(OrganisationKind.COMPANY), SIZE_SHARES)
        rng.shuffle(self.company_sizes)
        competence_links = []
        organisations: list[Organisation] = []
        memberships: list[Membership] = []
        # With a target, each organisation joins its share of it (whole numbers, shuffled).
        self.pole_counts = None
        if memberships_target:
            per, extra = divmod(min(memberships_target, count * len(self.poles)), count)
            self.pole_counts = [per + 1] * extra + [per] * (count - extra)
            rng.shuffle(self.pole_counts)
        planned_people: list[tuple[Organisation, list]] = []
        for index, kind in enumerate(kinds):
            poles, region = self.choose_poles(self.pole_counts[index] if self.pole_counts else None)
            families = list(dict.fromkeys(pole.theme_family for pole in poles))
            postcode, city = self.place(region)
            college = None
            if kind == OrganisationKind.COMPANY:
                fields = self.company(families, region, city)
            elif kind == OrganisationKind.RESEARCH:
                fields = self.research(families, region, city)
            elif kind == OrganisationKind.TRAINING:
                fields = self.training(families, region, city, postcode)
            elif kind == OrganisationKind.RTO:
                fields = self.rto(families, region, city)
            else:
                fields, public = self.other(families, region, city)
                if public:
                    college = College.AUTHORITIES
            slug = self.unique_slug(fields.pop("slug_base", fields["name"]))
            website = fields.pop("website", "") or f"https://www.{_domain(slug)}"
            organisation = Organisation(
                kind=kind,
                slug=slug,
                address=fake.street_address(),
                postcode=postcode,
                city=city,
                region_id=region,
                website=website if rng.random() < 0.9 else "",
                keywords=self.keywords(families),
                is_published=rng.random() < 0.95,
                **fields,
            )
            # What create_organisation checks, minus its queries: identifiers and the size
            # category (clean), field by field; names, slugs and identifiers are unique by
            # construction (the sets above), and the database enforces it, as it does the
            # region (a code of the loaded regions).
            organisation.full_clean(
                exclude=["region"], validate_unique=False, validate_constraints=False
            )
            organisations.append(organisation)
            result.organisations[kind] += 1
            if organisation.size_category:
                result.company_sizes[organisation.size_category] += 1
            competence_links += [(organisation, pk) for pk in self.competences(families, kind)]
            for pole in poles:
                status = _weighted(rng, STATUS_WEIGHTS)
                start, end = self.membership_dates(status)
                membership = Membership(
                    organisation=organisation,
                    pole=pole,
                    status=status,
                    college=college or default_college(organisation),
                    start_date=start,
                    end_date=end,
                )
                # What record_membership's full_clean checks, minus its queries: the pairs are
                # distinct and end >= start by construction, and the database enforces both.
                membership.clean_fields(exclude=["organisation", "pole"])
                memberships.append(membership)
            if rng.random() < USERS_CHANCE:
                planned_people.append((organisation, self.people(kind, slug)))
        result.groups = sum(1 for group in self.groups if group.members > 1)
        Organisation.objects.bulk_create(organisations, batch_size=1000)
        refresh_search_data([organisation.pk for organisation in organisations])
        Membership.objects.bulk_create(memberships, batch_size=1000)
        result.memberships = len(memberships)

        through = Organisation.competences.through
        through.objects.bulk_create(
            [through(organisation_id=org.pk, competence_id=comp) for org, comp in competence_links],
            batch_size=1000,
        )
        User = get_user_model()
        users, affiliations = [], []
        for organisation, people in planned_people:
            for user_fields, role, title in people:
                user = User(**user_fields)
                user.set_unusable_password()  # they exist to be listed, not to sign in
                users.append(user)
                affiliations.append(
                    Affiliation(user=user, organisation=organisation, role=role, job_title=title)
                )
        User.objects.bulk_create(users, batch_size=1000)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=1000,
        )
        Affiliation.objects.bulk_create(affiliations, batch_size=1000)
        result.users = len(users)


# -- demo accounts ------------------------------------------------------------------------


def _demo_user(email: str, first_name: str, last_name: str, password: str, **flags):
    User = get_user_model()
    user, _created = User.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "password": password,
            "is_active": True,
            **flags,
        },
    )
    EmailAddress.objects.filter(user=user).exclude(email=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _demo_organisation(**fields) -> Organisation:
    """The organisation of a demo account, found by name so that a second run reuses it."""
    existing = Organisation.objects.filter(name=fields["name"]).first()
    return existing or create_organisation(actor=None, **fields)


def create_demo_accounts(result: SeedResult) -> None:
    """The demo personas (idempotent); they all share DEMO_PASSWORD.

    Side effects: the animator becomes staff of the demo pôle (`appoint_pole_staff`).
    """
    try:
        pole = Pole.objects.get(slug=DEMO_POLE)
    except Pole.DoesNotExist:
        raise DemoDataError(f"the pôle {DEMO_POLE!r} is missing; run load_poles first.") from None
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
    competences = dict(Competence.objects.values_list("slug", "pk"))

    admin = _demo_user(
        "admin@poles.example", "Camille", "Durand", password, is_staff=True, is_superuser=True
    )
    result.accounts.append(DemoAccount(admin.email, "superuser"))

    animator = _demo_user(
        "animateur@poles.example", "Julien", "Lefèvre", password, is_superuser=False
    )
    appoint_pole_staff(actor=None, user=animator, pole=pole)
    result.accounts.append(DemoAccount(animator.email, f"animator of the pôle {pole}"))

    company = _demo_organisation(
        name="Cobotix (démo)",
        kind=OrganisationKind.COMPANY,
        siret=identifiers.make_siret(DEMO_COMPANY_SIREN, "0001"),
        headcount=38,
        turnover_eur=6_200_000,
        balance_sheet_eur=4_100_000,
        address="12, rue Jean Rostand",
        postcode="91400",
        city="Orsay",
        region_id="11",
        website="https://www.cobotix-demo.example",
        description="Cobotix (démo) conçoit des robots collaboratifs pour les ateliers des PME. "
        "Entreprise de démonstration du portail.",
        keywords="cobotique, vision par ordinateur, PME industrielles",
        competences=[
            competences[slug]
            for slug in ("robotique", "intelligence-artificielle", "logiciel-embarque")
            if slug in competences
        ],
    )
    lab = _demo_organisation(
        name="Laboratoire d'informatique de Palaiseau (démo)",
        kind=OrganisationKind.RESEARCH,
        rnsr=DEMO_LAB_RNSR,
        address="1, rue Honoré d'Estienne d'Orves",
        postcode="91120",
        city="Palaiseau",
        region_id="11",
        website="https://www.labo-palaiseau-demo.example",
        description="Le laboratoire mène des recherches en intelligence artificielle et en "
        "systèmes embarqués. Laboratoire de démonstration du portail.",
        keywords="apprentissage automatique, systèmes critiques",
        competences=[
            competences[slug]
            for slug in ("intelligence-artificielle", "science-des-donnees")
            if slug in competences
        ],
    )
    funder = _demo_organisation(
        name=DEMO_FUNDER,
        kind=OrganisationKind.OTHER,
        address="27, avenue du Général Leclerc",
        postcode="94700",
        city="Maisons-Alfort",
        region_id="11",
        website="https://www.bpifrance-demo.example",
        description="Financeur de démonstration : instruit et finance les projets collaboratifs.",
        is_published=False,
    )
    region = _demo_organisation(
        name=DEMO_REGION,
        kind=OrganisationKind.OTHER,
        address="2, rue Simone Veil",
        postcode="93400",
        city="Saint-Ouen-sur-Seine",
        region_id="11",
        website="https://www.iledefrance-demo.example",
        description="Conseil régional de démonstration : cofinance les projets de son territoire.",
        is_published=False,
    )
    for organisation, since in ((company, date(2019, 1, 1)), (lab, date(2015, 1, 1))):
        record_membership(
            actor=None,
            organisation=organisation,
            pole=pole,
            status=MembershipStatus.ACTIVE,
            start_date=since,
        )
    result.account_organisations = [company.name, lab.name, funder.name, region.name]

    for email, first, last, organisation, role, label in (
        (
            "entreprise@poles.example",
            "Sophie",
            "Bernard",
            company,
            AffiliationRole.ADMIN,
            f"admin of {company} (PME, member of {pole})",
        ),
        (
            "labo@poles.example",
            "Marc",
            "Petit",
            lab,
            AffiliationRole.ADMIN,
            f"admin of {lab} (member of {pole})",
        ),
        (
            "financeur@poles.example",
            "Nathalie",
            "Roux",
            funder,
            AffiliationRole.MEMBER,
            f"reviewer for Bpifrance (demo call), member of {funder}",
        ),
        (
            "gestionnaire@poles.example",
            "Karim",
            "Haddad",
            funder,
            AffiliationRole.MEMBER,
            "manager of the review of the demo call for Bpifrance and the Région Île-de-France",
        ),
        (
            "evaluateur@poles.example",
            "Élise",
            "Moreau",
            region,
            AffiliationRole.MEMBER,
            f"reviewer for the Région Île-de-France (demo call), member of {region}",
        ),
    ):
        user = _demo_user(email, first, last, password, is_staff=False, is_superuser=False)
        affiliate_user(actor=None, user=user, organisation=organisation, role=role)
        result.accounts.append(DemoAccount(email, label))
    enable_demo_totp()


def demo_totp_secret(email: str) -> str:
    """The authenticator secret of a demo account: the same on every run of this installation
    (derived from the address and SECRET_KEY), different from one installation to another."""
    digest = salted_hmac("members.demo.totp", email.lower(), algorithm="sha256").digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def enable_demo_totp() -> int:
    """Give the demo staff and funder accounts their authenticator app (TOTP), unless they
    have one (a person may have set up his own); returns how many were given one."""
    given = 0
    for user in get_user_model().objects.filter(email__in=DEMO_TOTP_EMAILS).order_by("email"):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(user.email))
            given += 1
    return given


def current_totp_code(user, *, at: float | None = None) -> str | None:
    """The code `user`'s authenticator app shows now (None without one), computed with
    allauth's own functions."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def seed_demo(
    *, organisations: int = 300, seed: int = 2014, memberships: int = 0, projects: int = 0
) -> SeedResult:
    """Fill an empty database with `organisations` demo organisations and the demo accounts.

    `memberships`, when given, is the number of memberships the generated organisations hold
    in all (else each joins 1 to 3 pôles); `projects` adds that many generated projects to the
    demo ones (`projects.demo_scale`), for measuring the portal at the network's size.
    Loads the pôles first if there are none. Raises DemoDataError, writing nothing, when
    organisations already exist.
    """
    if organisations < 1:
        raise DemoDataError("--organisations must be at least 1.")
    if memberships < 0 or projects < 0:
        raise DemoDataError("--memberships and --projects cannot be negative.")
    result = SeedResult()
    with transaction.atomic():
        if Organisation.objects.exists():
            raise DatabaseNotEmpty(
                "the database already has organisations; seed_demo fills an empty database."
            )
        if not Pole.objects.exists():
            load_poles()
        # Competences are linked in bulk after the organisations are created: their search
        # data is refreshed once, for all of them, at the end of the block.
        with deferred_refresh():
            _Generator(seed).run(organisations, result, memberships_target=memberships)
        create_demo_accounts(result)
        result.requests = seed_requests(random.Random(seed + 2))
        # Imported here: the projects app builds on the members app, not the reverse.
        from projects.demo import seed_partner_searches, seed_projects

        partner_searches = seed_partner_searches(random.Random(seed + 1))
        result.partner_searches = partner_searches.partner_searches
        result.interests = partner_searches.interests
        made = seed_projects(random.Random(seed + 3))
        result.projects = made.projects
        result.dossiers = made.dossiers
        result.assignments = made.assignments
        result.reviews = made.reviews
        result.network_life = seed_network_life(seed=seed)
        if projects:
            from projects.demo_scale import seed_bulk_projects

            result.bulk_projects = seed_bulk_projects(random.Random(seed + 4), projects)
    return result


def seed_network_life(*, seed: int = 2014, now=None) -> dict[str, int]:
    """The network's animation (issue 6): events, business meetings, services, platforms, fees
    and the outcomes of funded projects. Each part has its own module and random stream, in
    this order (meetings need the events' registrations, outcomes the funded projects).
    Returns label → count, for seed_demo to print.
    """
    from django.utils import timezone

    from members.demo_fees import seed_fees
    from members.demo_platforms import seed_platforms
    from poles.demo_events import seed_events
    from poles.demo_meetings import seed_meetings
    from poles.demo_services import seed_services
    from projects.demo_outcomes import seed_outcomes

    now = now or timezone.now()
    figures: dict[str, int] = {}
    parts = [seed_events, seed_meetings, seed_services, seed_platforms, seed_fees, seed_outcomes]
    for offset, part in enumerate(parts, start=10):
        figures.update(part(random.Random(seed + offset), now=now))
    return figures


def add_missing_network_life(*, seed: int = 2014) -> dict[str, int] | None:
    """On a demo database made before the network's animation existed, add it once.

    Does nothing (returns None) unless the demo company is there and no event exists yet.
    """
    from poles.models import Event
    from projects.demo import DEMO_COMPANY

    if Event.objects.exists() or not Organisation.objects.filter(name=DEMO_COMPANY).exists():
        return None
    with transaction.atomic():
        return seed_network_life(seed=seed)


def add_missing_projects(*, seed: int = 2014) -> int:
    """On a demo database seeded before the projects existed, add the demo call and projects.

    Does nothing (returns 0) unless the demo company is there and no project exists yet, so
    that `seed_demo --if-empty` tops up an older demo database once and never touches a real
    one. Returns the number of projects added.
    """
    from projects.demo import DEMO_COMPANY, seed_projects
    from projects.models import Project

    if Project.objects.exists() or not Organisation.objects.filter(name=DEMO_COMPANY).exists():
        return 0
    return seed_projects(random.Random(seed + 3)).projects


def add_missing_review(*, seed: int = 2014):
    """On a demo database made before the review by funders existed, add it once: the new
    demo accounts (gestionnaire@, evaluateur@), authenticator apps for the staff and funder
    accounts, two more submitted dossiers, the funders of the demo call, assignments and a
    review (`projects.demo.add_review_demo`).

    Does nothing (returns None) unless the demo company and the demo call are there and the
    demo manager has no funder role yet. Returns the `ProjectSeedResult` of what was added.
    """
    from funding.models import Call, FunderMember
    from projects.demo import DEMO_CALL, DEMO_COMPANY, add_review_demo

    if (
        not Organisation.objects.filter(name=DEMO_COMPANY).exists()
        or not Call.objects.filter(slug=DEMO_CALL).exists()
        or FunderMember.objects.filter(user__email="gestionnaire@poles.example").exists()
    ):
        return None
    with transaction.atomic():
        create_demo_accounts(SeedResult())
        return add_review_demo(random.Random(seed + 4))


MEMBERSHIP_MOTIVATIONS = (
    "Nous préparons un projet collaboratif et cherchons des partenaires dans le réseau du pôle.",
    "Rejoindre l'écosystème du pôle pour nos recherches de financement et nos recrutements.",
    "Participer aux groupes de travail thématiques et aux rendez-vous d'affaires du pôle.",
)


def seed_requests(rng: random.Random) -> int:
    """Requests waiting for the demo personas: organisations asking to join the demo pôle (its
    animator decides in the admin) and a newcomer asking to join the demo company (its admin
    decides in his space). Written directly, without e-mails, like the rest of the demo."""
    pole = Pole.objects.get(slug=DEMO_POLE)
    candidates = list(
        Organisation.objects.public()
        .exclude(memberships__pole=pole)
        .exclude(kind=OrganisationKind.OTHER)
        .order_by("pk")[:200]
    )
    count = 0
    for organisation in rng.sample(candidates, min(3, len(candidates))):
        membership = Membership(
            organisation=organisation,
            pole=pole,
            status=MembershipStatus.PENDING,
            college=default_college(organisation),
            motivation=rng.choice(MEMBERSHIP_MOTIVATIONS),
        )
        membership.full_clean()
        membership.save()
        count += 1
    company = Organisation.objects.get(siren=DEMO_COMPANY_SIREN)
    newcomer = get_user_model().objects.create_user(
        email="nouvelle.recrue@cobotix-demo.example",
        first_name="Inès",
        last_name="Nouvelle",
    )
    newcomer.set_unusable_password()
    newcomer.save(update_fields=["password"])
    OrganisationJoinRequest.objects.create(
        user=newcomer,
        organisation=company,
        job_title="Ingénieure roboticienne",
        message="Je viens d'arriver au bureau d'études de Cobotix.",
    )
    return count + 1
