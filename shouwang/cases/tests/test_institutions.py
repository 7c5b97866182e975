"""收治机构 is chosen from a list HQ keeps: entries added, renamed, taken off the list
and merged (two spellings of one hospital); case forms offer the list, and the case
page, list, filter and counts show one name per institution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.accounts.models import AuditEvent
from shouwang.cases import actions
from shouwang.cases.models import Case, TreatmentInstitution

from .factories import institution, make_case, make_person


def case_data(today, **overrides):
    data = {
        "classification": "suspected",
        "onset_date": (today - timedelta(days=2)).isoformat(),
        "report_date": today.isoformat(),
        "confirmed_date": "",
        "notes": "",
    }
    return {**data, **overrides}


def test_hq_adds_and_renames_an_institution_and_the_case_forms_offer_it(world, today):
    hq = world.client("hq")
    page = hq.get(reverse("cases:list")).content.decode()
    assert reverse("cases:institutions") in page
    response = hq.post(
        reverse("cases:institution_create"),
        {"name": "  市 第六人民医院 ", "kind": "designated", "order": "1", "active": "on"},
    )
    assert response.status_code == 302
    six = TreatmentInstitution.objects.get()
    assert (six.name, six.kind, six.active) == ("市 第六人民医院", "designated", True)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="cases.TreatmentInstitution"
    ).exists()
    renamed = hq.post(
        reverse("cases:institution_edit", args=[six.pk]),
        {"name": "市第六人民医院", "kind": "designated", "order": "1", "active": "on"},
    )
    assert renamed.status_code == 302
    listing = hq.get(reverse("cases:institutions")).content.decode()
    assert "市第六人民医院" in listing
    assert "定点医院" in listing
    person = make_person(world.building_a, "张建国")
    form = world.client("staff_a").get(reverse("cases:create", args=[person.pk]))
    assert f'<option value="{six.pk}">市第六人民医院</option>' in form.content.decode()
    world.client("staff_a").post(
        reverse("cases:create", args=[person.pk]), case_data(today, institution=six.pk)
    )
    case = Case.objects.get(person=person)
    assert case.institution == six
    detail = world.client("staff_a").get(reverse("cases:detail", args=[case.pk]))
    assert "<dt>收治机构</dt><dd>市第六人民医院</dd>" in detail.content.decode()


def test_a_name_twice_or_empty_is_refused_with_a_message(world):
    institution("市传染病医院")
    hq = world.client("hq")
    for name, message in (
        ("市传染病医院", "已有同名的收治机构"),
        (" 市传染病医院\u3000", "已有同名的收治机构"),
        ("\u3000 ", "此项必填"),
    ):
        response = hq.post(
            reverse("cases:institution_create"),
            {"name": name, "kind": "designated", "order": "0", "active": "on"},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert TreatmentInstitution.objects.count() == 1


def test_only_hq_keeps_the_list(world):
    six = institution("市第六人民医院")
    for persona in ("staff_a", "leader", "grid_a"):
        client = world.client(persona)
        assert client.get(reverse("cases:institutions")).status_code == 403
        posted = client.post(reverse("cases:institution_create"), {"name": "某医院"})
        assert posted.status_code == 403
        merged = client.post(reverse("cases:institution_merge", args=[six.pk]), {"into": six.pk})
        assert merged.status_code == 403
    assert TreatmentInstitution.objects.count() == 1
    page = world.client("staff_a").get(reverse("cases:list")).content.decode()
    assert reverse("cases:institutions") not in page


def test_an_institution_taken_off_the_list_is_not_offered_but_a_case_there_keeps_it(world, today):
    old = institution("老院区")
    new = institution("新院区")
    case = make_case(world.building_a, "suspected", institution=old)
    hq = world.client("hq")
    hq.post(
        reverse("cases:institution_edit", args=[old.pk]),
        {"name": "老院区", "kind": "designated", "order": "0"},
    )
    old.refresh_from_db()
    assert not old.active
    person = make_person(world.building_a)
    staff = world.client("staff_a")
    form = staff.get(reverse("cases:create", args=[person.pk])).content.decode()
    assert "老院区" not in form
    assert "新院区" in form
    refused = staff.post(
        reverse("cases:create", args=[person.pk]), case_data(today, institution=old.pk)
    )
    assert refused.status_code == 400
    assert "所选的项不在可选范围内" in refused.content.decode()
    assert not Case.objects.filter(person=person).exists()
    edit = staff.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert f'<option value="{old.pk}" selected>老院区</option>' in edit
    kept = staff.post(
        reverse("cases:edit", args=[case.pk]),
        case_data(today, institution=old.pk, notes="复核", reason="补充备注"),
    )
    assert kept.status_code == 302
    moved = staff.post(
        reverse("cases:edit", args=[case.pk]),
        case_data(today, institution=new.pk, notes="复核", reason="转院"),
    )
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.institution == new
    assert case.events.first().changes["收治机构"] == ["老院区", "新院区"]
    back = staff.post(
        reverse("cases:edit", args=[case.pk]),
        case_data(today, institution=old.pk, notes="复核", reason="转回"),
    )
    assert back.status_code == 400
    assert "所选的项不在可选范围内" in back.content.decode()
    case.refresh_from_db()
    assert case.institution == new
    # The action holds the rule too, whoever calls it.
    with pytest.raises(ValidationError, match="收治机构“老院区”已停用，请选择其他机构"):
        actions.change_case(case=case, institution=old, reason="转回", by=world.staff_a)


def test_the_list_filters_and_searches_by_institution_and_counts_its_cases(world):
    six = institution("市第六人民医院")
    fever = institution("区人民医院发热门诊", kind="fever_clinic")
    make_case(world.building_a, person=make_person(world.building_a, "甲一"), institution=six)
    make_case(world.building_a, "suspected", person=make_person(world.building_a, "乙二"))
    make_case(
        world.building_a, "recovered", person=make_person(world.building_a, "丙三"), institution=six
    )
    make_case(world.building_b, person=make_person(world.building_b, "丁四"), institution=fever)
    staff = world.client("staff_a")
    page = staff.get(reverse("cases:list")).content.decode()
    assert "<td>市第六人民医院</td>" in page
    assert "全部收治机构" in page
    filtered = staff.get(reverse("cases:list"), {"institution": six.pk}).content.decode()
    assert "甲一" in filtered
    assert "丙三" in filtered
    assert "乙二" not in filtered
    searched = staff.get(reverse("cases:list"), {"q": "第六"}).content.decode()
    assert "甲一" in searched
    assert "乙二" not in searched
    wrong = staff.get(reverse("cases:list"), {"institution": "999999"})
    assert wrong.status_code == 400
    assert "甲一" not in wrong.content.decode()
    listing = world.client("hq").get(reverse("cases:institutions"))
    rows = {i.name: (i.open_cases, i.all_cases) for i in listing.context["institutions"]}
    assert rows == {"市第六人民医院": (1, 2), "区人民医院发热门诊": (1, 1)}


def test_two_spellings_are_merged_into_one(world):
    right = institution("市第六人民医院")
    short = institution("市六院", kind="other")
    a = make_case(world.building_a, person=make_person(world.building_a, "甲一"), institution=short)
    b = make_case(world.building_a, person=make_person(world.building_a, "乙二"), institution=right)
    hq = world.client("hq")
    page = hq.get(reverse("cases:institution_edit", args=[short.pk])).content.decode()
    assert "合并" in page
    assert f'<option value="{short.pk}"' not in page.split("合并")[-1]
    same = hq.post(reverse("cases:institution_merge", args=[short.pk]), {"into": ""})
    assert same.status_code == 400
    assert "请选择要并入的机构" in same.content.decode()
    merged = hq.post(reverse("cases:institution_merge", args=[short.pk]), {"into": right.pk})
    assert merged.status_code == 302
    assert not TreatmentInstitution.objects.filter(pk=short.pk).exists()
    assert {c.institution for c in Case.objects.filter(pk__in=[a.pk, b.pk])} == {right}
    audit = AuditEvent.objects.get(
        object_type="cases.TreatmentInstitution", object_id=str(right.pk)
    )
    assert "“市六院”并入“市第六人民医院”，病例 1 例" in audit.detail
    listing = hq.get(reverse("cases:institutions"))
    assert [(i.name, i.all_cases) for i in listing.context["institutions"]] == [
        ("市第六人民医院", 2)
    ]
    gone = hq.post(reverse("cases:institution_merge", args=[short.pk]), {"into": right.pk})
    assert gone.status_code == 404


def test_a_case_at_an_institution_is_away_from_home(marked):
    make_case(marked.building_a, "suspected", person=marked.wang, institution=institution())
    page = marked.client("grid_a").get(reverse("cases:visits")).content.decode()
    assert "王芳" not in page


def test_the_open_cases_number_opens_the_institutions_open_cases_only(world):
    six = institution("市第六人民医院")
    make_case(world.building_a, person=make_person(world.building_a, "甲一"), institution=six)
    make_case(
        world.building_a, "recovered", person=make_person(world.building_a, "丙三"), institution=six
    )
    make_case(world.building_a, "suspected", person=make_person(world.building_a, "乙二"))
    hq = world.client("hq")
    listing = hq.get(reverse("cases:institutions")).content.decode()
    open_link = f"{reverse('cases:list')}?institution={six.pk}&amp;status=open"
    all_link = f"{reverse('cases:list')}?institution={six.pk}"
    assert f'<a href="{open_link}">1</a>' in listing
    assert f'<a href="{all_link}">2</a>' in listing
    opened = hq.get(reverse("cases:list"), {"institution": six.pk, "status": "open"})
    assert [c.person.name for c in opened.context["page"]] == ["甲一"]
    assert '<option value="open" selected>' in opened.content.decode()
    every = hq.get(reverse("cases:list"), {"institution": six.pk})
    assert sorted(c.person.name for c in every.context["page"]) == ["丙三", "甲一"]
    closed = hq.get(reverse("cases:list"), {"status": "closed"})
    assert [c.person.name for c in closed.context["page"]] == ["丙三"]


def test_a_mistyped_status_shows_no_cases(world):
    make_case(world.building_a, person=make_person(world.building_a, "甲一"))
    wrong = world.client("hq").get(reverse("cases:list"), {"status": "all"})
    assert wrong.status_code == 400
    assert "甲一" not in wrong.content.decode()
