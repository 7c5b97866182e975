"""Each existing movement is credited to its location's area as it is now (the only
area the ledger knew). Reversing leaves the column to 0009's reversal."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Location = apps.get_model("supplies", "Location")
    Movement = apps.get_model("supplies", "Movement")
    area = Location.objects.filter(pk=models.OuterRef("location_id")).values("area_id")[:1]
    Movement.objects.filter(area__isnull=True).update(area_id=models.Subquery(area))


class Migration(migrations.Migration):
    dependencies = [("supplies", "0009_movement_area")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
