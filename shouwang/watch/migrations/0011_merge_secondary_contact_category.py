"""Data: key persons observed as secondary contacts were filed under a category the
cases app created, 次密切接触者, beside the seeded 次密接 that HQ edits. They move to
次密接 and the extra entry goes (renamed instead when 次密接 is no longer there)."""

from django.db import migrations

SEEDED = "次密接"
EXTRA = "次密切接触者"


def forwards(apps, schema_editor):
    Category = apps.get_model("watch", "Category")
    extra = Category.objects.filter(name=EXTRA).first()
    if extra is None:
        return
    seeded = Category.objects.filter(name=SEEDED).first()
    if seeded is None:
        extra.name = SEEDED
        extra.save(update_fields=["name"])
        return
    for model in ("KeyPerson", "Intake", "LocateTask"):
        apps.get_model("watch", model).objects.filter(category=extra).update(category=seeded)
    extra.delete()


def backwards(apps, schema_editor):
    """The records stay under 次密接: it is the same category."""


class Migration(migrations.Migration):
    dependencies = [("watch", "0010_past_slots")]
    operations = [migrations.RunPython(forwards, backwards)]
