"""Each module's figures together, in the seeds' order: the cases' figures were seeded
at the checkpoints' places (30–33) and the supplies' at the ledger's (60–62), so a
report read 开放卡点, 新增疑似病例, …, 值守人员 and 已登记户数, 口罩库存, …, 已登记人数.
Rows HQ has not moved since (still at their old default) move to the new default;
reversed, they move back."""

from django.db import migrations

# code: (old default order, new default order)
MOVES = {
    "suspected_new": (30, 25),
    "confirmed_new": (31, 26),
    "key_areas": (32, 27),
    "household_visits": (33, 28),
    "masks_on_hand": (60, 70),
    "masks_used": (61, 71),
    "suits_on_hand": (62, 72),
}


def _move(apps, forward):
    definitions = apps.get_model("reports", "IndicatorDefinition").objects
    for code, (old, new) in MOVES.items():
        before, after = (old, new) if forward else (new, old)
        definitions.filter(code=code, order=before).update(order=after)


def forwards(apps, schema_editor):
    _move(apps, True)


def backwards(apps, schema_editor):
    _move(apps, False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_report_value_reason_as_long_as_amendment_reason"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
