"""A compound is in one grid at most (``Grid.check_members``), held by a unique index
on the compound in the grid-membership table, so two grids saved at the same moment
with one compound cannot both be stored. The table is the many-to-many field's own
(no model to declare a constraint on without giving up the field's form widgets), so
the index is plain SQL, the same on SQLite and PostgreSQL."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("areas", "0004_check_compounds_in_one_grid")]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX grid_one_per_compound ON areas_grid_compounds (area_id)",
            "DROP INDEX grid_one_per_compound",
        )
    ]
