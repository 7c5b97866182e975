from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_fill_treatment_institutions")]

    operations = [migrations.RemoveField(model_name="case", name="treated_at")]
