"""Demo jurisdiction: 示范区 › 明湖街道 › communities › compounds › buildings, and grids."""

from __future__ import annotations

from datetime import timedelta

from shouwang.core.demo import DemoContext

from . import actions
from .models import Area, Grid

COMMUNITIES = [
    "西城社区",
    "八一社区",
    "明湖社区",
    "丰庆社区",
    "文化社区",
    "金桥社区",
    "南阳社区",
    "东风社区",
    "建业社区",
    "龙湖社区",
    "新苑社区",
    "祥和社区",
]
COMPOUND_WORDS = [
    "花园",
    "新苑",
    "家园",
    "小区",
    "嘉苑",
    "名门",
    "雅居",
    "公寓",
    "华庭",
    "景园",
    "佳苑",
    "丽都",
]
# Distinct from the community names, so no compound looks like another community's.
COMPOUND_PREFIXES = [
    "锦绣",
    "幸福",
    "阳光",
    "和谐",
    "康宁",
    "富田",
    "绿城",
    "正弦",
    "民安",
    "永威",
    "银河",
    "翠竹",
    "紫荆",
    "桂园",
    "梧桐",
    "枫林",
    "海棠",
    "玉兰",
    "春晖",
    "百合",
]


# The demo's areas look created this long ago: before the ledger's registration (20
# days back) and the week of daily reports the demo submits, which a community makes
# from the day it was created on.
CREATED_AGO = timedelta(days=30)


def _get_or_create(name: str, kind: str, parent: Area | None, **fields) -> Area:
    existing = Area.objects.filter(parent=parent, name=name).first()
    if existing is not None:
        return existing
    area = actions.create_area(name=name, kind=kind, parent=parent, **fields)
    area.created_at -= CREATED_AGO
    Area.objects.filter(pk=area.pk).update(created_at=area.created_at)
    return area


def build(ctx: DemoContext) -> None:
    size = ctx.size
    district = _get_or_create("示范区", Area.Kind.DISTRICT, None)
    subdistrict = _get_or_create("明湖街道", Area.Kind.SUBDISTRICT, district)
    ctx.subdistrict = subdistrict
    rng = ctx.rng
    for c in range(size["communities"]):
        community = _get_or_create(
            COMMUNITIES[c % len(COMMUNITIES)], Area.Kind.COMMUNITY, subdistrict
        )
        compounds = []
        for k in range(size["compounds"]):
            prefix = COMPOUND_PREFIXES[(c * 3 + k) % len(COMPOUND_PREFIXES)]
            word = COMPOUND_WORDS[(c + k) % len(COMPOUND_WORDS)]
            compound = _get_or_create(f"{prefix}{word}", Area.Kind.COMPOUND, community)
            compounds.append(compound)
            for b in range(size["buildings"]):
                _get_or_create(
                    f"{b + 1}号楼",
                    Area.Kind.BUILDING,
                    compound,
                    expected_households=size["households"] + rng.randint(0, 2),
                )
        half = max(1, len(compounds) // 2)
        for g, group in enumerate((compounds[:half], compounds[half:]), start=1):
            if not group:
                continue
            grid, _ = Grid.objects.get_or_create(community=community, name=f"第{g}网格")
            grid.compounds.set(group)
    ctx.log(f"辖区：{subdistrict.name}，社区 {size['communities']} 个")
