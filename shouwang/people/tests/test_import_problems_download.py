"""The problem list of an import downloads under the uploaded file's name, once
suffixed: 导入问题-台账.xlsx, not 导入问题-台账.xlsx.xlsx."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from shouwang.people.tests.factories import template_row, xlsx_upload


@pytest.mark.parametrize(
    ("uploaded", "downloaded"),
    [("台账.xlsx", "导入问题-台账.xlsx"), ("西城.XLSX", "导入问题-西城.xlsx")],
)
def test_it_names_the_problem_list_after_the_upload(world, importer, uploaded, downloaded):
    job = importer.upload(xlsx_upload([template_row("", "")], name=uploaded))
    assert job.problem_count
    response = importer.client.get(reverse("people:import_problems", args=[job.code]))
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith(f"''{downloaded}")
