"""Free-text addresses as communities write them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouwang.people.addresses import (
    Address,
    building_key,
    cn_to_int,
    parse_address,
    parse_building,
)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("3号楼2单元301", Address("", "3", "2", "301")),
        ("3号楼2单元301室", Address("", "3", "2", "301")),
        ("西城花园3栋2单元301", Address("西城花园", "3", "2", "301")),
        ("西城花园 3 号楼 2 单元 301", Address("西城花园", "3", "2", "301")),
        ("三号楼二单元301", Address("", "3", "2", "301")),
        ("3号楼301", Address("", "3", "", "301")),
        ("3号楼2-301", Address("", "3", "2", "301")),
        ("3#2单元301", Address("", "3", "2", "301")),
        ("3-2-301", Address("", "3", "2", "301")),
        ("八一新苑12-1-1502", Address("八一新苑", "12", "1", "1502")),
        ("八一新苑十二号楼1单元1502", Address("八一新苑", "12", "1", "1502")),
        ("A座1单元101", Address("", "A", "1", "101")),
        ("西城花园３号楼２单元３０１", Address("西城花园", "3", "2", "301")),
        ("３－２－３０１", Address("", "3", "2", "301")),
        ("3栋2单元3楼301", Address("", "3", "2", "301")),
        ("西城花园3号楼2单元3层301室", Address("西城花园", "3", "2", "301")),
        ("1号楼十五楼1502", Address("", "1", "", "1502")),
        ("5号院3号楼2单元301", Address("5号院", "3", "2", "301")),
        ("3栋-2-301", Address("", "3", "2", "301")),
        ("西城花园3号楼-2-301室", Address("西城花园", "3", "2", "301")),
        ("3#-2-301", Address("", "3", "2", "301")),
        ("3栋-2单元-301", Address("", "3", "2", "301")),
        ("3栋－2－301", Address("", "3", "2", "301")),
        ("3栋-301", Address("", "3", "", "301")),
    ],
)
def test_it_reads_the_usual_ways_of_writing_an_address(text, address):
    assert parse_address(text) == address


@pytest.mark.parametrize(
    "text",
    [
        "西城花园",
        "张三",
        "3号楼",
        "",
        "301",
        "1号楼2单元301 13800138000",
        "3-2-301　１３８００１３８０００",
        "3栋-2-",
        "3栋--2-301",
        "32-301",
    ],
)
def test_it_says_when_it_cannot_read_an_address(text):
    assert parse_address(text) is None


def test_a_very_long_cell_is_no_address_and_is_not_parsed():
    # The patterns backtrack in the square of the length: 32,000 digits took 15 s.
    assert parse_address("1" * 32_000) is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("3号楼", "3"),
        ("３号楼", "3"),
        ("3栋", "3"),
        ("03幢", "3"),
        ("三号楼", "3"),
        ("3#", "3"),
        ("A座", "A"),
        ("综合楼", "综合楼"),
    ],
)
def test_buildings_are_known_by_their_number(name, key):
    assert building_key(name) == key


@given(st.integers(1, 999))
def test_chinese_numerals_read_back(n):
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = digits[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    text += digits[ones] if ones else ""
    assert cn_to_int(text) == n


@given(st.integers(1, 60), st.integers(1, 9), st.integers(101, 3404))
def test_generated_addresses_round_trip(building, unit, room):
    assert parse_address(f"{building}号楼{unit}单元{room}") == Address(
        "", str(building), str(unit), str(room)
    )


@given(
    st.sampled_from(["", "西城花园"]),
    st.integers(1, 60),
    st.sampled_from(["号楼", "栋", "幢", "座", "#", "号"]),
    st.integers(1, 9),
    st.integers(101, 3404),
    st.sampled_from(["{b}{s}-{u}-{r}", "{b}{s}{u}-{r}", "{b}{s}-{u}单元-{r}", "{b}-{u}-{r}"]),
    st.sampled_from(["-", "－", "—"]),
)
def test_dashed_addresses_read_back(compound, building, suffix, unit, room, layout, dash):
    text = compound + layout.format(b=building, s=suffix, u=unit, r=room).replace("-", dash)
    assert parse_address(text) == Address(compound, str(building), str(unit), str(room))


@given(st.integers(1, 60), st.sampled_from(["号楼", "栋", "幢", "座"]))
def test_a_building_typed_alone_reads_back_with_its_compound(building, suffix):
    assert parse_building(f"西城花园{building}{suffix}") == ("西城花园", str(building))
    assert parse_building(f"{building}{suffix}") == ("", str(building))


@given(st.text(alphabet="张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧", min_size=1))
def test_a_name_is_never_read_as_a_building(name):
    assert parse_building(name) is None
    assert parse_building(f"{name[:1]}一栋") is None  # 王一栋 is a person
