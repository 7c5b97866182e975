"""The mobile number of an account (and of a donor's contact): 11 mainland digits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shouwang.accounts.forms import clean_mobile


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("13812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
     (" 138-1234-5678 ", "13812345678"), ("", "")],
)  # fmt: skip
def test_it_reads_what_staff_type(typed: str, stored: str) -> None:
    assert clean_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["1381234567", "23812345678", "١٣٨١٢٣٤٥٦٧٨", "138１２３４５６7x"])
def test_it_refuses_anything_else(typed: str) -> None:
    with pytest.raises(ValidationError, match="11位大陆手机号码"):
        clean_mobile(typed)


@given(st.text(max_size=20))
def test_whatever_it_accepts_is_eleven_ascii_digits(typed: str) -> None:
    try:
        stored = clean_mobile(typed)
    except ValidationError:
        return
    assert stored == "" or (len(stored) == 11 and stored.isascii() and stored.isdigit())
