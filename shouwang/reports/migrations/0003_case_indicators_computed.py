"""Data: 新增疑似病例 and 新增确诊病例 are computed by the cases app now, no longer
typed in by the communities. Their stored definitions switch to automatic, and the
description seeded with them ("社区填报") gives way to what is counted, unless HQ
wrote its own. Reports already submitted keep the figures typed in then."""

from django.db import migrations

MANUAL_NOTE = "社区填报"
CODES = {
    "suspected_new": "当日登记为疑似或改为疑似的病例",
    "confirmed_new": "当日登记为确诊或改为确诊的病例",
}


def forwards(apps, schema_editor):
    IndicatorDefinition = apps.get_model("reports", "IndicatorDefinition")
    for code, description in CODES.items():
        rows = IndicatorDefinition.objects.filter(code=code)
        rows.filter(description=MANUAL_NOTE).update(description=description)
        rows.filter(source="manual").update(source="auto")


def backwards(apps, schema_editor):
    IndicatorDefinition = apps.get_model("reports", "IndicatorDefinition")
    for code, description in CODES.items():
        rows = IndicatorDefinition.objects.filter(code=code)
        rows.filter(description=description).update(description=MANUAL_NOTE)
        rows.filter(source="auto").update(source="manual")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_figure_area_index")]
    operations = [migrations.RunPython(forwards, backwards)]
