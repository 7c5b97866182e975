"""Export of the filtered ledger: masked by default, neutralised cells; unmasked only
for ``people.export_unmasked`` with a purpose, audited."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.people.exporting import HEADERS


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_export_is_masked_and_follows_the_filters(world, ledger):
    ledger.zhang.notes = '=HYPERLINK("http://evil")'
    ledger.zhang.save()
    response = world.client("grid_a").post(reverse("people:export"), {"q": "zsf"})
    rows = sheet_rows(response)
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["姓名"] == "张三丰"
    assert row["证件号码"] == "410105********1230"
    assert row["手机号"] == "135****5678"
    assert row["备注"].startswith("'=")  # neutralised: never runs as a formula
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "脱敏" in event.detail
    assert "1 人" in event.detail


def test_the_export_stays_inside_the_jurisdiction(world, ledger):
    names = {r[0] for r in sheet_rows(world.client("staff_a").post(reverse("people:export")))[1:]}
    assert names == {"张三丰", "李小红"}


def test_unmasked_export_needs_the_right_role(world, ledger):
    for persona in ("staff_a", "grid_a", "leader", "auditor"):
        response = world.client(persona).post(
            reverse("people:export_unmasked"), {"purpose": "核酸检测名单"}
        )
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_unmasked_export_needs_a_purpose_and_records_it(world, ledger):
    client = world.client("hq")
    response = client.post(reverse("people:export_unmasked"), {"tag": "", "purpose": "无"})
    assert response.status_code == 400
    assert "至少4个字" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    response = client.post(
        reverse("people:export_unmasked"),
        {"area": world.community_a.pk, "purpose": "报送区指挥部核酸检测名单"},
    )
    rows = {r[0]: r for r in sheet_rows(response)[1:]}
    assert set(rows) == {"张三丰", "李小红"}
    assert rows["张三丰"][2] == "410105194001011230"
    assert rows["李小红"][3] == "13987654321"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert "未脱敏" in event.detail
    assert "报送区指挥部核酸检测名单" in event.detail
    assert "辖区=西城社区" in event.detail


def test_the_purpose_form_shows_the_scope(world, ledger):
    response = world.client("hq").post(reverse("people:export_unmasked"), {"status": "all"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "共 <strong>3</strong> 人" in text
    assert '<input type="hidden" name="status" value="all">' in text


def test_a_too_large_export_asks_to_filter(world, ledger, monkeypatch):
    monkeypatch.setattr("shouwang.people.exporting.MAX_ROWS", 1)
    response = world.client("hq").post(reverse("people:export"), follow=True)
    assert "超过单次导出上限" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
