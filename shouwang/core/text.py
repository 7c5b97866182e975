"""Text as staff and residents type it: full-width digits from a Chinese input method,
mainland mobile numbers, names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from django.utils import timezone

# ASCII digits only: \d also takes ٤ and ४.
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def half_width(text: str) -> str:
    """Digits and letters typed by an input method in full-width mode (１３８, Ｘ) as
    the ASCII ones; other text unchanged."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


# Full-width digits and Latin letters (０-９, Ａ-Ｚ, ａ-ｚ) as ASCII; other full-width
# forms (（）, ：) are left as they are, as place names are written with them.
_FULL_WIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}


def place_name(name: str) -> str:
    """A place's name as one spelling: "３ 号楼" and "3号楼" are "3号楼" (full-width
    digits and letters as ASCII, no spaces, no unseen characters such as a zero-width
    space pasted from a chat, which made a second 锦绣花园 beside the first)."""
    return "".join(visible(name).translate(_FULL_WIDTH_ALNUM).split())


# The separator of a transliterated name (买买提·艾力) as phones type it: · • ・ ‧ ∙ . -
NAME_SEPARATORS = str.maketrans("", "", "\u00b7\u2022\u30fb\u2027\u2219.-")


def visible(text: str) -> str:
    """``text`` without control and format characters other than white space (a bell,
    a zero-width space or a byte-order mark pasted from a chat): unseen, they would
    make one name two."""
    if text.isprintable():
        return text
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf"))


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (a line break, a tab, NUL, a bell):
    none belongs in a one-line field, and PostgreSQL refuses a NUL with a vague error."""
    return not text.isprintable() and any(unicodedata.category(c) == "Cc" for c in text)


def name_key(name: str) -> str:
    """A person's name as compared with the ledger's: spaces, the separator of a
    transliterated name and letter case aside, full-width letters as ASCII."""
    return "".join(visible(half_width(name or "")).translate(NAME_SEPARATORS).casefold().split())


def normalize_mobile(value: str) -> str:
    """A mobile number as typed or pasted: full-width digits read as digits; spaces,
    dashes, brackets and unseen characters (a zero-width space from a chat) dropped;
    and the country code before it (+86, 0086, or 86 before eleven digits starting
    with 1: no mainland mobile starts with 86). Not checked."""
    phone = visible(half_width(value or ""))
    for mark in " -()":
        phone = phone.replace(mark, "")
    phone = phone.strip()
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            return phone[len(prefix) :]
    if len(phone) == 13 and phone.startswith("861"):
        return phone[2:]
    return phone


def mobile_in(value: str) -> str:
    """The mainland mobile number ``value`` is, as typed; "" when it is not one."""
    phone = normalize_mobile(value)
    return phone if MOBILE_RE.match(phone) else ""


def day_label(day: date, *, year: bool = False) -> str:
    """A calendar day as headings and messages name it: 11月23日 in the current year,
    2025年11月23日 in any other (a day of last winter is not this one's). ``year=True``
    names the year always: for text that is stored and read later (an alert's detail,
    an audit entry), when "the current year" may be another one."""
    prefix = "" if day.year == timezone.localdate().year and not year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


def moment_label(moment: datetime, *, year: bool = False) -> str:
    """An instant in local time as pages name it: 11月23日 15:30, with the year of its
    day when that is not the current one or when ``year`` (the rule of ``day_label``)."""
    local = timezone.localtime(moment)
    return f"{day_label(local.date(), year=year)} {local:%H:%M}"
