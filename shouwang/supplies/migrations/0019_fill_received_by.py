"""Fill ``Donation.received_by`` (经办人 on the receipt) for gifts received before it
existed, from the audit row written when each was received (``捐赠到账/入库，收据 …``).
A gift without such a row (or whose user is gone) keeps it blank: the receipt then
names nobody rather than the person who recorded the pledge. Reversing clears it."""

from django.db import migrations


def fill(apps, schema_editor):
    Donation = apps.get_model("supplies", "Donation")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    events = AuditEvent.objects.filter(
        object_type="supplies.Donation",
        detail__startswith="捐赠到账/入库",
        user__isnull=False,
    ).order_by("at", "id")
    by_gift = {}
    for object_id, user_id in events.values_list("object_id", "user_id"):
        by_gift.setdefault(object_id, user_id)
    for gift in Donation.objects.filter(received_by__isnull=True).exclude(receipt_no=""):
        user_id = by_gift.get(str(gift.pk))
        if user_id is not None:
            Donation.objects.filter(pk=gift.pk).update(received_by_id=user_id)


def clear(apps, schema_editor):
    apps.get_model("supplies", "Donation").objects.update(received_by=None)


class Migration(migrations.Migration):
    dependencies = [
        ("supplies", "0018_donation_received_by_void"),
        ("accounts", "0004_user_password_temporary"),
    ]

    operations = [migrations.RunPython(fill, clear)]
