"""The follow-up slot setting: parsed strictly, any text gives slots or a message."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouwang.watch import schedule
from shouwang.watch.models import WatchPolicy

LABELS = st.text(alphabet="上下午晚早中夜班次", min_size=1, max_size=4)
DAY_END = 24 * 60  # 24:00, the end of a slot's day


def clock(minute: int) -> time:
    """A minute of the day as a slot's time; 24:00 is kept as the midnight ending it."""
    return time(minute // 60 % 24, minute % 60)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def slot_lists(draw, min_size: int = 1):
    """Valid settings: in order of time, each later than its opening, one opening when
    the previous one closes or after, the last possibly ending at 24:00, names unique."""
    count = draw(st.integers(min_size, schedule.MAX_SLOTS))
    labels = draw(st.lists(LABELS, min_size=count, max_size=count, unique=True))
    slots, cursor = [], 0
    for i in range(count):
        opens = cursor + draw(st.integers(0, 120))
        closes = opens + draw(st.integers(1, 120))
        slots.append(schedule.Slot(i + 1, labels[i], clock(opens), clock(closes)))
        cursor = closes
    if draw(st.booleans()):  # the last one runs to the end of the day
        last = slots[-1]
        slots[-1] = schedule.Slot(last.number, last.label, last.opens, clock(DAY_END))
    return slots


def minutes(slot: schedule.Slot) -> tuple[int, int]:
    start = slot.opens.hour * 60 + slot.opens.minute
    end = DAY_END if slot.ends_at_midnight else slot.deadline.hour * 60 + slot.deadline.minute
    return start, end


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
        assert all(s.opens < s.deadline or s.ends_at_midnight for s in slots)


TIMES = st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 25), st.integers(0, 60))
TYPED_SLOTS = st.lists(
    st.builds(lambda label, a, b: f"{label} {a}-{b}", st.sampled_from("上下晚夜"), TIMES, TIMES),
    min_size=1,
    max_size=schedule.MAX_SLOTS,
).map("；".join)


@given(TYPED_SLOTS, st.dates())
def test_parsed_slots_are_ordered_apart_and_named_apart(text, day) -> None:
    """Whatever is accepted is usable: each slot closes after it opens and by the end
    of its day, the next opens no earlier, and no two share a name."""
    try:
        slots = schedule.parse_slots(text)
    except ValidationError:
        return
    assert len({s.label for s in slots}) == len(slots)
    assert [s.number for s in slots] == list(range(1, len(slots) + 1))
    end_of_day = schedule.day_start(day + timedelta(days=1))
    for slot in slots:
        assert slot.opens_at(day) < slot.deadline_at(day) <= end_of_day
    for earlier, later in itertools.pairwise(slots):
        assert earlier.deadline_at(day) <= later.opens_at(day)


@given(slot_lists(min_size=2), st.data())
def test_a_name_used_twice_is_refused(slots, data) -> None:
    first = data.draw(st.integers(0, len(slots) - 2))
    second = data.draw(st.integers(first + 1, len(slots) - 1))
    label = slots[first].label
    slots[second] = schedule.Slot(second + 1, label, slots[second].opens, slots[second].deadline)
    with pytest.raises(ValidationError, match=f"时段名称“{label}”重复"):
        schedule.parse_slots(schedule.format_slots(slots))


@given(slot_lists(min_size=2), st.data())
def test_a_slot_opening_before_the_previous_one_closes_is_refused(slots, data) -> None:
    k = data.draw(st.integers(1, len(slots) - 1))
    previous_start, previous_end = minutes(slots[k - 1])
    if previous_end == DAY_END:  # only the last may end at 24:00
        return
    opens = data.draw(st.integers(previous_start, previous_end - 1))
    slots[k] = schedule.Slot(k + 1, slots[k].label, clock(opens), slots[k].deadline)
    with pytest.raises(ValidationError, match="与上一个时段.*重叠") as refused:
        schedule.parse_slots(schedule.format_slots(slots))
    assert str(slots[k - 1]) in refused.value.messages[0]


@given(slot_lists(min_size=2))
def test_slots_out_of_order_are_refused(slots) -> None:
    with pytest.raises(ValidationError, match="请按时间先后填写"):
        schedule.parse_slots(schedule.format_slots(reversed(slots)))


@given(st.integers(0, DAY_END - 1), st.dates(min_value=date(2000, 1, 1)))
def test_24_00_is_the_end_of_the_slot_s_day(opens, day) -> None:
    (slot,) = schedule.parse_slots(f"晚上 {hhmm(opens)}-24:00")
    assert slot.ends_at_midnight
    assert slot.deadline_at(day) == schedule.day_start(day + timedelta(days=1))
    assert str(slot) == f"晚上 {hhmm(opens)}-24:00"


