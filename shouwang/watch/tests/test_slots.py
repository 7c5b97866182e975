"""The follow-up slot setting: parsed strictly, any text gives slots or a message."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouwang.watch import schedule
from shouwang.watch.models import WatchPolicy

LABELS = st.text(alphabet="上下午晚早中夜班次", min_size=1, max_size=4)


@st.composite
def slot_lists(draw):
    count = draw(st.integers(1, schedule.MAX_SLOTS))
    minutes = sorted(
        draw(st.sets(st.integers(0, 24 * 60 - 1), min_size=2 * count, max_size=2 * count))
    )
    slots = []
    for i in range(count):
        a, b = minutes[2 * i], minutes[2 * i + 1]
        slots.append(
            schedule.Slot(i + 1, draw(LABELS), time(a // 60, a % 60), time(b // 60, b % 60))
        )
    return slots


@given(slot_lists())
def test_formatted_slots_parse_back_to_themselves(slots) -> None:
    assert schedule.parse_slots(schedule.format_slots(slots)) == slots


@given(st.text(max_size=80))
def test_any_text_gives_slots_or_a_chinese_message(text) -> None:
    message = ""
    try:
        slots = schedule.parse_slots(text)
    except ValidationError as exc:
        message, slots = exc.messages[0], []
    if message:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    else:
        assert 1 <= len(slots) <= schedule.MAX_SLOTS
        assert all(s.opens < s.deadline for s in slots)


@pytest.mark.parametrize(
    "text",
    [
        "上午 ０６：００－１２：００；下午 １４：００－２０：００",  # an input method's full width
        "上午 06:00～12:00；下午 14:00～20:00",
        "上午 06:00—12:00；下午 14:00—20:00",
        "上午 6:00至12:00；下午 14:00至20:00",
    ],
)
def test_slots_are_read_as_typed_in_chinese(text) -> None:
    assert schedule.parse_slots(text) == schedule.parse_slots("上午 06:00-12:00；下午 14:00-20:00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "至少"),
        ("上午 12:00-06:00", "晚于开始"),
        ("上午 06:00-12:00；下午 11:00-20:00", "重叠"),
        ("上午 6点到12点", "格式不对"),
        ("上午 06:00-24:30", "不存在"),
    ],
)
def test_bad_settings_say_what_to_fix(text, message) -> None:
    with pytest.raises(ValidationError, match=message):
        schedule.parse_slots(text)


@pytest.mark.django_db
def test_staff_set_their_community_s_policy(world) -> None:
    client = world.client("staff_a")
    url = reverse("watch:policy_edit", args=[world.community_a.pk])
    bad = client.post(url, {"slots": "上午 10:00-09:00"})
    assert bad.status_code == 400
    assert not WatchPolicy.objects.exists()
    ok = client.post(url, {"slots": "上午 7:00-11:00;下午 15:00-19:00", "self_report": "on"})
    assert ok.status_code == 302
    policy = WatchPolicy.objects.get(community=world.community_a)
    assert policy.self_report
    assert policy.slots == "上午 07:00-11:00；下午 15:00-19:00"
    other = client.get(reverse("watch:policy_edit", args=[world.community_b.pk]))
    assert other.status_code == 404
    assert world.client("grid_a").get(url).status_code == 403


@pytest.mark.django_db
def test_only_hq_edits_the_category_list(world) -> None:
    from shouwang.watch.models import Category

    data = {"name": "入境人员", "default_days": 21, "order": 9, "active": "on"}
    assert world.client("staff_a").post(reverse("watch:category_create"), data).status_code == 403
    assert world.client("hq").post(reverse("watch:category_create"), data).status_code == 302
    assert Category.objects.get(name="入境人员").default_days == 21
    bad = world.client("hq").post(reverse("watch:category_create"), {**data, "default_days": 0})
    assert bad.status_code == 400
