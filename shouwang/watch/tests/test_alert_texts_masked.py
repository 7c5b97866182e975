"""No alert shows a phone or an ID number in full, nor a full name: alerts reach the
whole community, HQ and the wall screen. Every text an alert is raised, restated or
handled with has its numbers masked (``138****5678``, ``410105********1234``), whoever
wrote it — a household visit's note, a second day not reached, a 处置说明 — and
migration 0018 masks the alerts stored before: numbers, and the full name of the
person an alert is about (checkpoint alerts named it in full before dedc858); dates
written without their year (before 0d9c995) get the year they were written in."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse

from shouwang.watch.models import Alert

from . import factories as f

pytestmark = pytest.mark.django_db

fill = import_module("shouwang.watch.migrations.0018_mask_stored_alert_texts")

PHONE, ID = "13812345678", "41010519900101123X"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_raised_alert_masks_numbers_in_its_title_and_detail(world) -> None:
    f.alert(
        world.building_a,
        title=f"重点区域住户异常：李*发热（家属{PHONE}）",
        detail=f"说明：家属电话{PHONE}，身份证{ID}",
    )
    page = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert "家属138****5678" in page
    assert "身份证410105********123X" in page
    assert PHONE not in page
    assert ID not in page


def test_a_handling_note_is_stored_masked(world) -> None:
    alert = f.alert(world.building_a)
    client = world.client("staff_a")
    response = client.post(
        reverse("watch:alert_handle", args=[alert.pk]),
        {"note": f"已电话联系家属{PHONE}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = client.get(reverse("watch:alerts"), {"state": "handled"}).content.decode()
    assert "已电话联系家属138****5678" in page
    assert PHONE not in page
    alert.refresh_from_db()
    assert PHONE not in alert.handled_note


def stored(world, **fields) -> Alert:
    """An alert as written before masking: straight into the table."""
    return Alert.objects.create(area=world.building_a, kind=Alert.Kind.FEVER, **fields)


def test_the_migration_masks_stored_numbers_and_names(world) -> None:
    person = f.person(world.building_a, "欧阳修")
    old = stored(
        world,
        person=person,
        title="中州大道卡口（进）发现发热人员欧阳修，体温38.2℃",
        detail=f"说明：家属电话{PHONE}，身份证{ID}",
        handled_at=datetime(2026, 3, 1, 10, tzinfo=SHANGHAI),
        handled_note=f"欧阳修家属{PHONE}已接走",
    )
    fill.mask(apps, None)
    page = world.client("hq").get(reverse("watch:alerts"), {"state": "handled"}).content.decode()
    assert "欧**家属138****5678已接走" in page
    for plain in (PHONE, ID, "欧阳修"):
        assert plain not in page
    old.refresh_from_db()
    assert old.title == "中州大道卡口（进）发现发热人员欧**，体温38.2℃"
    assert old.detail == "说明：家属电话138****5678，身份证410105********123X"
    assert old.handled_note == "欧**家属138****5678已接走"


def test_the_migration_names_yearless_dates_with_the_year_they_were_written(world) -> None:
    old = stored(
        world,
        title="随访逾期：湖北返回人员张**（西城花园1号楼）11月3日下午未随访",
        detail="截止 11月3日 20:00 仍无随访记录；首次 2024年12月30日 10:00",
        raised_at=datetime(2025, 11, 3, 20, 15, tzinfo=SHANGHAI),
    )
    # Raised at 00:30 on 1 January in Shanghai (still 31 December in UTC): its year
    # is Shanghai's.
    new_year = stored(
        world,
        title="体温37.8℃",
        detail="记录时间：1月1日 00:20",
        raised_at=datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI),
    )
    fill.mask(apps, None)
    old.refresh_from_db()
    new_year.refresh_from_db()
    assert old.title.endswith("2025年11月3日下午未随访")
    assert old.detail == "截止 2025年11月3日 20:00 仍无随访记录；首次 2024年12月30日 10:00"
    assert new_year.detail == "记录时间：2026年1月1日 00:20"
    page = world.client("hq").get(reverse("watch:alerts")).content.decode()
    assert "截止 2025年11月3日 20:00" in page


def test_the_migration_leaves_masked_texts_as_they_are(world) -> None:
    text = "体温38.2℃；记录时间：2026年3月1日 10:00；说明：家属138****5678"
    alert = f.alert(world.building_a, title="随访异常：张**体温38.2℃", detail=text)
    fill.mask(apps, None)
    fill.mask(apps, None)
    alert.refresh_from_db()
    assert (alert.title, alert.detail) == ("随访异常：张**体温38.2℃", text)
