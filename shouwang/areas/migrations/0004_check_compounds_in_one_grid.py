"""Before 0005 holds a compound in one grid at most in the database: stop, listing
them, if compounds are already in several grids (two grids saved at the same moment
could both store one before the index existed), rather than fail on the index with a
bare IntegrityError or pick a grid for the user. Going back does nothing."""

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count

SHOWN = 30


def refuse_shared_compounds(apps, schema_editor) -> None:
    Grid = apps.get_model("areas", "Grid")
    Membership = Grid.compounds.through
    shared = (
        Membership.objects.order_by()
        .values("area")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("area", flat=True)
    )
    total = shared.count()
    if not total:
        return
    lines = []
    for number, area in enumerate(shared.order_by("area")[:SHOWN], start=1):
        rows = Membership.objects.filter(area=area).select_related("area", "grid")
        rows = list(rows.order_by("grid_id"))
        grids = "、".join(f"“{m.grid.name}”（/areas/grids/{m.grid_id}/）" for m in rows)
        lines.append(f"  {number}. 小区“{rows[0].area.name}”在网格{grids}中")
    if total > SHOWN:
        lines.append(f"  ……另有 {total - SHOWN} 个小区未列出，处理完上面的后再运行一次即可看到")
    raise CommandError(
        f"有 {total} 个小区同时属于几个网格，无法建立“一个小区只能属于一个网格”的约束"
        "（迁移 areas.0005），本次迁移未做任何修改。请打开下列网格的编辑页，每个小区只在"
        "一个网格中保留（它的重点人员归这个网格，住户计入这个网格的覆盖率）。"
        "处理完后重新运行 shouwang migrate。\n" + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [("areas", "0003_grid_unique_name_message")]

    operations = [
        migrations.RunPython(refuse_shared_compounds, migrations.RunPython.noop, elidable=False)
    ]
