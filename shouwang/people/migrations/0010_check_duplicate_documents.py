"""Before 0011 makes a document unique among persons: stop, listing them, if persons
already share one (two registrations of one resident at the same moment could store
both before the constraint existed), rather than fail on the index with a bare
IntegrityError. The list names rows by id and place, never a number. Going back does
nothing."""

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count

SHOWN = 30


def refuse_duplicates(apps, schema_editor) -> None:
    Person = apps.get_model("people", "Person")
    shared = (
        Person.objects.exclude(doc_hash="")
        .order_by()
        .values("doc_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("doc_hash", flat=True)
    )
    total = shared.count()
    if not total:
        return
    lines = []
    for number, doc_hash in enumerate(shared.order_by("doc_hash")[:SHOWN], start=1):
        rows = Person.objects.filter(doc_hash=doc_hash).select_related("area", "household")
        described = []
        for p in rows.order_by("pk"):
            door = f"{p.household.unit}单元{p.household.room}" if p.household_id else ""
            door = door.removeprefix("单元")
            state = "已迁出" if p.moved_out else "在册"
            described.append(
                f"/people/person/{p.pk}/（{p.area.name}{door}，{state}，"
                f"{p.created_at:%Y-%m-%d}登记）"
            )
        lines.append(f"  {number}. " + "、".join(described))
    if total > SHOWN:
        lines.append(f"  ……另有 {total - SHOWN} 组未列出，处理完上面的后再运行一次即可看到")
    raise CommandError(
        f"人员台账中有 {total} 组人员的证件号码相同，无法建立“一个证件号码只登记一人”的约束"
        "（迁移 people.0011），本次迁移未做任何修改。请逐组打开下列页面核对：是同一人重复登记的，"
        "在多余那条的编辑页勾选“清除已登记的证件号码”后迁出；是号码登记错的，清除错的那条"
        "（知道正确号码的改为正确号码）。处理完后重新运行 shouwang migrate。\n" + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0009_doc_type_foreign_pr")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=False)
    ]
