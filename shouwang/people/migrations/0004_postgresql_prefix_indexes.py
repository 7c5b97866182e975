"""PostgreSQL only: byte-wise ("C") indexes for searching names and pinyin initials by
their beginning, in order (see ``people.models.prefix_search``). SQLite's ordinary
indexes already compare byte-wise."""

from django.db import migrations

INDEXES = [("person_name_c", "name"), ("person_initials_c", "name_initials")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON people_person (({column} COLLATE "C"), id)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_default_tags")]

    operations = [migrations.RunPython(create, drop)]
