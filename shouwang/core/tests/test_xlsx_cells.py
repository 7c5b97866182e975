"""The cell helpers every import shares: whatever openpyxl hands over, a cell is clean
text or a problem to report, never an exception and never an object's repr."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from shouwang.core.xlsx import (
    FORMULA_MESSAGE,
    NOT_TEXT_MESSAGES,
    cell_text,
    formula_problem,
    not_text,
)

PROBLEMS = {FORMULA_MESSAGE, *NOT_TEXT_MESSAGES.values()}

cells = st.one_of(
    st.none(),
    st.text(),
    st.text().map(lambda text: "=" + text),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.builds(ArrayFormula, ref=st.just("A1"), text=st.text().map(lambda text: "=" + text)),
    st.builds(DataTableFormula, ref=st.just("A1")),
)


@given(cells, st.booleans())
def test_a_cell_is_clean_text_or_a_problem(value, whole_numbers) -> None:
    problem = formula_problem(value) or not_text(value, whole_numbers=whole_numbers)
    text = cell_text(value)
    assert isinstance(text, str)
    assert text == text.strip()
    if problem:
        assert problem in PROBLEMS
    else:
        assert not text.startswith("=")
        assert " object at 0x" not in text


@given(
    st.one_of(
        st.text().map(lambda text: " =" + text),
        st.builds(ArrayFormula, ref=st.just("A1"), text=st.just("=1+1")),
    )
)
def test_a_formula_is_reported_with_the_one_message(value) -> None:
    assert formula_problem(value) == FORMULA_MESSAGE


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_a_whole_number_is_text_only_where_a_number_can_name_something(number) -> None:
    for value in (number, float(number), Decimal(number)):
        assert not_text(value) == ""
        assert not_text(value, whole_numbers=False) == NOT_TEXT_MESSAGES["whole"]
