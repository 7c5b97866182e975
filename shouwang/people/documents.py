"""Identity documents and phone numbers: validation and derived facts.

居民身份证 (GB 11643-1999): 17 digits + a check character (0-9 or X) computed with
ISO 7064 MOD 11-2; digits 7-14 are the birth date; digit 17 is odd for men. The first
digit is a province's (1-8).

外国人永久居留身份证: since December 2023 a number built the same way (the birth date in
digits 7-14, the same check character) whose first digit is 9, which no citizen's
number has; cards issued before keep their 15 characters, a 3-letter nationality code
and 12 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import models

from shouwang.core.text import MOBILE_RE, half_width, normalize_mobile, visible

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"


class DocumentType(models.TextChoices):
    ID_CARD = "id_card", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"
    OTHER = "other", "其他证件"


DOCUMENT_PATTERNS = {
    DocumentType.PASSPORT: (re.compile(r"^[A-Z0-9]{5,17}$"), "护照号码应为5到17位字母或数字"),
    DocumentType.HK_MACAO: (
        re.compile(r"^[HM][0-9]{8}([0-9]{2})?$"),
        "港澳通行证号码应为H或M开头加8位（或10位）数字",
    ),
    DocumentType.TAIWAN: (re.compile(r"^[0-9]{8}([0-9]{2})?$"), "台胞证号码应为8位或10位数字"),
    DocumentType.OTHER: (re.compile(r"^[A-Z0-9-]{4,30}$"), "证件号码应为4到30位字母、数字或短横线"),
}


class DocumentError(ValueError):
    """The message says, in Chinese, what to fix."""


def masked_number(noun: str) -> DocumentError:
    """A number with the stars of a masked page or export in it: it cannot be stored,
    and the user should hear that, not that its digits are wrong."""
    return DocumentError(
        f"{noun}含*，是脱敏显示的号码，请填写完整号码（脱敏导出的表格不能直接导入）"
    )


# What a spreadsheet's 证件类型 column says, for each type (the label first).
TYPE_NAMES: dict[str, list[str]] = {
    DocumentType.ID_CARD: ["居民身份证", "身份证", "二代身份证"],
    DocumentType.PASSPORT: ["护照"],
    DocumentType.HK_MACAO: ["港澳居民来往内地通行证", "港澳通行证", "回乡证"],
    DocumentType.TAIWAN: ["台湾居民来往大陆通行证", "台胞证"],
    DocumentType.FOREIGN_PR: ["外国人永久居留身份证", "外国人永久居留证", "永居证"],
    DocumentType.OTHER: ["其他证件", "其他"],
}
TYPES_BY_NAME = {name: doc_type for doc_type, names in TYPE_NAMES.items() for name in names}
# The names a sheet usually gives, as the import page and the messages list them.
TYPE_NAMES_SHOWN = "居民身份证、护照、港澳通行证、台胞证、永居证 或 其他"
TYPE_NAME_MESSAGE = f"证件类型应为 {TYPE_NAMES_SHOWN}"


def document_type_named(text: str) -> str:
    """The document type a spreadsheet cell names ("台胞证"), or DocumentError."""
    doc_type = TYPES_BY_NAME.get("".join(half_width(text or "").split()))
    if doc_type is None:
        raise DocumentError(TYPE_NAME_MESSAGE)
    return doc_type


@dataclass(frozen=True)
class IdFacts:
    birth_date: date
    sex: str  # "M" or "F"


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def wrong_length(number: str) -> str:
    """What to say of an ID card number that is not 18 characters long."""
    if len(number) == 15 and number.isdigit():
        return "这是15位旧身份证号码，已停用；请填写现行的18位号码"
    return "身份证号码应为18位"


RESIDENCE_CARD_FIRST_DIGIT = "9"
RESIDENCE_CARD_MESSAGE = (
    "以9开头的18位号码是外国人永久居留身份证号码，请将证件类型改为“外国人永久居留身份证”"
)


def _gb11643_birth_date(number: str, *, foreign: bool, noun: str, today: date | None) -> date:
    """The birth date of an 18-character GB 11643-style ``number`` (17 digits and a
    check character), checked with that character: a citizen's (``foreign`` False) or
    a foreigner's, told apart by the first digit. Messages name the ``noun``."""
    if (
        not number.isascii()
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise DocumentError(f"{noun}前17位应为数字，最后一位为数字或X")
    if (number[0] == RESIDENCE_CARD_FIRST_DIGIT) != foreign:
        raise DocumentError(
            f"{noun}以9开头；以1到8开头的是居民身份证号码" if foreign else RESIDENCE_CARD_MESSAGE
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise DocumentError(f"{noun}中的出生日期不存在") from exc
    today = today or date.today()  # noqa: DTZ011 - a calendar date, not a time
    if born > today or born.year < 1890:
        raise DocumentError(f"{noun}中的出生日期不合理")
    if check_char(number[:17]) != number[17]:
        raise DocumentError(f"{noun}校验位不正确，请核对")
    return born


def parse_id_card(number: str, *, today: date | None = None) -> IdFacts:
    """Validate a 居民身份证 number; returns birth date and sex or raises DocumentError."""
    number = normalise(number)
    if len(number) != 18:
        raise DocumentError(wrong_length(number))
    born = _gb11643_birth_date(number, foreign=False, noun="身份证号码", today=today)
    return IdFacts(birth_date=born, sex="M" if int(number[16]) % 2 else "F")


OLD_RESIDENCE_CARD = re.compile(r"^[A-Z]{3}[0-9]{12}$")


def parse_permanent_residence(number: str, *, today: date | None = None) -> date | None:
    """Validate a 外国人永久居留身份证 number: the 2023 card's 18 characters, or the older
    card's 3 letters and 12 digits. Returns the birth date the 2023 card carries (None
    for an older card) or raises DocumentError."""
    number = normalise(number)
    if len(number) == 15:
        if not OLD_RESIDENCE_CARD.match(number):
            raise DocumentError(
                "15位的外国人永久居留身份证号码应为3位大写字母（国籍代码）加12位数字"
            )
        return None
    if len(number) != 18:
        raise DocumentError(
            "外国人永久居留身份证号码应为18位（2023年12月起的新版）或15位（旧版：3位字母加12位数字）"
        )
    noun = "18位外国人永久居留身份证号码"
    return _gb11643_birth_date(number, foreign=True, noun=noun, today=today)


# Excel keeps 15 significant digits of a number: an ID number in a cell stored as one
# has lost its last digits, and one in eleven of the mangled numbers still passes the
# check digit (another person's number, or nobody's).
NUMBER_CELL_MESSAGE = "证件号码被Excel存成了数字，末几位已丢失；请把该列设为“文本”格式后重新填写"


# A permit or passport number starting with 0 in a cell Excel stored as a number has
# lost that 0 (台胞证 01234567 reads 1234567): say so, not that it is a digit short.
LOST_ZERO_MESSAGE = (
    "证件号码被Excel存成了数字，开头的0已丢失；请把该列设为“文本”格式后按证件原样重新填写"
)


def lost_leading_zero(doc_type: str, value: object) -> bool:
    """Whether a spreadsheet cell holding a document number was stored as a number
    that is no valid number of ``doc_type`` but would be with a 0 or two before it."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if doc_type == DocumentType.ID_CARD or value < 0 or value != int(value):
        return False
    number = str(int(value))
    for zeros in ("0", "00"):
        try:
            validate_document(doc_type, zeros + number)
        except DocumentError:
            continue
        return True
    return False


# A document already in the ledger, outside the user's jurisdiction: what is said
# of the person — that they moved out, or which community to ask for the move-out —
# and nothing of their household.
MOVED_OUT_ELSEWHERE = "此人曾在其他社区登记，已迁出"
NAME_DIFFERS_MESSAGE = (
    "所填姓名与该证件号码登记的姓名不一致，请核对证件；如确已改名，请联系上级核实"
)


def active_elsewhere(community: str, *, then: str = "再在这里登记迁入") -> str:
    """Refusal of a document whose person is still registered outside the user's
    jurisdiction, saying which community records the move-out first."""
    return (
        f"该证件号码已在您辖区以外登记：此人仍在{community}在册。如此人已搬到您这里，"
        f"请联系{community}先办理迁出，{then}"
    )


def stored_as_number(value: object) -> bool:
    """Whether a spreadsheet cell holding an ID number was stored as a number."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 10**15


def normalise(number: str) -> str:
    """A number as typed, without spaces of any kind or unseen characters (a zero-width
    space pasted from a chat), in capitals; without the apostrophe a spreadsheet keeps a
    number as text with, when it was pasted along (no document number has one)."""
    return "".join(visible(half_width(number or "")).split()).upper().lstrip("'")


def validate_document(doc_type: str, number: str) -> str:
    """Return the normalised number or raise DocumentError."""
    number = normalise(number)
    if not number:
        raise DocumentError("请填写证件号码")
    if "*" in number:
        raise masked_number("证件号码")
    if doc_type == DocumentType.ID_CARD:
        parse_id_card(number)
        return number
    if doc_type == DocumentType.FOREIGN_PR:
        parse_permanent_residence(number)
        return number
    pattern, message = DOCUMENT_PATTERNS.get(doc_type, DOCUMENT_PATTERNS[DocumentType.OTHER])
    if not pattern.match(number):
        raise DocumentError(message)
    return number


def could_be_document(number: str) -> bool:
    """Whether some document type takes this normalised number: the search box looks
    a whole number typed in it up by its keyed hash then (a 9-digit passport, a
    12-digit 其他证件, an 18-digit ID card)."""
    for doc_type in DocumentType:
        try:
            validate_document(doc_type, number)
        except DocumentError:
            continue
        return True
    return False


def birth_facts(doc_type: str, number: str) -> tuple[date | None, str]:
    """The birth date and sex a valid, normalised document number carries: both on a
    居民身份证, the birth date on a 2023 外国人永久居留身份证 (its sex digit is not
    published), nothing on the others."""
    if doc_type == DocumentType.ID_CARD:
        facts = parse_id_card(number)
        return facts.birth_date, facts.sex
    if doc_type == DocumentType.FOREIGN_PR and len(number) == 18:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14])), ""
    return None, ""