@given(st.integers(1, 59))
def test_past_24_00_does_not_exist(minute) -> None:
    with pytest.raises(ValidationError, match="不存在"):
        schedule.parse_slots(f"晚上 20:00-24:{minute:02d}")


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
        ("上午 06:00-12:00；下午 11:00-20:00", "与上一个时段“上午 06:00-12:00”重叠"),
        ("下午 14:00-20:00；上午 06:00-12:00", "早于上一个时段“下午 14:00-20:00”"),
        ("上午 06:00-12:00；上午 14:00-20:00", "时段名称“上午”重复"),
        ("上午 6点到12点", "格式不对"),
        ("上午 06:00-24:30", "不存在"),
        ("晚上 20:00-00:00", "请写 24:00"),
        ("夜间 24:00-24:00", "开始时间不能是 24:00"),
    ],
)
def test_bad_settings_say_what_to_fix(text, message) -> None:
    with pytest.raises(ValidationError, match=message):
        schedule.parse_slots(text)


def test_a_slot_may_open_when_the_previous_one_closes() -> None:
    morning, afternoon = schedule.parse_slots("上午 06:00-12:00；下午 12:00-18:00")
    assert morning.deadline == afternoon.opens


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


@pytest.mark.django_db
def test_a_category_name_taken_is_refused_in_plain_words(world) -> None:
    from shouwang.watch.models import Category

    taken, _ = Category.objects.get_or_create(name="境外返回")
    other, _ = Category.objects.get_or_create(name="入境人员")
    data = {"name": "境外返回", "default_days": 14, "order": 1, "active": "on"}
    for url in (
        reverse("watch:category_create"),
        reverse("watch:category_edit", args=[other.pk]),
    ):
        response = world.client("hq").post(url, data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "已有同名类别，请换一个名称或修改原有类别" in page
        assert "已存在" not in page
    assert Category.objects.filter(name="境外返回").get() == taken
    assert Category.objects.get(pk=other.pk).name == "入境人员"


@pytest.mark.django_db
def test_a_slot_to_24_00_is_saved_and_followed_up_until_midnight(world, clock) -> None:
    """A slot 晚上 20:00-24:00 was refused (时间不存在): 24:00 is the end of the day."""
    from shouwang.watch.models import FollowUp
    from shouwang.watch.tests import factories as f

    url = reverse("watch:policy_edit", args=[world.community_a.pk])
    response = world.client("staff_a").post(url, {"slots": "白天 08:00-20:00；晚上 20:00-24:00"})
    assert response.status_code == 302
    assert WatchPolicy.objects.get().slots == "白天 08:00-20:00；晚上 20:00-24:00"
    clock.set(clock.today, 20, 30)
    called, missed = f.key_person(world.building_a, "张三"), f.key_person(world.building_a2, "李四")
    clock.set(clock.today, 23, 30)
    card = world.client("grid_a").get("/api/v1/watch/today").json()["cards"][0]
    assert [(s["label"], s["deadline"], s["state"]) for s in card["slots"]] == [
        ("白天", "20:00", "not_due"),
        ("晚上", "24:00", "open"),
    ]
    tapped = world.client("grid_a").post(
        reverse("watch:followup", args=[called.pk]),
        {"client_id": str(uuid.uuid4()), "slot": "2", "method": "phone"},
    )
    assert tapped.status_code == 302
    assert FollowUp.objects.get(key_person=called).late is False
    clock.set(clock.today + timedelta(days=1), 0, 10)
    overdue = world.client("staff_a").get(reverse("watch:overdue")).content.decode()
    assert "李四" in overdue
    assert "张三" not in overdue
    detail = world.client("staff_a").get(reverse("watch:detail", args=[missed.pk]))
    assert "晚上（截止 24:00）" in detail.content.decode()


@pytest.mark.django_db
def test_a_name_used_twice_is_refused_on_the_settings_page(world) -> None:
    url = reverse("watch:policy_edit", args=[world.community_a.pk])
    response = world.client("staff_a").post(url, {"slots": "随访 06:00-12:00；随访 14:00-20:00"})
    assert response.status_code == 400
    assert "时段名称“随访”重复，请为每个时段取不同的名称" in response.content.decode()
    assert not WatchPolicy.objects.exists()


@pytest.mark.django_db
def test_a_policy_saved_with_a_name_twice_keeps_its_slots(world) -> None:
    """Saved before names had to differ: read as saved (not the default slots, which
    would renumber its follow-ups); saving it again asks for different names."""
    policy = WatchPolicy.objects.create(
        community=world.community_a, slots="随访 06:00-09:00；随访 10:00-12:00"
    )
    slots = schedule.Policies().slots_for(world.building_a.path)
    assert [str(s) for s in slots] == ["随访 06:00-09:00", "随访 10:00-12:00"]
    url = reverse("watch:policy_edit", args=[world.community_a.pk])
    response = world.client("staff_a").post(url, {"slots": policy.slots})
    assert response.status_code == 400
    assert "重复" in response.content.decode()
