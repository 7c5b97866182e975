"""Addresses as communities write them: "3号楼2单元301", "西城花园3栋2单元301室",
"3-2-301", "3栋-2-301", "3栋2单元3楼301". Used by the import (free-text address column) and by
search. Digits typed in full width (３号楼) are digits.

A building is known by its key: the number or letter of its name ("3号楼", "3栋",
"三号楼" and "3#" are all building "3"); other names ("综合楼") are their own key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from shouwang.areas.models import Area
from shouwang.core.text import half_width, place_name, visible

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = "[零〇一二两三四五六七八九十百]+"
BUILDING_SUFFIX = "(?:号楼|号院|号|栋|幢|座|#楼|#|楼)"
BUILDING = rf"(?P<building>[0-9]+|[A-Za-z][0-9]*|{CN_NUMBER})"
# The floor a room is on ("3楼", "三层"), written before the room: read and dropped, the
# room number carries it. Not a building: "1号楼2单元3楼301" is building 1.
FLOOR = rf"(?:[0-9]+|{CN_NUMBER})(?:楼|层)"

ADDRESS_PATTERNS = [
    re.compile(
        rf"^(?P<compound>.*?){BUILDING}{BUILDING_SUFFIX}-?"
        rf"(?:(?P<unit>[0-9]+|{CN_NUMBER})(?:单元-?|门-?|-))?"
        rf"(?:{FLOOR})?"
        r"-?(?P<room>[0-9]+[A-Za-z]?|[A-Za-z][0-9]+)(?:室|号|户)?$"
    ),
    re.compile(
        r"^(?P<compound>(?:.*[^0-9A-Za-z-])?)(?P<building>[0-9]+)-(?P<unit>[0-9]+)-"
        r"(?P<room>[0-9]+[A-Za-z]?)(?:室|号|户)?$"
    ),
]
BUILDING_NAME = re.compile(rf"^{BUILDING}{BUILDING_SUFFIX}?$")
# A building typed alone in a search box ("1号楼", "西城花园3栋"): the suffix is required
# (号 alone is a room's), so a name is not taken for a building.
BUILDING_SEARCH = re.compile(rf"^(?P<compound>.*?){BUILDING}(?:号楼|栋|幢|座|#楼)$")
UNIT_TEXT = re.compile(rf"^(?P<unit>[0-9]+|{CN_NUMBER})(?:单元|门)?$")
# Longer text is no address: the patterns' backtracking grows with the square of the
# length (a 32,000-digit cell took 15 s).
MAX_ADDRESS = 200
COMPOUND_WORD = "小区"
# Spaces between digits part two numbers ("301 13800138000": a room, then a phone);
# joined, they would read as one room.
DIGITS_APART = re.compile(r"[0-9]\s+[0-9]")


@dataclass(frozen=True)
class Address:
    compound: str
    building: str  # a building key
    unit: str  # "2" for 2单元, "" when not given
    room: str


def cn_to_int(text: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十' -> 20, '一百零五' -> 105; None if not a number."""
    if not text or any(c not in CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + CN_DIGITS[char]
    return total + current


def _number_key(text: str) -> str:
    if text.isdigit():
        return str(int(text))
    if text.isascii():
        return text.upper()
    number = cn_to_int(text)
    return str(number) if number is not None else text


@lru_cache(maxsize=4096)
def building_key(name: str) -> str:
    """'3号楼' -> '3', '三栋' -> '3', 'A座' -> 'A', '综合楼' -> '综合楼'."""
    name = half_width("".join(name.split()))
    match = BUILDING_NAME.match(name)
    return _number_key(match["building"]) if match else name


def building_names(key: str) -> list[str]:
    """Names a building with this key is likely to carry (for a database lookup)."""
    if not key.isdigit():
        return [key, f"{key}座", f"{key}栋", f"{key}号楼"]
    return [f"{key}{suffix}" for suffix in ("号楼", "栋", "幢", "号", "座", "#", "#楼", "")]


def normalise_unit(text: str) -> str | None:
    """'2单元' / '二单元' / '2' -> '2'; '' -> ''; None when it is not a unit."""
    text = half_width("".join(text.split()))
    if not text:
        return ""
    match = UNIT_TEXT.match(text)
    return _number_key(match["unit"]) if match else None


ROOM_APART = "房号的数字之间有空格（是否把电话等号码也填进了房号？），请只填房号，如 301"


def digits_apart(text: str) -> bool:
    """Whether two digits stand apart in ``text`` ("301 13800138000"): joined, they
    would make another room and keep a phone number in the address."""
    return DIGITS_APART.search(half_width(text)) is not None


ROOM_NO_NUMBER = "房号里没有门牌号码（只有标点或“室”“户”等字），请填写房号，如 301"
# Words that name a room without telling which: "室" alone is no room.
ROOM_WORDS = "室户号房间"


def room_without_number(room: str) -> bool:
    """Whether ``room`` holds nothing that tells one room from another: only
    punctuation, or only the word for a room ("-", "室", "#号")."""
    return not any(c.isalnum() and c not in ROOM_WORDS for c in room)


def normalise_room(text: str) -> str:
    text = half_width("".join(text.split())).upper()
    return text[:-1] if text.endswith(("室", "户")) and len(text) > 1 else text


UNIT_NOT_NUMBER = "单元请填写数字，如 2 或 2单元"
MAX_ROOM = 40  # Household.room


class FlatError(ValueError):
    """A 单元 or 房号 that names no flat; ``field`` is "unit" or "room"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_unit(text: str) -> str:
    """单元 as stored, read alike by the household form, the import and ``household_at``
    ('2单元' -> '2'); FlatError when it is no unit."""
    unit = normalise_unit(visible(text))
    if unit is None:
        raise FlatError("unit", UNIT_NOT_NUMBER)
    return unit


def read_room(text: str) -> str:
    """房号 as stored, read alike by the household form, the import and ``household_at``
    ('301室' -> '301'); FlatError when it holds no room, or a phone beside it."""
    text = visible(text)
    if digits_apart(text):
        raise FlatError("room", ROOM_APART)
    room = normalise_room(text)
    if room_without_number(room):
        raise FlatError("room", ROOM_NO_NUMBER)
    if len(room) > MAX_ROOM:
        raise FlatError("room", f"房号过长（最多{MAX_ROOM}字）")
    return room


def compound_key(name: str) -> str:
    """A compound's name as compared: "西城 花园小区" and "西城花园" are one."""
    key = place_name(name)
    return (
        key[: -len(COMPOUND_WORD)] if key.endswith(COMPOUND_WORD) and key != COMPOUND_WORD else key
    )


@lru_cache(maxsize=65536)
def parse_address(text: str) -> Address | None:
    """Split a free-text address into compound, building, unit and room, or None."""
    if len(text) > MAX_ADDRESS:
        return None
    text = half_width(text)
    if DIGITS_APART.search(text):
        return None
    text = "".join(text.split()).replace("—", "-")
    for pattern in ADDRESS_PATTERNS:
        match = pattern.match(text)
        if match:
            unit = match["unit"] or ""
            return Address(
                compound=match["compound"].rstrip("-"),
                building=_number_key(match["building"]),
                unit=_number_key(unit) if unit else "",
                room=match["room"].upper(),
            )
    return None


def parse_building(text: str) -> tuple[str, str] | None:
    """(compound, building key) of a building typed alone, or None. A one-character
    compound is a family name ("王一栋" is a person)."""
    if len(text) > MAX_ADDRESS:
        return None
    match = BUILDING_SEARCH.match(half_width("".join(text.split())))
    if match is None or len(match["compound"]) == 1:
        return None
    return match["compound"], _number_key(match["building"])


def in_buildings_message(compound: str, *, fix: str = "请选择楼栋") -> str:
    """Why a household is not registered at a compound itself: it has buildings, and
    its households are in them (as its page says, and as coverage counts them). ``fix``
    says what to do where the message is read: a form selects, a spreadsheet is filled
    in (``FILL_IN_BUILDING``)."""
    return f"小区“{compound}”已有楼栋，户应登记在楼栋下，{fix}"


FILL_IN_BUILDING = "请填写楼栋"


class BuildingIndex:
    """The buildings (and compounds) of one subtree, found by compound and building.
    A compound with buildings is no household's place (``in_buildings_message``)."""

    def __init__(self, root: Area) -> None:
        areas = Area.objects.within(root).filter(kind__in=[Area.Kind.COMPOUND, Area.Kind.BUILDING])
        compounds = {a.pk: a.name for a in areas if a.kind == Area.Kind.COMPOUND}
        self.by_pair: dict[tuple[str, str], int] = {}
        self.by_key: dict[str, list[tuple[str, int]]] = {}
        self.compounds: dict[str, int] = {name: pk for pk, name in compounds.items()}
        self.compound_keys = {compound_key(name): name for name in self.compounds}
        self.names: dict[int, str] = {}
        self.with_buildings: set[str] = set()
        for area in areas:
            if area.kind != Area.Kind.BUILDING:
                continue
            compound = compounds.get(area.parent_id, "")
            self.with_buildings.add(compound)
            key = building_key(area.name)
            self.by_pair[(compound, key)] = area.pk
            self.by_key.setdefault(key, []).append((compound, area.pk))
            self.names[area.pk] = f"{compound}{area.name}"

    def compound_name(self, text: str) -> str | None:
        """The compound ``text`` names: exactly, or as its ending ("西城社区西城花园"),
        spaces, full-width digits and a trailing 小区 aside ("西城 花园小区")."""
        if text in self.compounds:
            return text
        key = compound_key(text)
        if key in self.compound_keys:
            return self.compound_keys[key]
        endings = [k for k in self.compound_keys if key.endswith(k)]
        return self.compound_keys[max(endings, key=len)] if endings else None

    def resolve(self, compound: str, building: str) -> tuple[int | None, str]:
        """(area id, "") or (None, a Chinese reason). A free-text address gives its
        building as a bare number key ("3"): the reason names it as written, 3号楼."""
        key = building_key(building) if building else ""
        if building.isdigit():
            building = f"{building}号楼"
        if compound:
            compound = self.compound_name(compound) or compound
        if not key:
            if compound in self.with_buildings:
                return None, in_buildings_message(compound, fix=FILL_IN_BUILDING)
            if compound in self.compounds:
                return self.compounds[compound], ""
            return None, f"找不到小区“{compound}”" if compound else "没有填写楼栋"
        if compound:
            found = self.by_pair.get((compound, key))
            if found is not None:
                return found, ""
            if compound not in self.compounds:
                return None, f"找不到小区“{compound}”"
            return None, f"小区“{compound}”中没有楼栋“{building}”"
        candidates = self.by_key.get(key, [])
        if len(candidates) == 1:
            return candidates[0][1], ""
        if not candidates:
            return None, f"找不到楼栋“{building}”"
        names = "、".join(sorted(c for c, _ in candidates)[:5])
        return None, f"楼栋“{building}”在多个小区都有（{names}），请写明小区"