# The birth dates the ledger takes, entered by hand or imported.
EARLIEST_BIRTH_YEAR = 1890
BIRTH_DATE_MESSAGE = f"出生日期不合理：不能晚于今天，也不能早于{EARLIEST_BIRTH_YEAR}年"
BORN_CARRIED_MESSAGE = (
    "出生日期以证件号码为准：与证件号码中的出生日期不一致，请核对证件号码，或不填出生日期"
)


def check_birth_date(born: date, today: date) -> None:
    """DocumentError unless ``born`` could be a living resident's birth date."""
    if born > today or born.year < EARLIEST_BIRTH_YEAR:
        raise DocumentError(BIRTH_DATE_MESSAGE)


def sex_carried_message(sex_label: str) -> str:
    """A 性别 given beside a document that says otherwise (``sex_label``: 男 or 女)."""
    return f"性别以证件号码为准：证件号码显示为{sex_label}，请核对证件号码，或不填性别"


def validate_phone(phone: str) -> str:
    phone = normalize_mobile(phone)
    if "*" in phone:
        raise masked_number("手机号")
    if not MOBILE_RE.match(phone):
        raise DocumentError("手机号应为11位大陆手机号码（1开头的11位数字）")
    return phone


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def compose_id_card(region: str, born: date, sequence: int) -> str:
    """A well-formed 居民身份证 number: 6-digit region, birth date, 3-digit sequence
    (odd for men) and its check character. For demo data, tests and benchmarks."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
