"""Every donor names the office that recorded it (filled by 0013); a name is unique
within an office."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supplies", "0013_split_donors_by_area")]

    operations = [
        migrations.AlterField(
            model_name="donor",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="登记单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="donor",
            constraint=models.UniqueConstraint(
                fields=("area", "kind", "name"), name="supplies_donor_unique_area_name"
            ),
        ),
    ]
