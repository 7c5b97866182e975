"""Masking of ID and phone numbers (hypothesis): never more than the agreed digits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shouwang.core.pii import mask_id, mask_phone

documents = st.text(alphabet="0123456789Xx", max_size=24)
phones = st.text(alphabet="0123456789+ -", max_size=20)


def test_the_examples() -> None:
    assert mask_id("410105199001011234") == "410105********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("") == mask_phone("") == ""


@given(documents)
def test_a_masked_id_keeps_its_length_and_at_most_ten_characters(value: str) -> None:
    masked = mask_id(value)
    assert len(masked) == len(value)
    shown = [c for c in masked if c != "*"]
    assert len(shown) <= 10
    if len(value) >= 15:
        assert masked == value[:6] + "*" * (len(value) - 10) + value[-4:]
    elif len(value) > 4:
        assert masked == value[:2] + "*" * (len(value) - 4) + value[-2:]
    else:
        assert set(masked) <= {"*"}


@given(documents)
def test_a_masked_id_hides_the_birth_date(value: str) -> None:
    if len(value) == 18:
        assert mask_id(value)[6:14] == "********"


@given(phones)
def test_a_masked_phone_keeps_its_length_and_at_most_seven_characters(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    if len(value) >= 7:
        assert masked[:3] == value[:3]
        assert masked[-4:] == value[-4:]
        assert set(masked[3:-4]) <= {"*"}
    else:
        assert set(masked) <= {"*"}


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_masked_mobile_hides_the_middle_four(value: str) -> None:
    assert mask_phone(value)[3:7] == "****"
