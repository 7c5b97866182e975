"""Each passage keeps the area its checkpoint lay in (nullable until filled by 0009):
a checkpoint moved to another area leaves its past counts where they were made."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_grid_unique_name_message"),
        ("checkpoints", "0007_pass_client_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="area",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="所属辖区",
            ),
        ),
    ]
