"""Before 0017 holds a household to one head (户主) in register: stop, listing them, if
households already have several (registered before the rule, or by two saves at the
same moment), rather than fail on the index with a bare IntegrityError. The list names
households by page and address, never a number. Going back does nothing."""

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count

SHOWN = 30


def refuse_several_heads(apps, schema_editor) -> None:
    Person = apps.get_model("people", "Person")
    Household = apps.get_model("people", "Household")
    several = (
        Person.objects.filter(relation="head", moved_out=False, household__isnull=False)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("household_id", flat=True)
    )
    total = several.count()
    if not total:
        return
    lines = []
    homes = Household.objects.filter(pk__in=list(several.order_by("household_id")[:SHOWN]))
    for number, home in enumerate(homes.select_related("area").order_by("pk"), start=1):
        door = f"{home.unit}单元{home.room}".removeprefix("单元")
        heads = Person.objects.filter(household=home, relation="head", moved_out=False)
        names = "、".join(heads.order_by("pk").values_list("name", flat=True))
        lines.append(f"  {number}. /people/household/{home.pk}/（{home.area.name}{door}：{names}）")
    if total > SHOWN:
        lines.append(f"  ……另有 {total - SHOWN} 户未列出，处理完上面的后再运行一次即可看到")
    raise CommandError(
        f"人员台账中有 {total} 户登记了多位户主，无法建立“一户只有一位户主”的约束"
        "（迁移 people.0017），本次迁移未做任何修改。请逐户打开下列页面，编辑除户主以外的人，"
        "把与户主关系改为实际关系（或把已不住在这里的人迁出）。处理完后重新运行 shouwang migrate。\n"
        + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0015_importjob_headless")]

    operations = [
        migrations.RunPython(refuse_several_heads, migrations.RunPython.noop, elidable=False)
    ]
