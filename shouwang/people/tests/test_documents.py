"""The ID validators: every well-formed ID is accepted with its birth date and sex; any
single-character change to it is rejected (GB 11643 check digit, ISO 7064 MOD 11-2).
The same for a 2023 外国人永久居留身份证 (18 characters like an ID, first digit 9), and
the older 15-character card's format (3 letters and 12 digits)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouwang.people.documents import (
    DocumentError,
    DocumentType,
    birth_facts,
    compose_id_card,
    parse_id_card,
    parse_permanent_residence,
    validate_document,
    validate_phone,
)
from shouwang.people.importing import _parse_id

TODAY = date(2026, 1, 1)
regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1890, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(regions, births, sequences)
def test_it_accepts_every_well_formed_id(region, born, sequence):
    number = compose_id_card(region, born, sequence)
    facts = parse_id_card(number, today=TODAY)
    assert facts.birth_date == born
    assert facts.sex == ("M" if sequence % 2 else "F")
    assert validate_document(DocumentType.ID_CARD, number.lower()) == number


@given(regions, births, sequences, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_it_rejects_any_single_character_change(region, born, sequence, position, char):
    number = compose_id_card(region, born, sequence)
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(DocumentError):
        parse_id_card(changed, today=TODAY)


# A 2023 外国人永久居留身份证: 9, the province that issued it, a 3-digit nationality code.
residence_regions = st.from_regex(r"9[1-8][0-9][0-9]{3}", fullmatch=True)
old_residence_cards = st.from_regex(r"[A-Z]{3}[0-9]{12}", fullmatch=True)


@given(residence_regions, births, sequences)
def test_it_accepts_every_well_formed_permanent_residence_card(region, born, sequence):
    number = compose_id_card(region, born, sequence)
    assert parse_permanent_residence(number.lower(), today=TODAY) == born
    assert validate_document(DocumentType.FOREIGN_PR, number.lower()) == number
    assert birth_facts(DocumentType.FOREIGN_PR, number) == (born, "")


@given(residence_regions, births, sequences, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_it_rejects_any_single_character_change_of_a_residence_card(
    region, born, sequence, position, char
):
    number = compose_id_card(region, born, sequence)
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(DocumentError, match="外国人永久居留身份证"):
        parse_permanent_residence(changed, today=TODAY)


@given(old_residence_cards)
def test_it_accepts_every_card_of_the_older_format_without_a_birth_date(number):
    assert validate_document(DocumentType.FOREIGN_PR, f" {number.lower()} ") == number
    assert parse_permanent_residence(number) is None
    assert birth_facts(DocumentType.FOREIGN_PR, number) == (None, "")


@given(st.text(alphabet="0123456789ABCXYZ", max_size=20))
def test_it_refuses_anything_else_as_a_residence_card(text):
    is_new = len(text) == 18 and text[0] == "9" and text[:17].isdigit()
    is_old = len(text) == 15 and text[:3].isalpha() and text[3:].isdigit()
    if is_new or is_old:
        return  # the properties above
    with pytest.raises(DocumentError, match="外国人永久居留身份证号码"):
        parse_permanent_residence(text)


@given(regions, residence_regions, births, sequences)
def test_an_id_card_and_a_residence_card_are_never_taken_for_each_other(
    id_region, residence_region, born, sequence
):
    """Citizens' numbers start with a province (1-8), a foreigner's with 9: the type
    chosen must match, so that the birth date and sex are read as the card means."""
    citizen = compose_id_card(id_region, born, sequence)
    foreigner = compose_id_card(residence_region, born, sequence)
    with pytest.raises(DocumentError, match="以1到8开头的是居民身份证号码"):
        validate_document(DocumentType.FOREIGN_PR, citizen)
    with pytest.raises(DocumentError, match="外国人永久居留身份证"):
        validate_document(DocumentType.ID_CARD, foreigner)
    with pytest.raises(DocumentError, match="外国人永久居留身份证"):
        _parse_id(foreigner)


def test_it_explains_what_is_wrong_with_a_residence_card_in_chinese():
    valid = compose_id_card("911840", date(1985, 6, 7), 123)
    for bad, message in [
        (valid[:17], "应为18位.*或15位"),
        ("USA12345678901", "应为18位.*或15位"),
        ("US912345678901X", "3位大写字母"),
        (valid[:17] + ("0" if valid[17] != "0" else "1"), "校验位"),
        ("911840" + "19850230" + "1234", "出生日期不存在"),
        (compose_id_card("911840", date(1880, 1, 1), 1), "不合理"),
        ("9118401985060712A4", "前17位应为数字"),
    ]:
        with pytest.raises(DocumentError, match=message):
            parse_permanent_residence(bad)


@given(st.text(alphabet="0123456789X", min_size=14, max_size=19))
def test_the_import_fast_path_agrees_with_the_validator(text):
    try:
        expected = parse_id_card(text)
    except DocumentError as exc:
        with pytest.raises(DocumentError, match=str(exc)):
            _parse_id(text)
    else:
        assert _parse_id(text) == (expected.birth_date.isoformat(), expected.sex)


def test_it_explains_what_is_wrong_in_chinese():
    valid = compose_id_card("410105", date(1990, 1, 1), 123)
    for bad, message in [
        (valid[:17], "18位"),
        (valid[:17] + ("0" if valid[17] != "0" else "1"), "校验位"),
        ("410105" + "19900230" + "1234", "出生日期不存在"),
        (compose_id_card("410105", date(1880, 1, 1), 1), "不合理"),
    ]:
        with pytest.raises(DocumentError, match=message):
            parse_id_card(bad)


def test_an_old_fifteen_digit_number_is_named_as_such():
    """First-generation cards (15 digits, no century, no check digit) are void; elderly
    residents' numbers in old ledgers are often still written that way."""
    with pytest.raises(DocumentError, match="15位旧身份证号码.*18位"):
        parse_id_card("410105900101123")
    with pytest.raises(DocumentError, match="15位旧身份证号码.*18位"):
        _parse_id("410105900101123")


