"""Each existing passage is credited to its checkpoint's area as it is now (the only
area known for it). Reversing leaves the column to 0008's reversal."""

from django.db import migrations, models


def fill(apps, schema_editor):
    Checkpoint = apps.get_model("checkpoints", "Checkpoint")
    CheckIn = apps.get_model("checkpoints", "CheckIn")
    area = Checkpoint.objects.filter(pk=models.OuterRef("checkpoint_id")).values("area_id")[:1]
    CheckIn.objects.filter(area__isnull=True).update(area_id=models.Subquery(area))


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0008_checkin_area")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
