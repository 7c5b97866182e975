"""A free-text address that names no building of the ledger is listed with the
building as people write it (“9号楼”), not as the parser keys it (“9”)."""

import pytest

from shouwang.areas.tests.factories import child
from shouwang.people.tests.factories import ID1, xlsx_upload

FREE_TEXT_HEADERS = ["姓名", "身份证号", "联系电话", "住址"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("西城花园9号楼2单元301", "小区“西城花园”中没有楼栋“9号楼”"),
        ("9栋2单元301", "找不到楼栋“9号楼”"),
    ],
)
def test_an_unmatched_building_is_named_as_written(world, importer, address, expected):
    job = importer.upload(xlsx_upload([["刘备", ID1, "", address]], headers=FREE_TEXT_HEADERS))
    (message,) = job.problems.values_list("message", flat=True)
    assert expected in message


def test_a_building_in_two_compounds_is_named_as_written(hq_world_with_two_1s, importer):
    job = importer.upload(
        xlsx_upload([["刘备", ID1, "", "1号楼2单元301"]], headers=FREE_TEXT_HEADERS)
    )
    (message,) = job.problems.values_list("message", flat=True)
    assert "楼栋“1号楼”在多个小区都有" in message


@pytest.fixture
def hq_world_with_two_1s(world):
    """A second compound in community A with a 1号楼 too."""
    child(child(world.community_a, "东城花园"), "1号楼")
    return world
