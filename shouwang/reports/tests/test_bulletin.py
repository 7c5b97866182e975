import re
from datetime import timedelta

import pytest
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.reports import actions, bulletin, days
from shouwang.reports.models import Bulletin, BulletinTemplate, DailyFigure, IndicatorDefinition
from shouwang.reports.rollup import rollup

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world, day):
    """Two days of figures for the sub-district; B reported the day, with a new
    suspected case the cases app counted."""
    for back in (1, 0):
        span = days.window(day - timedelta(days=back))
        data.fever(world.building_a, at=span.start + timedelta(hours=3))
        data.key_person(world.building_b, at=span.start + timedelta(hours=4))
    data.household(world.building_a, persons=3, at=days.window(day).start)
    data.case(world.building_b, "suspected", at=days.window(day).start + timedelta(hours=5))
    rollup(day - timedelta(days=1))
    report = actions.report_for(community=world.community_b, day=day)
    auto = actions.lines(report)
    actions.submit_report(
        report=report,
        values={line.code: line.value or 0 for line in auto},
        reasons={},
        by=world.staff_b,
        now=days.window(day).end,
    )
    rollup(day)
    return world


def number(text, pattern):
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return int(found.group(1))


def test_the_bulletins_numbers_are_the_reports_numbers(reported, day):
    response = reported.client("hq").get(reverse("reports:bulletin"), {"day": day.isoformat()})
    assert response.status_code == 200
    text = response.context["form"].initial["text"]
    figure = DailyFigure.objects.get(area=reported.subdistrict, day=day)
    earlier = DailyFigure.objects.get(area=reported.subdistrict, day=day - timedelta(days=1))
    assert text.startswith(f"截至{day.month}月{day.day}日15时，明湖街道辖区")
    assert number(text, r"累计发现发热人员(\d+)名") == (
        figure.values["fevers"] + earlier.values["fevers"]
    )
    assert number(text, r"当日(\d+)名") == figure.values["fevers"]
    assert number(text, r"在管重点人员(\d+)人") == figure.values["key_in_observation"]
    assert number(text, r"当日新增(\d+)人") == figure.values["key_new"]
    assert number(text, r"新增疑似病例(\d+)例") == figure.values["suspected_new"] == 1
    assert number(text, r"已登记(\d+)户") == figure.values["households_registered"]
    assert number(text, r"应报社区(\d+)个") == figure.communities == 2
    assert number(text, r"已报(\d+)个") == figure.submitted == 1
    assert number(text, r"未报(\d+)个") == 1
    assert "（西城社区）" in text
    assert number(text, r"共设置卡点(\d+)个") == figure.values["checkpoints_open"]
    assert number(text, r"值守人员(\d+)名") == figure.values["staff_on_duty"]
    assert number(text, r"当日车辆(\d+)台") == figure.values["vehicles_checked"]


def test_a_retired_indicator_drops_its_sentence(reported, day):
    """On a day no submitted report carried it (the day before: nobody reported); the
    day B reported keeps it (what the day was reported with)."""
    IndicatorDefinition.objects.filter(code="fevers").update(active=False)
    text = bulletin.generate(reported.subdistrict, day - timedelta(days=1))
    assert "发热" not in text
    assert "在管重点人员" in text
    assert "发热" in bulletin.generate(reported.subdistrict, day)


def test_hq_edits_the_template(reported, day):
    client = reported.client("hq")
    url = reverse("reports:bulletin_template")
    response = client.post(url, {"text": "截至{date}，发热{fever_count}人"})
    assert response.status_code == 400
    assert "fever_count" in response.content.decode()
    response = client.post(url, {"text": "截至{date}，{area}发热{fevers}人[，卡点"})
    assert response.status_code == 400  # unbalanced bracket
    template = (
        "截至{date}，{area}发热{fevers}人，累计{fevers.total}人[，卡点{checkpoints_open}个]。"
    )
    response = client.post(url, {"text": template})
    assert response.status_code == 302
    edited = AuditEvent.objects.get(detail="修改通报模板")
    assert (edited.user, edited.area) == (reported.hq, reported.subdistrict)
    figure = DailyFigure.objects.get(area=reported.subdistrict, day=day)
    text = bulletin.generate(reported.subdistrict, day)
    assert text == (
        f"截至{day.month}月{day.day}日15时，明湖街道发热{figure.values['fevers']}人，累计2人，"
        f"卡点{figure.values['checkpoints_open']}个。"
    )


def test_hq_keeps_an_edited_bulletin_and_the_leader_only_copies(reported, day):
    url = f"{reverse('reports:bulletin')}?day={day.isoformat()}"
    assert reported.client("hq").post(url, {"text": "改过的通报"}).status_code == 302
    assert Bulletin.objects.get(area=reported.subdistrict, day=day).text == "改过的通报"
    assert AuditEvent.objects.filter(detail=f"保存{day.isoformat()}通报", user=reported.hq).exists()
    page = reported.client("leader").get(url)
    assert "改过的通报" in page.content.decode()
    assert "一键复制" in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[1]  # nothing to send
    assert reported.client("leader").post(url, {"text": "x"}).status_code == 403
    assert reported.client("staff_a").get(url).status_code == 403


