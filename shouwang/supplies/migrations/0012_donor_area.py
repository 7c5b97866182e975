"""A donor belongs to the office that recorded it: ``Donor.area``, nullable until
0013 fills it; the name is no longer unique across offices."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("supplies", "0011_movement_area_required"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="donor", name="supplies_donor_unique_name"),
        migrations.AddField(
            model_name="donor",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="登记单位",
            ),
        ),
    ]
