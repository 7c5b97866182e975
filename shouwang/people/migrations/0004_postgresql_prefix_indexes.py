"""PostgreSQL only.

- Byte-wise ("C") indexes for searching names and pinyin initials by their beginning,
  in order (see ``people.models.prefix_search``). SQLite's indexes compare byte-wise
  already.
- Drop the pattern-matching ("_like") indexes Django adds beside every indexed text
  column for the keyed hashes and last-four columns: they are only ever compared for
  equality, and each extra index slows every insert of a large import.
"""

from django.db import migrations

PREFIX_INDEXES = [("person_name_c", "name"), ("person_initials_c", "name_initials")]
EQUALITY_ONLY = ["doc_hash", "doc_last4", "phone_hash", "phone_last4"]


def _like_name(schema_editor, column):
    return schema_editor._create_index_name("people_person", [column], suffix="_like")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in PREFIX_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON people_person (({column} COLLATE "C"), id)'
        )
    for column in EQUALITY_ONLY:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_like_name(schema_editor, column)}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for column in EQUALITY_ONLY:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_like_name(schema_editor, column)} "
            f"ON people_person ({column} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_default_tags")]

    operations = [migrations.RunPython(forwards, backwards)]
