"""Names registered with spaces inside ("张 三", "王\u3000五") as the ledger now keeps
them, so that the search box, which ignores spaces, finds them. Going back leaves the
names as they are."""

from django.db import migrations
from django.db.models import Q

from shouwang.people.models import clean_name, name_initials

BATCH = 2000


def clean_names(apps, schema_editor) -> None:
    Person = apps.get_model("people", "Person")
    spaced = Person.objects.filter(Q(name__contains=" ") | Q(name__contains="\u3000"))
    batch = []
    for person in spaced.only("pk", "name").iterator(chunk_size=BATCH):
        name = clean_name(person.name)
        if name != person.name:
            person.name, person.name_initials = name, name_initials(name)
            batch.append(person)
    Person.objects.bulk_update(batch, ["name", "name_initials"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("people", "0007_person_doc_tail_hash")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop, elidable=False)]
