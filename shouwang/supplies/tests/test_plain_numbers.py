"""Money and quantities are typed as plain digits: ``1e5`` is not 100,000 yuan, and
``inf``/``nan`` are no amount at all. Every money and quantity field of the supplies
forms refuses them in Chinese (400, nothing stored); the parser behind them is
checked by properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from shouwang.supplies.models import Donation, Movement, Spending
from shouwang.supplies.numerals import parse_decimal, parse_integer

from .factories import item, location, stock
from .test_record_donation import cash_form

NOT_PLAIN = [
    "1e5",
    "1E5",
    "1e+5",
    "2.5e3",
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "NaN",
    "sNaN",
    "1_000",
]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2))
def test_every_plain_amount_reads_as_itself(amount: Decimal) -> None:
    assert parse_decimal(f"{amount:f}") == amount
    assert parse_decimal(f"  {amount:f} ") == amount


@given(st.integers())
def test_every_plain_integer_reads_as_itself(number: int) -> None:
    assert parse_integer(str(number)) == number


@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from("eE"),
    st.sampled_from(["", "+", "-"]),
    st.integers(min_value=0, max_value=30),
)
def test_no_exponent_is_read(mantissa: int, e: str, sign: str, exponent: int) -> None:
    text = f"{mantissa}{e}{sign}{exponent}"
    with pytest.raises(ValidationError):
        parse_decimal(text)
    with pytest.raises(ValidationError):
        parse_integer(text)


@given(st.text())
def test_anything_typed_is_a_finite_number_or_refused(text: str) -> None:
    for parse in (parse_decimal, parse_integer):
        try:
            number = parse(text)
        except ValidationError as exc:
            code = exc.code
        else:
            code = None
            assert Decimal(number).is_finite()
            assert not any(c in text for c in "eEnN_")
        assert code in (None, "not_plain")


@pytest.mark.parametrize("typed", NOT_PLAIN)
def test_the_parser_refuses(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_decimal(typed)
    with pytest.raises(ValidationError):
        parse_integer(typed)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1e5", "inf", "nan"])
def test_a_gift_amount_in_exponent_notation_is_refused(world, typed) -> None:
    response = world.client("hq").post(reverse("supplies:donation_create"), cash_form(amount=typed))
    assert response.status_code == 400
    assert "不接受 1e5、inf、nan 这类写法" in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_a_spending_of_1e3_is_refused(world, cash_gift, purpose) -> None:
    cash_gift("李顺喜", "5000", days_ago=1)
    response = world.client("hq").post(
        reverse("supplies:spending_create"),
        {"purpose": purpose.pk, "amount": "1e3", "description": "口罩", "client_id": "s1"},
    )
    assert response.status_code == 400
    assert "不接受 1e5、inf、nan 这类写法" in response.content.decode()
    assert not Spending.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "typed"), [("quantity", "1e3"), ("amount", "1e3")])
def test_a_purchase_in_exponent_notation_is_refused(world, field, typed) -> None:
    warehouse = location(world.subdistrict, "仓库")
    sent = {"location": warehouse.pk, "item": item().pk, "quantity": "3", "amount": "10"}
    response = world.client("hq").post(reverse("supplies:purchase"), {**sent, field: typed})
    assert response.status_code == 400
    assert "这类写法" in response.content.decode()
    assert not Movement.objects.exists()


@pytest.mark.django_db
def test_an_issue_of_1e2_is_refused(world) -> None:
    store = location(world.community_a)
    stock(store, 300)
    response = world.client("staff_a").post(
        reverse("supplies:location_out", args=[store.pk]),
        {"kind": "consumption", "item": item().pk, "quantity": "1e2"},
    )
    assert response.status_code == 400
    assert "不接受 1e5、inf、nan 这类写法" in response.content.decode()
    assert Movement.objects.count() == 1


@pytest.mark.django_db
def test_a_received_amount_of_nan_is_refused(world, cash_gift) -> None:
    pledge = cash_gift("李顺喜", "500", received=False)
    response = world.client("hq").post(
        reverse("supplies:donation_receive", args=[pledge.pk]),
        {"channel": "bank", "received_amount": "nan"},
    )
    assert response.status_code == 400
    assert "这类写法" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PLEDGED