def test_an_empty_or_overlong_bulletin_says_why_it_is_not_kept(reported, day):
    url = f"{reverse('reports:bulletin')}?day={day.isoformat()}"
    hq = reported.client("hq")
    empty = hq.post(url, {"text": "  "})
    assert empty.status_code == 400
    assert "请填写通报内容" in empty.content.decode()
    long = hq.post(url, {"text": "截至2月13日15时\r\n" * 800})
    assert long.status_code == 400
    assert "通报不能超过8000字" in long.content.decode()
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("发热{fevers.nope}人", "{fevers.nope}"),
        ("发热{0}人", "{0}"),
        ("发热{}人", "{}"),
        ("发热{Fevers}人", "{Fevers}"),
        ("发热{fevers人", "{fevers人"),
        ("发热fevers}人", "}"),
        ("发热{{fevers}}人", "{"),
        ("累计{fevers.total}}人", "}"),
    ],
)
def test_braces_that_are_no_placeholder_are_refused(world, text, named):
    """They reached the bulletin as they were (发热{fevers.nope}人), while an unknown
    code was refused: HQ is told which part to fix, and nothing is kept."""
    response = world.client("hq").post(reverse("reports:bulletin_template"), {"text": text})
    assert response.status_code == 400
    assert f"“{named}”不是占位符" in response.content.decode()
    assert not BulletinTemplate.objects.exists()


@pytest.mark.parametrize("name", ["date", "area", "communities", "missing", "reports"])
def test_a_running_total_of_a_builtin_placeholder_is_refused(world, name):
    """``.total`` is an indicator's 累计: 累计应报社区{communities.total}个 read as a
    running total while it showed the day's count; HQ is told, and nothing is kept."""
    text = f"截至{{date}}，累计{{{name}.total}}"
    response = world.client("hq").post(reverse("reports:bulletin_template"), {"text": text})
    assert response.status_code == 400
    assert f"“{{{name}.total}}”：{name} 没有累计" in response.content.decode()
    assert not BulletinTemplate.objects.exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("发热｛fevers｝人", "｛fevers｝"),
        ("累计｛fevers.total}人", "｛fevers.total}"),
        ("发热{fevers｝人", "{fevers｝"),
    ],
)
def test_a_placeholder_typed_with_full_width_braces_is_refused(world, text, named):
    """A Chinese input method types ｛ ｝: the bulletin said 发热｛fevers｝人 word for
    word. HQ is told to use the half-width braces, and nothing is kept."""
    response = world.client("hq").post(reverse("reports:bulletin_template"), {"text": text})
    assert response.status_code == 400
    assert f"“{named}”用了全角大括号" in response.content.decode()
    assert not BulletinTemplate.objects.exists()


def test_the_default_template_can_be_saved_as_it_is(world):
    bulletin.check_template(bulletin.DEFAULT_TEMPLATE)


def test_a_day_not_yet_started_has_no_bulletin(world):
    """A typed or bookmarked future day: a clear 404, not a text "截至…" with figures
    of days to come, and nothing saved for it."""
    later = days.open_day() + timedelta(days=1)
    hq = world.client("hq")
    response = hq.get(reverse("reports:bulletin"), {"day": later.isoformat()})
    assert response.status_code == 404
    page = response.content.decode()
    assert f"{later.month}月{later.day}日尚未开始" in page
    assert f"day={days.open_day().isoformat()}" in page
    far = hq.get(reverse("reports:bulletin"), {"day": "9999-12-31"})
    assert far.status_code == 404
    saved = hq.post(
        f"{reverse('reports:bulletin')}?day={later.isoformat()}&area={world.subdistrict.pk}",
        {"text": "截至明天"},
    )
    assert saved.status_code == 404
    assert not Bulletin.objects.exists()


def test_the_day_in_progress_is_dated_at_its_figures_time_not_its_cutoff(world):
    """Copied at 10:00, today's bulletin must not say 截至…15时 of figures counted at
    10:00: it names the time of its figures (the last roll-up)."""
    from django.utils import timezone

    today = days.open_day()
    rollup(today)
    at = timezone.localtime(
        days.window(today).start + timedelta(hours=19, minutes=5), days.local_zone()
    )
    DailyFigure.objects.filter(day=today).update(computed_at=at)
    response = world.client("hq").get(reverse("reports:bulletin"), {"day": today.isoformat()})
    text = response.context["form"].initial["text"]
    assert text.startswith(f"截至{at.month}月{at.day}日{at.hour}时05分，明湖街道辖区"), text


