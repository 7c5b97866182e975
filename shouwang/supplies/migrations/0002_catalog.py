"""Seed the item catalog (the items seeds 001 and 002 count) and the spending purposes.
Both lists stay editable; reversing removes only rows nothing refers to."""

from django.db import migrations

# name, category, unit, spec, [(pack, size)]
ITEMS = [
    ("医用口罩", "protection", "个", "一次性医用/外科口罩", [("包", 10), ("盒", 50), ("箱", 2000)]),
    ("KN95口罩", "protection", "个", "KN95/N95", [("盒", 20), ("箱", 400)]),
    ("防护服", "protection", "套", "医用一次性防护服", [("箱", 50)]),
    ("一次性雨衣", "protection", "件", "", [("包", 10), ("箱", 200)]),
    ("防护手套", "protection", "双", "一次性乳胶/丁腈手套", [("盒", 50), ("箱", 1000)]),
    ("护目镜", "protection", "个", "", [("箱", 100)]),
    ("消毒液", "disinfection", "公斤", "高浓度含氯消毒液（1:1000稀释）", [("桶", 25)]),
    ("84消毒液", "disinfection", "瓶", "500毫升", [("箱", 24)]),
    ("消毒酒精", "disinfection", "瓶", "75%酒精 500毫升", [("箱", 20)]),
    ("泡腾消毒片", "disinfection", "瓶", "含氯泡腾片 100片", [("箱", 50)]),
    ("消毒喷雾器", "equipment", "个", "", []),
    ("水银体温计", "instrument", "支", "", [("盒", 10)]),
    ("额温枪", "instrument", "个", "红外测温仪", []),
    ("帐篷", "equipment", "顶", "卡点值守帐篷", []),
    ("紫外线灯", "equipment", "盏", "紫外线消毒灯", []),
    ("抗病毒口服液", "medicine", "盒", "", [("箱", 20)]),
    ("预防中药", "medicine", "袋", "", [("箱", 100)]),
    ("方便面", "living", "箱", "", []),
]
PURPOSES = ["购买防疫物资", "慰问一线人员", "困难群众帮扶", "卡点设施", "其他"]


def seed(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    ItemPack = apps.get_model("supplies", "ItemPack")
    Purpose = apps.get_model("supplies", "Purpose")
    for order, (name, category, unit, spec, packs) in enumerate(ITEMS):
        item, created = Item.objects.get_or_create(
            name=name,
            defaults={"category": category, "unit": unit, "spec": spec, "order": order * 10},
        )
        if created:
            for pack, size in packs:
                ItemPack.objects.create(item=item, name=pack, size=size)
    for order, name in enumerate(PURPOSES):
        Purpose.objects.get_or_create(name=name, defaults={"order": order * 10})


def unseed(apps, schema_editor):
    Item = apps.get_model("supplies", "Item")
    Purpose = apps.get_model("supplies", "Purpose")
    Item.objects.filter(
        name__in=[i[0] for i in ITEMS], balances__isnull=True, movement__isnull=True
    ).delete()
    Purpose.objects.filter(name__in=PURPOSES, spending__isnull=True, donation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
