"""An unmasked export's 状态 column is read: a row marked 已迁出 is a problem of its
own, never imported, so re-importing an export does not put moved-out persons back
在册 (that is 恢复在册 or 迁入, done on purpose)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouwang.core.xlsx import XLSX_CONTENT_TYPE
from shouwang.people import actions
from shouwang.people.importing import MOVED_OUT_ROW, TEMPLATE_HEADERS
from shouwang.people.models import Person
from shouwang.people.tests.factories import ID1, template_row, workbook_upload

pytestmark = pytest.mark.django_db


def test_a_re_imported_export_keeps_moved_out_persons_moved_out(world, ledger, importer):
    actions.move_out(person=ledger.zhang, version=ledger.zhang.version, by=world.hq)
    response = world.client("hq").post(
        reverse("people:export_unmasked"),
        {"area": world.community_a.pk, "status": "all", "purpose": "核对迁出人员名单"},
    )
    assert response.status_code == 200
    upload = SimpleUploadedFile("导出.xlsx", response.content, content_type=XLSX_CONTENT_TYPE)
    job = importer.upload(upload)
    problem = job.problems.get()
    assert (problem.column, problem.message) == ("状态", MOVED_OUT_ROW)
    page = importer.page(job)
    assert "状态为已迁出" in page
    importer.commit(job)
    zhang = Person.objects.get(pk=ledger.zhang.pk)
    assert zhang.moved_out
    assert not Person.objects.get(pk=ledger.li.pk).moved_out


def test_a_row_in_register_is_imported_as_before(world, ledger, importer):
    headers = [*TEMPLATE_HEADERS, "状态"]
    job = importer.upload(workbook_upload([[*template_row("赵一", ID1), "在册"]], headers=headers))
    assert not job.problems.exists()
    importer.commit(job)
    assert not Person.objects.get(name="赵一").moved_out


def test_a_moved_out_person_s_row_without_a_status_still_restores_them(world, ledger, importer):
    actions.move_out(person=ledger.zhang, version=ledger.zhang.version, by=world.hq)
    row = template_row("张三丰", "410105194001011230")
    job = importer.upload(workbook_upload([row]))
    assert not job.problems.exists()
    importer.commit(job)
    assert not Person.objects.get(pk=ledger.zhang.pk).moved_out
