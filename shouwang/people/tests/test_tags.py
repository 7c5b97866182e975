"""The tag list, managed by HQ: a tag is a name the import can read back."""

import pytest
from django.urls import reverse

from shouwang.people.models import Tag
from shouwang.people.tests.factories import template_row, xlsx_upload


@pytest.mark.parametrize("name", ["独居、空巢", "高龄 老人", "低保/特困", "孤儿，困境儿童"])
def test_a_tag_name_with_a_separator_is_refused(world, name):
    response = world.client("hq").post(reverse("people:tags"), {"name": name, "order": "5"})
    assert response.status_code == 400
    assert "不能含有" in response.content.decode()
    assert not Tag.objects.filter(name=name).exists()


def test_a_tag_named_as_another_is_refused_in_plain_chinese(world, default_tags):
    response = world.client("hq").post(reverse("people:tags"), {"name": " 低保 ", "order": "5"})
    assert response.status_code == 400
    assert "已有同名的标签，请换一个名称" in response.content.decode()
    assert Tag.objects.filter(name="低保").count() == 1


def test_a_tag_added_by_hq_is_read_by_the_import(world, importer):
    response = world.client("hq").post(reverse("people:tags"), {"name": " 高龄老人 ", "order": "5"})
    assert response.status_code == 302
    job = importer.upload(xlsx_upload([template_row("刘备", "", tags="高龄老人")]))
    assert (job.valid_rows, job.problem_count) == (1, 0)
