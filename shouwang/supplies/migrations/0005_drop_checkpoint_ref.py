from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supplies", "0004_link_checkpoints"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="location",
            name="checkpoint_ref",
        ),
        migrations.AddConstraint(
            model_name="location",
            constraint=models.CheckConstraint(
                condition=models.Q(("checkpoint__isnull", True), ("kind", "checkpoint"), _connector="OR"),
                name="supplies_location_checkpoint_kind",
                violation_error_message="只有卡点类型的存放点才能对应卡点",
            ),
        ),
    ]
