"""Start each year's receipt counter after the highest number already issued in it.

Received gifts keep the numbers printed on their receipts (``JZ<year><id>``, with the
gaps pledges never received left); the next receipt of a year is the one after that
year's highest, and from then on the series has no gaps. Reversing deletes the
counters and changes no receipt number."""

import re

from django.db import migrations

NUMBER = re.compile(r"^JZ(\d{4})(\d+)$")


def fill(apps, schema_editor):
    Donation = apps.get_model("supplies", "Donation")
    ReceiptCounter = apps.get_model("supplies", "ReceiptCounter")
    last: dict[int, int] = {}
    for number in Donation.objects.exclude(receipt_no="").values_list("receipt_no", flat=True):
        match = NUMBER.match(number)
        if match:
            year, n = int(match[1]), int(match[2])
            last[year] = max(last.get(year, 0), n)
    ReceiptCounter.objects.bulk_create(
        ReceiptCounter(year=year, last=n) for year, n in sorted(last.items())
    )


def empty(apps, schema_editor):
    apps.get_model("supplies", "ReceiptCounter").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0016_receipt_counter")]

    operations = [migrations.RunPython(fill, empty)]
