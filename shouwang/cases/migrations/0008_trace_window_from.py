from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_trace_second_hop_times")]

    operations = [
        migrations.AddField(
            model_name="trace",
            name="window_from",
            field=models.DateField(null=True, verbose_name="可传染期起点"),
        ),
    ]
