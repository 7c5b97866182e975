"""Movements keep the area their location lay in when posted (nullable until filled
by 0010), and two kinds for a location moved to another area with its stock."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_drop_path_like_index"),
        ("supplies", "0008_plan_client_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="movement",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
                verbose_name="所属辖区",
            ),
        ),
        migrations.AlterField(
            model_name="movement",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opening", "期初"),
                    ("purchase", "采购入库"),
                    ("donation", "捐赠入库"),
                    ("transfer_in", "调入"),
                    ("transfer_out", "调出"),
                    ("issue", "发放"),
                    ("consumption", "消耗"),
                    ("loss", "损耗"),
                    ("adjustment", "盘点调整"),
                    ("relocate_out", "移出辖区"),
                    ("relocate_in", "移入辖区"),
                ],
                db_index=True,
                max_length=15,
                verbose_name="类型",
            ),
        ),
    ]
