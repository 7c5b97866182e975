"""Link checkpoint locations to their checkpoints from the free-text ``checkpoint_ref``
(a checkpoint's id, public code or name; a name is looked up in the location's area,
then below it, then anywhere if only one checkpoint has it). One location per
checkpoint: the oldest location wins. A reference that matches nothing is kept in the
location's notes. A checkpoint location's head count of 0 (the old default) becomes
blank, so allocation counts the checkpoint's assigned staff.

Reversing writes the linked checkpoint's name back into ``checkpoint_ref`` and turns
blank head counts into 0."""

from django.db import migrations

UNMATCHED = "原对应卡点："


def _match(Checkpoint, location):
    ref = location.checkpoint_ref.strip()
    if ref.isdigit():
        found = Checkpoint.objects.filter(pk=int(ref)).first()
        if found is not None:
            return found
    found = Checkpoint.objects.filter(code=ref).first()
    if found is not None:
        return found
    named = Checkpoint.objects.filter(name=ref).order_by("pk")
    for candidates in (
        named.filter(area_id=location.area_id),
        named.filter(area__path__startswith=location.area.path),
        named,
    ):
        found = list(candidates[:2])
        if len(found) == 1:
            return found[0]
    return None


def link(apps, schema_editor):
    Location = apps.get_model("supplies", "Location")
    Checkpoint = apps.get_model("checkpoints", "Checkpoint")
    taken = set(Location.objects.exclude(checkpoint=None).values_list("checkpoint_id", flat=True))
    pending = (
        Location.objects.filter(kind="checkpoint", checkpoint=None)
        .exclude(checkpoint_ref="")
        .select_related("area")
        .order_by("pk")
    )
    for location in pending:
        checkpoint = _match(Checkpoint, location)
        if checkpoint is not None and checkpoint.pk not in taken:
            location.checkpoint = checkpoint
            taken.add(checkpoint.pk)
            location.save(update_fields=["checkpoint"])
        elif location.checkpoint_ref.strip() != location.name:
            line = f"{UNMATCHED}{location.checkpoint_ref.strip()}"
            location.notes = f"{location.notes}\n{line}" if location.notes else line
            location.save(update_fields=["notes"])
    Location.objects.filter(kind="checkpoint", staff_count=0).update(staff_count=None)


def unlink(apps, schema_editor):
    Location = apps.get_model("supplies", "Location")
    for location in Location.objects.exclude(checkpoint=None).select_related("checkpoint"):
        location.checkpoint_ref = location.checkpoint.name[:64]
        location.checkpoint = None
        location.save(update_fields=["checkpoint_ref", "checkpoint"])
    Location.objects.filter(staff_count=None).update(staff_count=0)


class Migration(migrations.Migration):
    dependencies = [
        ("checkpoints", "0001_initial"),
        ("supplies", "0003_location_checkpoint"),
    ]

    operations = [migrations.RunPython(link, unlink)]