def wide(text: str) -> str:
    """``text`` as an input method in full-width mode types it (０-９, Ｘ)."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def test_it_reads_an_id_and_a_phone_typed_in_full_width():
    number = compose_id_card("410105", date(1990, 1, 1), 123)
    assert validate_document(DocumentType.ID_CARD, wide(number)) == number
    assert parse_id_card(wide(number)).birth_date == date(1990, 1, 1)
    assert validate_document(DocumentType.ID_CARD, wide(number.lower())) == number
    assert validate_phone(wide("13812345678")) == "13812345678"
    assert validate_document(DocumentType.PASSPORT, wide("E12345678")) == "E12345678"


@pytest.mark.parametrize("digit", ["\u0664", "\u096a"])  # Arabic-Indic and Devanagari four
def test_digits_of_other_scripts_are_refused_with_a_message(digit):
    number = compose_id_card("410105", date(1990, 1, 1), 123)
    with pytest.raises(DocumentError, match="应为数字"):
        parse_id_card(digit + number[1:])
    with pytest.raises(DocumentError, match="应为数字"):
        _parse_id(digit + number[1:])
    with pytest.raises(DocumentError, match="11位"):
        validate_phone("1381234567" + digit)


@pytest.mark.parametrize(
    ("doc_type", "number"),
    [
        (DocumentType.PASSPORT, "E12345678"),
        (DocumentType.HK_MACAO, "H12345678"),
        (DocumentType.TAIWAN, "12345678"),
        (DocumentType.FOREIGN_PR, "USA110850607001"),
        (DocumentType.FOREIGN_PR, compose_id_card("911840", date(1985, 6, 7), 1)),
    ],
)
def test_it_accepts_other_documents_in_their_format(doc_type, number):
    assert validate_document(doc_type, number) == number


@pytest.mark.parametrize(
    ("doc_type", "number"),
    [
        (DocumentType.HK_MACAO, "X12345678"),
        (DocumentType.TAIWAN, "1234"),
        (DocumentType.PASSPORT, "E1"),
        (DocumentType.FOREIGN_PR, "E12345678"),
    ],
)
def test_it_rejects_other_documents_out_of_format(doc_type, number):
    with pytest.raises(DocumentError):
        validate_document(doc_type, number)


@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["", "+86 ", "+86", "0086 ", "0086", "86", "86 ", "+86-", "(+86)", "\u200b"]),
)
def test_it_accepts_mainland_mobiles_with_or_without_the_country_code(phone, prefix):
    assert validate_phone(f"{prefix}{phone[:3]}-{phone[3:]}") == phone


@pytest.mark.parametrize(
    "phone", ["12812345678", "1381234567", "138123456789", "abc", "8612812345678", "86138123"]
)
def test_it_rejects_other_phone_numbers(phone):
    with pytest.raises(DocumentError, match="11位"):
        validate_phone(phone)


@pytest.mark.parametrize(
    "typed",
    [
        "\u200b410105199001011233",  # a zero-width space pasted from a chat
        "\ufeff410105199001011233",  # a byte-order mark
        "410105\t199001011233",  # a tab between the parts
        "410105\u00a019900101\u20601233",  # a no-break space, a word joiner
        "'410105199001011233",  # the apostrophe a sheet keeps text with, pasted along
    ],
)
def test_an_id_pasted_with_unseen_characters_is_the_number(typed):
    assert validate_document(DocumentType.ID_CARD, typed) == "410105199001011233"
