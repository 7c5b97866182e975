"""Data: give existing key-person records a random public code, and seed the default
category list (editable afterwards)."""

import secrets

from django.db import migrations

CATEGORIES = [
    ("湖北/武汉返回", 14),
    ("境外返回", 14),
    ("密切接触者", 14),
    ("次密接", 14),
    ("发热", 14),
    ("其他", 14),
]


def forwards(apps, schema_editor):
    KeyPerson = apps.get_model("watch", "KeyPerson")
    for record in KeyPerson.objects.filter(code__isnull=True).only("pk"):
        record.code = secrets.token_urlsafe(12)
        record.save(update_fields=["code"])
    Category = apps.get_model("watch", "Category")
    for order, (name, days) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"default_days": days, "order": order})


def backwards(apps, schema_editor):
    """Codes go with the column; seeded categories stay (rows may refer to them)."""


class Migration(migrations.Migration):
    dependencies = [("watch", "0002_schema")]
    operations = [migrations.RunPython(forwards, backwards)]
