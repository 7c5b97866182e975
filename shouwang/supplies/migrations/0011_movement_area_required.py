"""Every movement names its area (filled by 0010)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supplies", "0010_fill_movement_area")]

    operations = [
        migrations.AlterField(
            model_name="movement",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="所属辖区",
            ),
        ),
    ]
