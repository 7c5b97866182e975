"""Replace the clear last four characters of each document with their keyed hash.

With the birth date (in the clear, for ages) and the district's region code, the last
four digits rebuilt a local resident's whole ID card number from a plain dump. Search by
tail keeps working through ``pii.tail_hash``. Reversible: going back decrypts each
document to restore its last four.
"""

from django.db import migrations, models

from shouwang.core import pii

BATCH = 2000


def _refill(apps, field: str, value) -> None:
    Person = apps.get_model("people", "Person")
    rows = Person.objects.exclude(doc_enc="").only("pk", "doc_enc", "doc_last4")
    batch = []
    for person in rows.iterator(chunk_size=BATCH):
        setattr(person, field, value(person))
        batch.append(person)
        if len(batch) == BATCH:
            Person.objects.bulk_update(batch, [field])
            batch = []
    Person.objects.bulk_update(batch, [field])


def hash_tails(apps, schema_editor) -> None:
    _refill(apps, "doc_tail", lambda p: pii.tail_hash(p.doc_last4))


def restore_tails(apps, schema_editor) -> None:
    _refill(apps, "doc_last4", lambda p: pii.decrypt(p.doc_enc)[-4:])


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_drop_path_like_index"),
        ("people", "0006_stock_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="doc_tail",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(hash_tails, restore_tails, elidable=False),
        migrations.RemoveField(model_name="person", name="doc_last4"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["doc_tail"], name="person_doc_tail"),
        ),
    ]