def test_the_day_in_progress_and_days_long_past_have_a_bulletin(world):
    hq = world.client("hq")
    rollup(days.open_day())
    today = hq.get(reverse("reports:bulletin"), {"day": days.open_day().isoformat()})
    assert today.status_code == 200
    assert "截至" in today.context["form"].initial["text"]
    first = hq.get(reverse("reports:bulletin"), {"day": "0001-01-02"})
    assert first.status_code == 200


@pytest.mark.parametrize("persona", ["hq", "leader"])
def test_a_day_not_rolled_up_says_so_instead_of_a_bulletin(world, day, persona):
    """Before the roll-up of a closed day (minutes after its cutoff, or the worker
    down) the text read "截至…，明湖街道辖区累计劝返车辆0台、人员0人，应报社区—个，
    已报—个…未报—个。": every other sentence dropped, ready to be copied upwards."""
    response = world.client(persona).get(reverse("reports:bulletin"), {"day": day.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "该日尚未汇总" in page
    assert "应报社区—个" not in page
    assert 'id="copy-bulletin"' not in page
    rollup(day)
    response = world.client(persona).get(reverse("reports:bulletin"), {"day": day.isoformat()})
    assert "应报社区2个" in response.context["form"].initial["text"]


def test_a_bulletin_for_a_day_not_rolled_up_is_not_kept(world, day):
    """The page offers no text to edit before the day's roll-up; a POST sent anyway
    (a page left open, a script) is refused saying why, and nothing is saved."""
    url = f"{reverse('reports:bulletin')}?day={day.isoformat()}&area={world.subdistrict.pk}"
    response = world.client("hq").post(url, {"text": "截至…，发热0人"})
    assert response.status_code == 409
    assert "该日尚未汇总，不能保存通报" in response.content.decode()
    assert not Bulletin.objects.exists()
    assert not AuditEvent.objects.filter(detail__contains="通报").exists()
    rollup(day)
    assert world.client("hq").post(url, {"text": "截至…，发热0人"}).status_code == 302
    assert Bulletin.objects.get().text == "截至…，发热0人"


def test_the_day_in_progress_names_no_community_as_missing(world):
    """Nobody can report a day before its cutoff: its bulletin says the reports are
    to come, not 未报2个（西城社区、八一社区）."""
    today = days.open_day()
    rollup(today)
    response = world.client("hq").get(reverse("reports:bulletin"), {"day": today.isoformat()})
    text = response.context["form"].initial["text"]
    assert "未报" not in text
    assert "西城社区" not in text
    assert f"各社区日报统计中（{days.cutoff_label(today)}截止后上报）。" in text


def test_a_template_with_the_report_counts_drops_them_while_the_day_runs(world):
    """A template that names the counts one by one: in [ ] they are dropped for the
    day in progress; outside, they show — rather than a false 未报."""
    today, closed = days.open_day(), days.last_closed_day()
    rollup(today)
    rollup(closed)
    text = "截至{date}，[未报{missing}个{missing_names}，]应报{communities}个、已报{submitted}个。"
    assert bulletin.render(text, bulletin.context(world.subdistrict, today)).endswith(
        "应报2个、已报—个。"
    )
    assert "未报2个（西城社区、八一社区）" in bulletin.render(
        text, bulletin.context(world.subdistrict, closed)
    )


def test_the_template_link_of_a_communitys_bulletin_edits_that_communitys_template(reported, day):
    client = reported.client("hq")
    community = reported.community_a
    page = client.get(reverse("reports:bulletin"), {"area": community.pk, "day": day})
    link = f"{reverse('reports:bulletin_template')}?area={community.pk}"
    assert link in page.content.decode()
    assert f"{community.name} · 通报模板" in client.get(link).content.decode()
    response = client.post(link, {"text": "{area}发热{fevers}人"})
    assert response["Location"] == f"{reverse('reports:bulletin')}?area={community.pk}&fresh=1"
    assert BulletinTemplate.objects.get().area == community
    assert bulletin.generate(reported.subdistrict, day) != bulletin.generate(community, day)


def test_a_long_list_of_missing_communities_says_it_is_cut_short(world, day, monkeypatch):
    """The bulletin names at most ``MISSING_NAMES`` communities that have not reported
    (30): with more, the list ends in 等, so that no one reads it as all of them."""
    rollup(day)
    assert "未报2个（西城社区、八一社区）。" in bulletin.generate(world.subdistrict, day)
    monkeypatch.setattr(bulletin, "MISSING_NAMES", 1)
    assert "未报2个（西城社区等）。" in bulletin.generate(world.subdistrict, day)


def test_a_manual_figure_nobody_gave_has_no_running_total_either(reported, day):
    data.manual_indicator()
    client = reported.client("hq")
    url = reverse("reports:bulletin_template")
    assert client.post(url, {"text": "发放{leaflets}份，累计{leaflets.total}份"}).status_code == 302
    rollup(day)
    assert bulletin.generate(reported.subdistrict, day) == "发放—份，累计—份"
