"""Alerts stored before their texts were written masked (578bf0d, dedc858) and with
their dates' year (0d9c995) are rewritten as they are written now: phone and ID
numbers masked (138****5678, 410105********1234), the full name of the person an
alert is about masked to the family name (欧**), and a date without its year
(11月3日) given the year the alert was raised in, in the zone pages show it in — the
year those texts left out as the current one.

There is no way back to the plain texts, by design: the reverse keeps them masked.
The follow-ups, visits and check-ins they quoted keep their own notes unchanged."""

import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

from shouwang.core import pii

BATCH = 1000
# 11月3日 as day_label wrote a day of the current year; not 2025年11月3日.
YEARLESS_DATE = re.compile(r"(?<![年0-9])(?:1[0-2]|[1-9])月(?:3[01]|[12][0-9]|[1-9])日")


def masked_name(name):
    return name[0] + "*" * max(len(name) - 1, 1)


def rewrite(text, *, name, year):
    if name and len(name) > 1:
        text = text.replace(name, masked_name(name))
    text = pii.mask_in_text(text)
    return YEARLESS_DATE.sub(lambda m: f"{year}年{m[0]}", text)


def mask(apps, schema_editor):
    Alert = apps.get_model("watch", "Alert")
    zone = ZoneInfo(settings.TIME_ZONE)
    changed = []
    rows = Alert.objects.values_list(
        "pk", "title", "detail", "handled_note", "raised_at", "person__name"
    ).order_by("pk")
    for pk, title, detail, note, raised_at, name in rows.iterator(chunk_size=BATCH):
        year = raised_at.astimezone(zone).year
        name = (name or "").strip()
        new = [rewrite(text, name=name, year=year) for text in (title, detail, note)]
        if new != [title, detail, note]:
            changed.append(Alert(pk=pk, title=new[0][:200], detail=new[1], handled_note=new[2][:200]))
        if len(changed) >= BATCH:
            Alert.objects.bulk_update(changed, ["title", "detail", "handled_note"])
            changed = []
    Alert.objects.bulk_update(changed, ["title", "detail", "handled_note"])


class Migration(migrations.Migration):
    dependencies = [("watch", "0017_fill_lead_events")]

    operations = [migrations.RunPython(mask, migrations.RunPython.noop)]
