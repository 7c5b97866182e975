"""A case's onset (or report) date changed after its contacts were listed and its
traces run: the case page says which contacts now lie before the window contacts are
traced from, and which traces were run on the old dates, offers to trace again, and
deletes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from shouwang.cases.models import Contact, Trace
from shouwang.core.text import day_label

from .factories import make_case, make_contact, make_person, make_trace

NOTICE = "发病日期已改，以下密接/追踪结果按原日期得出，请复核"


def edit(client, case, **overrides):
    data = {
        "classification": case.classification,
        "onset_date": case.onset_date.isoformat() if case.onset_date else "",
        "report_date": case.report_date.isoformat(),
        "confirmed_date": case.confirmed_date.isoformat() if case.confirmed_date else "",
        "notes": case.notes,
        "reason": "流调核实",
        **overrides,
    }
    return client.post(reverse("cases:edit", args=[case.pk]), data, follow=True)


def a_case(world, today):
    """Onset 5 days ago, reported yesterday: contacts are traced from 7 days ago.
    周一 was last met 6 days ago, 吴二 yesterday; one trace ran on those dates."""
    case = make_case(
        world.building_a,
        onset_date=today - timedelta(days=5),
        report_date=today - timedelta(days=1),
        confirmed_date=today - timedelta(days=1),
    )
    early = make_contact(
        case,
        world.building_a,
        person=make_person(world.building_a, "周一"),
        last_contact_date=today - timedelta(days=6),
    )
    late = make_contact(
        case,
        world.building_a2,
        person=make_person(world.building_a2, "吴二"),
        last_contact_date=today - timedelta(days=1),
    )
    trace = make_trace(case)
    assert trace.window_from == today - timedelta(days=7)
    return case, early, late, trace


def test_a_later_onset_flags_the_contacts_before_the_window_and_the_old_trace(world, today):
    case, early, late, trace = a_case(world, today)
    client = world.client("hq")
    assert NOTICE not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    response = edit(client, case, onset_date=(today - timedelta(days=2)).isoformat())
    assert response.status_code == 200
    body = response.content.decode()
    window = today - timedelta(days=4)
    assert f"可传染期起点已由 {today - timedelta(days=7)} 改为 {window}" in body
    assert NOTICE in body
    assert f"可传染期现自 {window:%Y-%m-%d} 起" in body
    review = body[body.index('id="dates-review"') : body.index("传播链")]
    met = early.last_contact_date
    assert f"密切接触者 周一：末次接触 {met:%Y-%m-%d}，早于可传染期起点" in review
    assert "吴二" not in review
    assert f"按可传染期自 {today - timedelta(days=7):%Y-%m-%d} 起得出" in review
    assert reverse("cases:trace_new", args=[case.pk]) in review
    assert "按新日期重新追踪" in review
    assert body.count("早于可传染期，请复核") == 1  # 周一's row in the contacts table
    assert f"按原日期（可传染期自 {day_label(today - timedelta(days=7))} 起）" in body
    # Nothing deleted, nothing rewritten.
    assert Contact.objects.filter(case=case).count() == 2
    assert Trace.objects.get() == trace
    early.refresh_from_db()
    assert early.last_contact_date == today - timedelta(days=6)


def test_tracing_again_clears_the_trace_part_and_keeps_the_old_trace(world, presence_table, today):
    case, _, _, old = a_case(world, today)
    client = world.client("hq")
    edit(client, case, onset_date=(today - timedelta(days=2)).isoformat())
    form = client.get(reverse("cases:trace_new", args=[case.pk])).content.decode()
    window = today - timedelta(days=4)
    assert f'value="{window:%Y-%m-%d}T00:00"' in form  # the new window is proposed
    start = timezone.make_aware(datetime.combine(window, datetime.min.time()))
    response = client.post(
        reverse("cases:trace_new", args=[case.pk]),
        {
            "start": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"),
            "window_minutes": 15,
            "purpose": "发病日期更正后重新追踪",
        },
    )
    assert response.status_code == 302
    new = Trace.objects.exclude(pk=old.pk).get()
    assert new.window_from == window
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    review = body[body.index('id="dates-review"') : body.index("传播链")]
    assert "周一" in review  # the contact is still to be reviewed
    assert "卡点轨迹追踪：按可传染期" not in review
    assert "按新日期重新追踪" not in review
    assert body.count("按原日期（可传染期自") == 1  # the old trace's row, kept
    old_page = client.get(reverse("cases:trace", args=[old.pk])).content.decode()
    assert "本次追踪按原日期得出" in old_page
    assert f"现自 {window:%Y-%m-%d} 起" in old_page
    new_page = client.get(reverse("cases:trace", args=[new.pk])).content.decode()
    assert "本次追踪按原日期得出" not in new_page


def test_an_earlier_onset_flags_the_trace_but_not_the_contacts(world, today):
    case, _, _, _ = a_case(world, today)
    client = world.client("hq")
    body = edit(client, case, onset_date=(today - timedelta(days=9)).isoformat())
    body = body.content.decode()
    assert NOTICE in body
    review = body[body.index('id="dates-review"') : body.index("传播链")]
    assert "周一" not in review
    assert "吴二" not in review
    assert "按新日期重新追踪" in review
    assert "早于可传染期，请复核" not in body


def test_a_report_date_change_moves_the_window_of_a_case_without_onset(world, today):
    case = make_case(world.building_a, report_date=today - timedelta(days=6))
    make_contact(
        case,
        world.building_a,
        person=make_person(world.building_a, "郑三"),
        last_contact_date=today - timedelta(days=7),
    )
    body = edit(
        world.client("staff_a"),
        case,
        report_date=(today - timedelta(days=3)).isoformat(),
        confirmed_date=(today - timedelta(days=3)).isoformat(),
    ).content.decode()
    assert "发病/报告日期已改，以下密接/追踪结果按原日期得出，请复核" in body
    assert "郑三：末次接触" in body


def test_changes_that_keep_the_window_raise_nothing(world, today):
    case, _, _, _ = a_case(world, today)
    body = edit(
        world.client("hq"), case, notes="转运途中", confirmed_date=today.isoformat()
    ).content.decode()
    assert "已保存变更" in body
    assert NOTICE not in body
    assert "可传染期起点已由" not in body
    assert "早于可传染期" not in body
    assert "按原日期" not in body


def test_staff_without_tracing_see_the_contacts_but_not_the_traces(world, today):
    case, _, _, _ = a_case(world, today)
    client = world.client("staff_a")
    body = edit(client, case, onset_date=(today - timedelta(days=2)).isoformat())
    body = body.content.decode()
    review = body[body.index('id="dates-review"') : body.index("传播链")]
    assert "周一" in review
    assert "卡点轨迹追踪" not in review
    assert reverse("cases:trace_new", args=[case.pk]) not in body
    leader = world.client("leader").get(reverse("cases:detail", args=[case.pk]))
    assert NOTICE in leader.content.decode()
