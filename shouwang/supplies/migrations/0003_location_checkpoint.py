import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0001_initial"),
        ("supplies", "0002_catalog"),
    ]

    operations = [
        migrations.AddField(
            model_name="location",
            name="checkpoint",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="checkpoints.checkpoint",
                verbose_name="对应卡点",
            ),
        ),
        migrations.AlterField(
            model_name="location",
            name="staff_count",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="分配方案按人数计算用量；卡点留空则按卡点登记的值守人员数计算",
                null=True,
                verbose_name="值守/工作人数",
            ),
        ),
    ]
