"""Search data of organisations: sort name, folded texts, full-text vector and their indexes.

On PostgreSQL this migration also creates the extensions unaccent and pg_trgm, the text search
configuration `french_unaccent` (French stemming after accent removal) and the two GIN indexes
(full-text vector; trigrams of `search_names`). Those steps check the database vendor and do
nothing on SQLite, where the search falls back to the folded `search_text` column.
Existing rows are filled here; afterwards `members.search.refresh_search_data` keeps them up to
date (`manage.py rebuild_search_index` refreshes everything).
"""

import unicodedata

import django.contrib.postgres.search
from django.db import migrations, models

POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    "CREATE INDEX IF NOT EXISTS organisation_search_vector_gin "
    "ON members_organisation USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS organisation_search_names_trgm "
    "ON members_organisation USING gin (search_names gin_trgm_ops)",
]
# The extensions stay: other apps may use them, and they cost nothing.
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS organisation_search_names_trgm",
    "DROP INDEX IF EXISTS organisation_search_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]

# The same values as members.search.refresh_search_data, frozen here.
POSTGRES_FILL = """
    UPDATE members_organisation AS o SET
        sort_name = unaccent(lower(o.name)),
        search_names = unaccent(lower(concat_ws(' ', o.name, c.names, o.keywords, o.city))),
        search_text = unaccent(lower(
            concat_ws(' ', o.name, c.names, o.keywords, o.city, o.description)
        )),
        search_vector =
            setweight(to_tsvector('french_unaccent', o.name), 'A')
            || setweight(to_tsvector('french_unaccent', concat_ws(' ', c.names, o.keywords)), 'B')
            || setweight(to_tsvector('french_unaccent', o.city), 'C')
            || setweight(to_tsvector('french_unaccent', o.description), 'D')
    FROM members_organisation AS base
    LEFT JOIN (
        SELECT link.organisation_id, string_agg(competence.name, ' ') AS names
        FROM members_organisation_competences AS link
        JOIN members_competence AS competence ON competence.id = link.competence_id
        GROUP BY link.organisation_id
    ) AS c ON c.organisation_id = base.id
    WHERE base.id = o.id
"""

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})


def fold(text):
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(LIGATURES))
    return "".join(char for char in text if not unicodedata.combining(char))


def set_up_postgres(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_SETUP:
        schema_editor.execute(statement)


def tear_down_postgres(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRES_TEARDOWN:
        schema_editor.execute(statement)


def fill_search_data(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FILL)
        return
    Organisation = apps.get_model("members", "Organisation")
    db = schema_editor.connection.alias
    organisations = list(Organisation.objects.using(db).prefetch_related("competences"))
    for organisation in organisations:
        names = " ".join(
            part
            for part in (
                organisation.name,
                " ".join(competence.name for competence in organisation.competences.all()),
                organisation.keywords,
                organisation.city,
            )
            if part
        )
        organisation.sort_name = fold(organisation.name)
        organisation.search_names = fold(names)
        organisation.search_text = fold(f"{names} {organisation.description}")
    Organisation.objects.using(db).bulk_update(
        organisations, ["sort_name", "search_names", "search_text"], batch_size=500
    )


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_contacts_join_requests'),
        ('poles', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='search_names',
            field=models.TextField(blank=True, editable=False, verbose_name='texte de recherche court'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='search_text',
            field=models.TextField(blank=True, editable=False, verbose_name='texte de recherche'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True, verbose_name='vecteur de recherche'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='sort_name',
            field=models.TextField(blank=True, editable=False, verbose_name='nom pour le tri'),
        ),
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['sort_name', 'id'], name='organisation_sort_name_idx'),
        ),
        migrations.RunPython(set_up_postgres, tear_down_postgres),
        migrations.RunPython(fill_search_data, migrations.RunPython.noop),
    ]
