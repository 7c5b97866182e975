"""Each donor goes to the office that recorded it: the receiving office (area) of its
first gift. Where offices of other areas recorded gifts from a donor of the same name,
each gets a donor of its own for its gifts, without the contact recorded by the first
office (a contact is never shown across jurisdictions; the office types it with its
next gift). A donor without gifts goes to the top of the area tree.

Reversing merges the donors of one kind and name into the oldest, which keeps its
contact and takes any field it lacks from the others."""

from django.db import migrations

CONTACT = ("contact_name", "phone_enc", "phone_hash", "address")


def split(apps, schema_editor):
    Area = apps.get_model("areas", "Area")
    Donor = apps.get_model("supplies", "Donor")
    Donation = apps.get_model("supplies", "Donation")
    top = Area.objects.order_by("depth", "path").values_list("pk", flat=True).first()
    for donor in Donor.objects.filter(area__isnull=True).order_by("pk"):
        gifts = Donation.objects.filter(donor=donor).order_by("pk")
        areas = list(dict.fromkeys(gifts.values_list("area_id", flat=True))) or [top]
        donor.area_id = areas[0]
        donor.save(update_fields=["area"])
        for area_id in areas[1:]:
            own = Donor.objects.create(area_id=area_id, kind=donor.kind, name=donor.name)
            gifts.filter(area_id=area_id).update(donor=own)


def merge(apps, schema_editor):
    Donor = apps.get_model("supplies", "Donor")
    Donation = apps.get_model("supplies", "Donation")
    kept: dict[tuple[str, str], object] = {}
    for donor in Donor.objects.order_by("pk"):
        first = kept.setdefault((donor.kind, donor.name), donor)
        if first is donor:
            continue
        Donation.objects.filter(donor=donor).update(donor=first)
        blank = [f for f in CONTACT if not getattr(first, f) and getattr(donor, f)]
        for field in blank:
            setattr(first, field, getattr(donor, field))
        if blank:
            first.save(update_fields=blank)
        donor.delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0012_donor_area")]
    operations = [migrations.RunPython(split, merge)]
