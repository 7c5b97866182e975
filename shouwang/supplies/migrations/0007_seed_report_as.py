"""Give the seeded items their daily-report role by their current names (the report
counted them by name until now). Names renamed since are left blank: HQ picks the
role on the item form. Reversing clears what this set."""

from django.db import migrations

# the names the report used to look for
ROLES = {"医用口罩": "masks", "KN95口罩": "masks", "防护服": "suits"}


def seed(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    for name, role in ROLES.items():
        Item.objects.filter(name=name, report_as="").update(report_as=role)


def unseed(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    for name, role in ROLES.items():
        Item.objects.filter(name=name, report_as=role).update(report_as="")


class Migration(migrations.Migration):
    dependencies = [("supplies", "0006_item_report_as")]
    operations = [migrations.RunPython(seed, unseed)]
