"""Seed the controlled vocabulary of competences (frozen here; later changes get migrations)."""

from django.db import migrations

VOCABULARY = {
    "numerique": [
        ("intelligence-artificielle", "Intelligence artificielle"),
        ("science-des-donnees", "Science des données et big data"),
        ("cybersecurite", "Cybersécurité"),
        ("logiciel-embarque", "Logiciel embarqué et systèmes temps réel"),
        ("calcul-haute-performance", "Calcul haute performance et simulation"),
        ("internet-des-objets", "Internet des objets"),
        ("reseaux-telecoms", "Réseaux et télécommunications"),
        ("microelectronique", "Microélectronique et semi-conducteurs"),
        ("photonique", "Photonique et optique"),
        ("realite-virtuelle", "Réalité virtuelle et augmentée"),
        ("robotique", "Robotique et cobotique"),
    ],
    "materiaux": [
        ("materiaux-composites", "Matériaux composites"),
        ("metallurgie", "Métallurgie et alliages"),
        ("polymeres", "Polymères et caoutchouc"),
        ("fabrication-additive", "Fabrication additive"),
        ("usinage-decolletage", "Usinage et décolletage"),
        ("chimie-verte", "Chimie verte et biosourcée"),
        ("textiles-techniques", "Textiles techniques"),
        ("surfaces-traitements", "Traitements de surface"),
        ("nanotechnologies", "Nanotechnologies"),
    ],
    "energie": [
        ("energies-renouvelables", "Énergies renouvelables"),
        ("stockage-energie", "Stockage de l'énergie et batteries"),
        ("hydrogene", "Hydrogène"),
        ("efficacite-energetique", "Efficacité énergétique des bâtiments"),
        ("reseaux-intelligents", "Réseaux électriques intelligents"),
        ("traitement-eau", "Traitement et gestion de l'eau"),
        ("recyclage", "Recyclage et économie circulaire"),
        ("geothermie", "Géothermie et sous-sol"),
    ],
    "sante": [
        ("biotechnologies", "Biotechnologies"),
        ("dispositifs-medicaux", "Dispositifs médicaux"),
        ("diagnostic", "Diagnostic in vitro"),
        ("imagerie-medicale", "Imagerie médicale"),
        ("e-sante", "e-santé et télémédecine"),
        ("cosmetique", "Cosmétique et parfumerie"),
        ("vaccins-infectiologie", "Vaccins et infectiologie"),
    ],
    "systemes": [
        ("aeronautique", "Aéronautique"),
        ("spatial", "Spatial et satellites"),
        ("vehicule-autonome", "Véhicule autonome et connecté"),
        ("ferroviaire", "Ferroviaire"),
        ("naval", "Naval et maritime"),
        ("logistique", "Logistique et supply chain"),
        ("mecatronique", "Mécatronique"),
        ("capteurs", "Capteurs et instrumentation"),
    ],
    "agro": [
        ("agroalimentaire", "Procédés agroalimentaires"),
        ("agriculture-precision", "Agriculture de précision"),
        ("biomasse", "Biomasse et bioraffinerie"),
        ("produits-mer", "Produits de la mer et aquaculture"),
        ("vegetal", "Sélection végétale et semences"),
        ("nutrition", "Nutrition et santé"),
    ],
    "services": [
        ("design-ergonomie", "Design et ergonomie"),
        ("fintech", "Services financiers et fintech"),
        ("contenus-numeriques", "Contenus numériques et jeu vidéo"),
        ("formation-competences", "Formation et compétences"),
        ("propriete-industrielle", "Propriété industrielle"),
    ],
}


def forward(apps, schema_editor):
    Competence = apps.get_model("members", "Competence")
    for family, entries in VOCABULARY.items():
        for slug, name in entries:
            Competence.objects.update_or_create(slug=slug, defaults={"name": name, "family": family})


def reverse(apps, schema_editor):
    Competence = apps.get_model("members", "Competence")
    slugs = [slug for entries in VOCABULARY.values() for slug, _name in entries]
    Competence.objects.filter(slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_organisation_relations")]

    operations = [migrations.RunPython(forward, reverse)]
