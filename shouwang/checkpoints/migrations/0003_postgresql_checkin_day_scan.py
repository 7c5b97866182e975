"""PostgreSQL only: what the daily roll-up's scan of one day's check-ins needs.

- A BRIN index on the check-in time: the table keeps weeks of passages written in
  time order; the index (a few kB, next to nothing per insert) lets the scan read the
  day's pages only instead of the whole table.
- Distinct-value statistics on (checkpoint, recorder): the scan groups by both; with
  the columns' own statistics the planner multiplies their counts, expects a group
  for almost every row and sorts the whole day on disk instead of hashing in
  parallel.

SQLite has neither; its roll-up reads the table.
"""

from django.db import migrations

FORWARDS = [
    "CREATE INDEX IF NOT EXISTS checkin_at_brin ON checkpoints_checkin USING brin (at)",
    "CREATE STATISTICS IF NOT EXISTS checkin_point_recorder (ndistinct) "
    "ON checkpoint_id, recorded_by_id FROM checkpoints_checkin",
    "ANALYZE checkpoints_checkin",
]
BACKWARDS = [
    "DROP STATISTICS IF EXISTS checkin_point_recorder",
    "DROP INDEX IF EXISTS checkin_at_brin",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FORWARDS:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in BACKWARDS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0002_checkin_covering_index")]

    operations = [migrations.RunPython(forwards, backwards)]
