from django.db import migrations

DEFAULT_TAGS = ["独居老人", "空巢老人", "残疾人", "孕产妇", "婴幼儿", "低保", "慢性病", "重病患者", "退役军人"]


def add_tags(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    for order, name in enumerate(DEFAULT_TAGS):
        Tag.objects.get_or_create(name=name, defaults={"order": order})


def remove_tags(apps, schema_editor):
    Tag = apps.get_model("people", "Tag")
    Tag.objects.filter(name__in=DEFAULT_TAGS, persons__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_ledger_history_imports")]

    operations = [migrations.RunPython(add_tags, remove_tags)]
