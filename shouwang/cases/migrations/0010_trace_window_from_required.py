from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_fill_trace_window_from")]

    operations = [
        migrations.AlterField(
            model_name="trace",
            name="window_from",
            field=models.DateField(verbose_name="可传染期起点"),
        ),
    ]
