"""Export of the filtered ledger: masked by default, neutralised cells; unmasked only
for ``people.export_unmasked`` with a purpose, audited. Small exports come back in the
request; large ones run in the background and are downloaded by their owner alone."""

import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.people import exporting
from shouwang.people.documents import age_on
from shouwang.people.exporting import HEADERS
from shouwang.people.models import ExportJob, Person


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("id"))


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
    assert (row["小区"], row["楼栋"], row["单元"], row["房号"]) == ("西城花园", "1号楼", "2", "301")
    assert row["标签"] == "独居老人"
    assert row["党员"] == "否"  # said, not left blank
    # No birth date beside a masked ID: it is the eight hidden digits.
    age = age_on(date(1940, 1, 1), timezone.localdate())
    assert (row["性别"], row["出生日期"], row["年龄"]) == ("男", None, age)
    assert row["状态"] == "在册"
    [event] = exports()
    assert "脱敏" in event.detail
    assert "1 人" in event.detail


def test_a_number_written_in_the_notes_is_masked_in_a_masked_export(world, ledger):
    ledger.zhang.notes = "女儿电话13912345678，身份证41010519900101123x，行动不便"
    ledger.zhang.save()
    response = world.client("grid_a").post(reverse("people:export"), {"q": "zsf"})
    row = dict(zip(HEADERS, sheet_rows(response)[1], strict=True))
    assert row["备注"] == "女儿电话139****5678，身份证410105********123X，行动不便"
    response = world.client("hq").post(
        reverse("people:export_unmasked"), {"q": "zsf", "purpose": "报送核酸检测名单"}
    )
    row = dict(zip(HEADERS, sheet_rows(response)[1], strict=True))
    assert row["备注"] == ledger.zhang.notes


def test_the_export_stays_inside_the_jurisdiction(world, ledger):
    names = {r[0] for r in sheet_rows(world.client("staff_a").post(reverse("people:export")))[1:]}
    assert names == {"张三丰", "李小红"}


def test_an_invalid_filter_exports_nothing(world, ledger):
    client = world.client("staff_a")
    outside = {"area": world.building_b.pk}  # a building of community B
    response = client.post(reverse("people:export"), outside, follow=True)
    assert "筛选条件有误，未导出" in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")
    assert not exports()
    hq = world.client("hq")
    response = hq.post(
        reverse("people:export_unmasked"), {"tag": "999999", "purpose": "报送核酸检测名单"}
    )
    assert response.status_code == 302
    assert not exports()


def test_unmasked_export_needs_the_right_role(world, ledger):
    for persona in ("staff_a", "grid_a", "leader", "auditor"):
        response = world.client(persona).post(
            reverse("people:export_unmasked"), {"purpose": "核酸检测名单"}
        )
        assert response.status_code == 403
    assert not exports()


def test_unmasked_export_needs_a_purpose_and_records_it(world, ledger):
    client = world.client("hq")
    response = client.post(reverse("people:export_unmasked"), {"tag": "", "purpose": "无"})
    assert response.status_code == 400
    assert "至少4个字" in response.content.decode()
    assert not exports()
    response = client.post(
        reverse("people:export_unmasked"),
        {"area": world.community_a.pk, "purpose": "报送区指挥部核酸检测名单"},
    )
    rows = {r[0]: r for r in sheet_rows(response)[1:]}
    assert set(rows) == {"张三丰", "李小红"}
    assert rows["张三丰"][2] == "410105194001011230"
    assert rows["李小红"][3] == "13987654321"
    assert rows["张三丰"][HEADERS.index("出生日期")].date() == date(1940, 1, 1)
    [event] = exports()
    assert "未脱敏" in event.detail
    assert "报送区指挥部核酸检测名单" in event.detail
    assert "辖区=西城社区" in event.detail


