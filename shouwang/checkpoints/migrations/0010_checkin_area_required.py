"""Every passage names its area (filled by 0009)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0009_fill_checkin_area")]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="所属辖区",
            ),
        ),
    ]
