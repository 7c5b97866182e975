"""Each lead decided before leads had a history gets the step it went through
(已排除 or 已确认, with who, when and the note), so its history is not empty."""

from django.db import migrations


def fill(apps, schema_editor):
    Lead = apps.get_model("watch", "Lead")
    LeadEvent = apps.get_model("watch", "LeadEvent")
    decided = Lead.objects.exclude(status="new").exclude(decided_at=None).filter(events=None)
    LeadEvent.objects.bulk_create(
        [
            LeadEvent(
                lead_id=lead.pk,
                kind=lead.status,
                note=lead.decided_note,
                by_id=lead.decided_by_id,
                at=lead.decided_at,
            )
            for lead in decided.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("watch", "0016_leadevent")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