def test_the_purpose_form_shows_the_scope(world, ledger):
    response = world.client("hq").post(reverse("people:export_unmasked"), {"status": "all"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "共 <strong>3</strong> 人" in text
    assert '<input type="hidden" name="status" value="all">' in text


def test_a_ledger_larger_than_a_worksheet_asks_to_filter(world, ledger, monkeypatch):
    monkeypatch.setattr("shouwang.people.exporting.MAX_ROWS", 1)
    response = world.client("hq").post(reverse("people:export"), follow=True)
    assert "超过Excel单个工作表的上限" in response.content.decode()
    assert not exports()
    assert not ExportJob.objects.exists()


# Background exports -------------------------------------------------------------------


@pytest.fixture
def large(monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks):
    """Every export of more than one person goes to the background (tasks run at once);
    files go to a directory of the test's own."""
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr("shouwang.people.exporting.SYNC_ROWS", 1)

    def submit(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
        return ExportJob.objects.get(code=response["Location"].rstrip("/").split("/")[-1])

    return submit


def files_left() -> list[Path]:
    return sorted(exporting.exports_dir().iterdir())


def test_a_large_export_runs_in_the_background_and_its_owner_downloads_it(world, ledger, large):
    client = world.client("hq")
    job = large(client, reverse("people:export"), {"status": "all"})
    assert job.status == ExportJob.Status.DONE
    assert (job.total_rows, job.written_rows, job.unmasked) == (3, 3, False)
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    [path] = files_left()
    assert job.file_path == str(path)
    assert path.stat().st_mode & 0o077 == 0  # readable by the service account only
    page = client.get(reverse("people:export_job", args=[job.code])).content.decode()
    assert "可下载" in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert reverse("people:export_download", args=[job.code]) in page

    response = client.get(reverse("people:export_download", args=[job.code]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = {r[0]: r for r in sheet_rows(response)[1:]}
    assert set(rows) == {"张三丰", "李小红", "王大锤"}
    assert rows["张三丰"][2] == "410105********1230"
    assert rows["王大锤"][3] == "137****1111"
    asked, downloaded = exports()
    assert asked.object_id == downloaded.object_id == str(job.pk)
    assert "脱敏）3 人" in asked.detail
    assert "后台生成" in asked.detail
    assert downloaded.detail.startswith("下载导出文件")
    listing = client.get(reverse("people:exports")).content.decode()
    assert reverse("people:export_job", args=[job.code]) in listing


def test_nobody_but_the_owner_sees_an_export(world, ledger, large):
    job = large(world.client("hq"), reverse("people:export"), {})
    for persona in ("leader", "staff_a", "staff_b"):  # same area, inside, elsewhere
        client = world.client(persona)
        for name in ("people:export_job", "people:export_download"):
            assert client.get(reverse(name, args=[job.code])).status_code == 404
        assert client.post(reverse("people:export_delete", args=[job.code])).status_code == 404
        assert job.code not in client.get(reverse("people:exports")).content.decode()
    assert len(files_left()) == 1
    assert len(exports()) == 1  # the request only: nothing was downloaded


def test_an_export_outside_the_owners_area_is_not_found(world, ledger, large):
    job = large(world.client("staff_a"), reverse("people:export"), {})
    assert job.total_rows == 2
    world.staff_a.area = world.community_b
    world.staff_a.save()
    response = world.client("staff_a").get(reverse("people:export_download", args=[job.code]))
    assert response.status_code == 404


def test_a_large_unmasked_export_needs_a_purpose_and_audits_each_step(world, ledger, large):
    client = world.client("hq")
    url = reverse("people:export_unmasked")
    response = client.post(url, {"purpose": "无"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()
    page = client.post(url, {}).content.decode()
    assert "文件将在后台生成" in page
    job = large(client, url, {"area": world.community_a.pk, "purpose": "报送区指挥部核酸检测名单"})
    assert job.unmasked
    assert job.purpose == "报送区指挥部核酸检测名单"
    response = client.get(reverse("people:export_download", args=[job.code]))
    rows = {r[0]: r for r in sheet_rows(response)[1:]}
    assert set(rows) == {"张三丰", "李小红"}
    assert rows["张三丰"][2] == "410105194001011230"
    assert rows["李小红"][3] == "13987654321"
    asked, downloaded = exports()
    for event in (asked, downloaded):
        assert "未脱敏" in event.detail
        assert "用途：报送区指挥部核酸检测名单" in event.detail
        assert "辖区=西城社区" in event.detail
    assert downloaded.detail.startswith("下载导出文件")


def test_an_unmasked_file_is_refused_once_the_right_is_gone(world, ledger, large):
    job = large(world.client("hq"), reverse("people:export_unmasked"), {"purpose": "核酸检测名单"})
    world.hq.role = "leader"
    world.hq.save()
    response = world.client("hq").get(reverse("people:export_download", args=[job.code]))
    assert response.status_code == 404
    assert len(exports()) == 1


def test_the_search_is_applied_but_never_stored_in_clear(world, ledger, large, monkeypatch):
    monkeypatch.setattr("shouwang.people.exporting.SYNC_ROWS", 0)
    job = large(world.client("hq"), reverse("people:export"), {"q": "410105194001011230"})
    assert job.total_rows == 1
    stored = " ".join(str(v) for v in ExportJob.objects.values_list().get(pk=job.pk))
    assert "410105194001011230" not in stored
    assert "1011230" not in stored
    rows = sheet_rows(world.client("hq").get(reverse("people:export_download", args=[job.code])))
    assert [r[0] for r in rows[1:]] == ["张三丰"]


def test_the_progress_page_polls_while_running_and_reloads_when_done(world, ledger):
    job = ExportJob.objects.create(
        area=world.subdistrict,
        created_by=world.hq,
        status=ExportJob.Status.WRITING,
        total_rows=1000,
        written_rows=250,
    )
    client = world.client("hq")
    url = reverse("people:export_job", args=[job.code])
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "job-progress"}
    text = client.get(url, **poll).content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert 'aria-valuenow="25"' in text
    assert "250 / 1000" in text
    assert "<html" not in text
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()
    job.status = ExportJob.Status.DONE
    job.save()
    assert client.get(url, **poll)["HX-Refresh"] == "true"


def test_a_failed_export_leaves_no_file(world, ledger, large, monkeypatch):
    def broken(*args, **kwargs):
        yield ["张三丰"]
        raise RuntimeError("disk full")

    monkeypatch.setattr("shouwang.people.exporting.rows", broken)
    job = large(world.client("hq"), reverse("people:export"), {})  # the task fails
    assert job.status == ExportJob.Status.FAILED
    assert "出错" in job.message
    assert files_left() == []
    page = world.client("hq").get(reverse("people:export_job", args=[job.code])).content.decode()
    assert "请稍后重新导出" in page


def test_an_export_whose_owner_lost_the_right_is_not_written(world, ledger, large, monkeypatch):
    job = ExportJob.objects.create(area=world.subdistrict, created_by=world.hq, unmasked=True)
    world.hq.role = "leader"
    world.hq.save()
    exporting.run(ExportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert files_left() == []


def test_the_owner_may_delete_the_file(world, ledger, large):
    client = world.client("hq")
    job = large(client, reverse("people:export"), {})
    response = client.post(reverse("people:export_delete", args=[job.code]), follow=True)
    assert "导出文件已删除" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DELETED
    assert files_left() == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE, object_id=job.pk).exists()
    response = client.get(reverse("people:export_download", args=[job.code]), follow=True)
    assert "文件还没有生成或已删除" in response.content.decode()


def test_a_running_export_cannot_be_deleted_until_it_stalls(world, ledger):
    job = ExportJob.objects.create(
        area=world.subdistrict, created_by=world.hq, status=ExportJob.Status.WRITING
    )
    client = world.client("hq")
    url = reverse("people:export_delete", args=[job.code])
    assert "请等待完成" in client.post(url, follow=True).content.decode()
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    page = client.get(reverse("people:export_job", args=[job.code])).content.decode()
    assert "可能已中断" in page
    client.post(url)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DELETED


def test_an_expired_file_is_refused_and_deleted(world, ledger, large):
    client = world.client("hq")
    job = large(client, reverse("people:export"), {})
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("people:export_download", args=[job.code]), follow=True)
    assert "超过保留期限" in response.content.decode()
    assert files_left() == []
    assert len(exports()) == 1  # no download happened


def test_the_purge_deletes_expired_files_and_leftovers(world, ledger, large, settings):
    settings.PEOPLE_EXPORT_RETENTION_HOURS = 2
    client = world.client("hq")
    old, fresh = (large(client, reverse("people:export"), {}) for _ in range(2))
    assert fresh.expires_at - timezone.now() > timedelta(hours=1.9)
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    crashed = exporting.exports_dir() / "crashed.part"
    crashed.write_bytes(b"PK")
    stale = (timezone.now() - timedelta(hours=3)).timestamp()
    os.utime(crashed, (stale, stale))
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "导出文件 2 个" in out.getvalue()
    assert len(files_left()) == 3
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "导出文件 2 个" in out.getvalue()
    assert files_left() == [Path(fresh.file_path)]
    old.refresh_from_db()
    assert old.status == ExportJob.Status.DELETED


def test_the_purge_deletes_old_export_records(world, ledger, large):
    job = large(world.client("hq"), reverse("people:export"), {})
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=400))
    out = StringIO()
    call_command("purge_personal_data", "--days", "365", stdout=out)
    assert "导出记录 1 个" in out.getvalue()
    assert not ExportJob.objects.exists()
    assert files_left() == []


def test_a_background_export_on_sqlite_finishes_while_others_save_changes() -> None:
    # On a file database as in production, a change saved by someone else while the
    # export read its rows left the job 生成中 for ever ("database is locked").
    done = subprocess.run(
        [sys.executable, "-m", "shouwang.people.tests.sqlite_export_race"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["engine"] == "sqlite"
    assert result["journal_mode"] == "wal"
    assert result["error"] == ""
    assert result["status"] == "done"
    assert result["written_rows"] == 2500
    assert result["other_saved"] == ["1"]
    assert result["notes"] == "有人改了备注"


def test_an_export_read_a_chunk_at_a_time_keeps_the_ledgers_order(world, ledger, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 2)
    ordered = Person.objects.order_by("-pk")
    assert len(ordered) > 2
    names = [row[0] for row in exporting.rows(ordered, unmasked=False)]
    assert names == [p.name for p in ordered]
