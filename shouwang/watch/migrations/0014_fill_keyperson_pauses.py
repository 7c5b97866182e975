"""Data: each record's spells out of control that ended with control resumed (in
hospital and back, 失联 and found — not a change undone as a mistake, 更正误操作), read
from its status history, so the slots of those spells are no longer counted as due
(``KeyPerson.pauses``)."""

from django.db import migrations


def forwards(apps, schema_editor):
    KeyPerson = apps.get_model("watch", "KeyPerson")
    KeyPersonEvent = apps.get_model("watch", "KeyPersonEvent")
    resumed = (
        KeyPersonEvent.objects.filter(kind="status", to_status="active")
        .values_list("key_person_id", flat=True)
        .distinct()
    )
    for record in KeyPerson.objects.filter(pk__in=list(resumed)).order_by("pk"):
        pauses, left = [], None
        events = record.events.filter(kind="status").order_by("at", "pk")
        for to_status, reason, at in events.values_list("to_status", "reason", "at"):
            if to_status != "active":
                left = left or at
                continue
            if left is not None and reason != "correction":
                pauses.append([left.isoformat(), at.isoformat()])
            left = None
        record.pauses = pauses
        record.save(update_fields=["pauses"])


def backwards(apps, schema_editor):
    """The field goes with the schema migration before this one."""


class Migration(migrations.Migration):
    dependencies = [("watch", "0013_keyperson_pauses")]
    operations = [migrations.RunPython(forwards, backwards)]
