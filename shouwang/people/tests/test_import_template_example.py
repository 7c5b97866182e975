"""The template's example row (张三) left in a filled-in template is reported as a row to
delete, never imported as a resident; the rest of the file imports as usual."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouwang.people.importing import EXAMPLE_ROW, TEMPLATE_HEADERS
from shouwang.people.models import Person
from shouwang.people.tests.factories import template_row, xlsx_upload

pytestmark = pytest.mark.django_db


def test_the_template_uploaded_as_it_is_imports_nobody(world, importer):
    template = world.client("staff_a").get(reverse("people:import_template")).content
    job = importer.upload(SimpleUploadedFile("人员台账导入模板.xlsx", template))
    assert (job.valid_rows, job.problem_count) == (0, 1)
    problem = job.problems.get()
    assert (problem.row, problem.column) == (2, "姓名")
    assert "示例行（张三）" in problem.message
    assert "请删除此行后再导入" in importer.page(job)
    importer.commit(job)
    assert not Person.objects.exists()


def test_a_filled_template_with_its_example_left_in_imports_the_real_rows(world, importer):
    example = dict(zip(TEMPLATE_HEADERS, EXAMPLE_ROW, strict=True))
    rows = [
        template_row(example["姓名"], example["证件号码"].lower(), building="3号楼", room="301"),
        template_row("刘备", "41010519920304122X", room="302"),
        # The example's name on someone else's document is a real person.
        template_row("张三", "410105200105063527", room="303"),
    ]
    job = importer.upload(xlsx_upload(rows))
    assert (job.valid_rows, job.problem_count) == (2, 1)
    importer.commit(job)
    assert set(Person.objects.values_list("name", flat=True)) == {"刘备", "张三"}
    assert not Person.objects.with_document(example["证件号码"]).exists()
